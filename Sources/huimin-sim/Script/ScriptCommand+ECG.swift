/// Script words for ECGs: a cart registered and uploading, critical-value contacts, the ECG
/// centre's queue and report, and a resident's ECGs.
extension ScriptCommand {
    static let ecg: [ScriptCommand] = [
        .init("ecg-cart", ["deviceCode"], optional: ["hospital", "model"], saves: "device code",
              summary: "register an ECG cart for the hospital (admin staff) and sign later ecg-upload calls with its key"),
        .init("alert-contact", ["clinic|ecg_centre"], required: ["phone"], optional: ["hospital", "label"], saves: "contact id",
              summary: "who is phoned about critical ECGs: the clinic's duty phone or the ECG centre's (admin staff)"),
        .init("ecg-upload", ["file"], optional: ["patient"], saves: "recording id",
              summary: "the cart uploads an ECG file (.json, .xml aECG or .dcm); patient= replaces a JSON file's patient ID"),
        .init("ecg-queue", saves: "first recording id", summary: "the ECG centre's reading queue, critical first (staff)"),
        .init("ecg-report", ["recording"], required: ["doctor", "diagnosis"],
              summary: "the ECG centre reports a recording, signed by a doctor of the hospital (terminal key)"),
        .init("ecgs", ["member"], saves: "how many", summary: "a family member's ECGs as the resident sees them"),
        .init("wait-sms", ["phone"], optional: ["template", "seconds"], saves: "how many",
              summary: "wait until the sandbox SMS gateway has a message for the phone (of template=), then show them"),
    ]
}
