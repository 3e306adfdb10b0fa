import Foundation
import GRDB

/// One image as a film page lists it: enough to build its links, without the sealed metadata.
public struct FilmImageRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var sopInstanceUid: String
    public var seriesUid: String
    public var instanceNumber: Int?
    public var frames: Int?
    public var renderState: String
}

extension ImagingStore {
    /// The study when it is the person's (by a bound patient card or the ID-card number), else nil.
    public func study(_ studyUID: String, personID: String) async throws -> StudyRow? {
        try await database.pool.read { db in
            try StudyRow.fetchOne(db, sql: """
                SELECT s.* FROM dicom_study s
                WHERE s.study_uid = ?1
                  AND (EXISTS (SELECT 1 FROM patient_card c
                               WHERE c.person_id = ?2 AND c.hospital_code = s.hospital_code AND c.patient_id = s.patient_id)
                       OR s.id_number_index = (SELECT id_number_index FROM person WHERE id = ?2))
                """, arguments: [studyUID, personID])
        }
    }

    /// A study's series in their number order.
    public func series(studyUID: String) async throws -> [SeriesRow] {
        try await database.pool.read { db in
            try SeriesRow.fetchAll(db, sql: """
                SELECT * FROM dicom_series WHERE study_uid = ? ORDER BY series_number IS NULL, series_number, series_uid
                """, arguments: [studyUID])
        }
    }

    /// A page of a series' images in instance-number order.
    public func images(seriesUID: String, offset: Int, limit: Int) async throws -> [FilmImageRow] {
        try await database.pool.read { db in
            try FilmImageRow.fetchAll(db, sql: """
                SELECT sop_instance_uid, series_uid, instance_number, frames, render_state FROM dicom_instance
                WHERE series_uid = ? AND render_state != 'none' ORDER BY instance_number IS NULL, instance_number, sop_instance_uid LIMIT ? OFFSET ?
                """, arguments: [seriesUID, limit, offset])
        }
    }

    /// How many viewable images each series of a study holds (reports and waveforms left out).
    public func imageCounts(studyUID: String) async throws -> [String: Int] {
        try await database.pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT series_uid, COUNT(*) AS n FROM dicom_instance WHERE study_uid = ? AND render_state != 'none' GROUP BY series_uid
                """, arguments: [studyUID]) {
                counts[row["series_uid"]] = row["n"]
            }
            return counts
        }
    }

    public func hospitalName(code: String) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM hospital WHERE code = ?", arguments: [code])
        }
    }

    /// The named images of a study, in the order asked, skipping any the study does not hold.
    public func images(studyUID: String, sopInstanceUIDs: [String]) async throws -> [FilmImageRow] {
        guard !sopInstanceUIDs.isEmpty else { return [] }
        let found = try await database.pool.read { db in
            try FilmImageRow.fetchAll(db, sql: """
                SELECT sop_instance_uid, series_uid, instance_number, frames, render_state FROM dicom_instance
                WHERE study_uid = ? AND render_state != 'none' AND sop_instance_uid IN (\(Array(repeating: "?", count: sopInstanceUIDs.count).joined(separator: ",")))
                """, arguments: StatementArguments([studyUID] + sopInstanceUIDs))
        }
        let byUID = Dictionary(found.map { ($0.sopInstanceUid, $0) }, uniquingKeysWith: { first, _ in first })
        return sopInstanceUIDs.compactMap { byUID[$0] }
    }
}
