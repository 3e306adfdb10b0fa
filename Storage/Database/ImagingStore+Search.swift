import Foundation
import GRDB

extension ImagingStore {
    public func studies(_ filter: StudyFilter) async throws -> [StudyRow] {
        try await database.pool.read { db in
            var query = SQLConditions()
            query.in("study_uid", filter.studyUIDs)
            query.match("patient_id", filter.patientID)
            query.match("accession_number", filter.accessionNumber)
            query.match("study_id", filter.studyID)
            query.add("study_uid IN (SELECT study_uid FROM dicom_study_name_key WHERE key = ?)", filter.patientNameKey)
            query.add("study_date >= ?", filter.studyDateFrom)
            query.add("study_date <= ?", filter.studyDateTo)
            // Modalities are kept sorted and backslash-joined: match one whole value.
            query.add("('\\' || modalities || '\\') LIKE ?", filter.modality.map { "%\\\($0)\\%" })
            query.add("hospital_code = ?", filter.hospitalCode)
            query.add("id_number_index = ?", filter.idNumberIndex)
            return try StudyRow.fetchAll(db, sql: "SELECT * FROM dicom_study\(query.whereSQL) "
                + "ORDER BY study_date DESC, study_time DESC, study_uid LIMIT ? OFFSET ?",
                arguments: query.arguments(limit: filter.limit, offset: filter.offset))
        }
    }

    public func series(_ filter: SeriesFilter) async throws -> [SeriesRow] {
        try await database.pool.read { db in
            var query = SQLConditions()
            query.add("study_uid = ?", filter.studyUID)
            query.in("series_uid", filter.seriesUIDs)
            query.match("modality", filter.modality)
            query.add("series_number = ?", filter.seriesNumber)
            return try SeriesRow.fetchAll(db, sql: "SELECT * FROM dicom_series\(query.whereSQL) "
                + "ORDER BY study_uid, series_number, series_uid LIMIT ? OFFSET ?",
                arguments: query.arguments(limit: filter.limit, offset: filter.offset))
        }
    }

    public func instances(_ filter: InstanceFilter) async throws -> [InstanceRow] {
        try await database.pool.read { db in
            var query = SQLConditions()
            query.add("study_uid = ?", filter.studyUID)
            query.add("series_uid = ?", filter.seriesUID)
            query.in("sop_instance_uid", filter.sopInstanceUIDs)
            query.add("sop_class_uid = ?", filter.sopClassUID)
            query.add("instance_number = ?", filter.instanceNumber)
            return try InstanceRow.fetchAll(db, sql: "SELECT * FROM dicom_instance\(query.whereSQL) "
                + "ORDER BY series_uid, instance_number, sop_instance_uid LIMIT ? OFFSET ?",
                arguments: query.arguments(limit: filter.limit, offset: filter.offset))
        }
    }

    public func study(_ studyUID: String) async throws -> StudyRow? {
        try await database.pool.read { db in
            try StudyRow.fetchOne(db, sql: "SELECT * FROM dicom_study WHERE study_uid = ?", arguments: [studyUID])
        }
    }

    public func instance(_ sopInstanceUID: String) async throws -> InstanceRow? {
        try await database.pool.read { db in
            try InstanceRow.fetchOne(db, sql: "SELECT * FROM dicom_instance WHERE sop_instance_uid = ?",
                                     arguments: [sopInstanceUID])
        }
    }

    /// Instances still waiting for their render (the worker's backlog and the benchmark's finish line).
    public func pendingRenders() async throws -> Int {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dicom_instance WHERE render_state = 'pending'") ?? 0
        }
    }
}

/// The WHERE clause of a search, built from the filters that are set.
struct SQLConditions {
    private var clauses: [String] = []
    private var values: [any DatabaseValueConvertible] = []

    /// Adds `sql` (one `?`) when the value is there.
    mutating func add(_ sql: String, _ value: (any DatabaseValueConvertible)?) {
        guard let value else { return }
        clauses.append(sql)
        values.append(value)
    }

    /// A DICOM text match (wildcards allowed) when the value is there.
    mutating func match(_ column: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        let matched = DICOMMatch(column: column, value: value)
        add(matched.sql, matched.argument)
    }

    mutating func `in`(_ column: String, _ list: [String]) {
        guard !list.isEmpty else { return }
        clauses.append("\(column) IN (\(Array(repeating: "?", count: list.count).joined(separator: ",")))")
        values.append(contentsOf: list)
    }

    var whereSQL: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

    func arguments(limit: Int, offset: Int) -> StatementArguments {
        StatementArguments(values + [limit, offset])
    }
}

extension ImagingStore {
    /// A person's studies, linked two ways: the hospital's patient ID on one of the person's bound
    /// patient cards (就诊卡), or the ID-card number the PACS filed the study under (real-name
    /// registry). Worked out when asked, so a card bound after the images arrived still links them.
    public func studies(personID: String, limit: Int = 200) async throws -> [StudyRow] {
        try await database.pool.read { db in
            try StudyRow.fetchAll(db, sql: """
                SELECT s.* FROM dicom_study s
                WHERE EXISTS (SELECT 1 FROM patient_card c
                              WHERE c.person_id = ? AND c.hospital_code = s.hospital_code AND c.patient_id = s.patient_id)
                   OR s.id_number_index = (SELECT id_number_index FROM person WHERE id = ?)
                ORDER BY s.study_date DESC, s.study_time DESC LIMIT ?
                """, arguments: [personID, personID, limit])
        }
    }
}
