/// Script words for imaging, reports and films: a PACS sending a study, a resident reading
/// reports and films, sharing a film, and a doctor opening the share.
extension ScriptCommand {
    static let films: [ScriptCommand] = [
        .init("dicom-upload", ["file|dir"], optional: ["hospital"], saves: "study UID",
              summary: "the PACS sends DICOM files (a file, or every file of a directory) as application/dicom (imaging staff)"),
        .init("reports", ["member"], optional: ["kind"], saves: "how many",
              summary: "a family member's reports (lab, exam, ecg) across hospitals, newest first"),
        .init("films", ["member"], saves: "first study UID", summary: "a family member's imaging studies (云胶片), newest first"),
        .init("film", ["member", "study"], saves: "thumbnails fetched",
              summary: "open a study as the mini-program does and fetch each series' and key image's thumbnail"),
        .init("share", ["member", "study"], optional: ["days", "code"], saves: "share link",
              summary: "share a study with a doctor: a link and QR code, days=7 unless told, code= an optional access code"),
        .init("share-open", ["link"], optional: ["code"], saves: "images fetched",
              summary: "a doctor opens a share link (no account), then fetches its series' thumbnails with the share's cookie"),
        .init("share-revoke", ["member", "share"], summary: "the resident revokes a share"),
        .init("share-log", ["member", "share"], saves: "how many", summary: "every opening of a share, refused ones too"),
    ]
}
