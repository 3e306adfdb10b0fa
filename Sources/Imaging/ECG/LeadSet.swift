/// The checks and completion every reader applies to the leads it found, so that all formats give
/// the same guarantees: at least one lead, one length, a usable rate, no duplicates, and the four
/// derived limb leads present whenever I and II are.
enum LeadSet {
    /// Waveform storage allows 50 Hz (ambulatory) to well above 1 kHz; outside this range the
    /// value is a units mistake (kHz, or a sample interval given as a rate).
    static let samplingRates = 50.0...20_000.0

    static func validated(_ leads: [Lead], samplingRate: Double) throws(ECGError) -> [Lead] {
        guard samplingRate.isFinite, samplingRates.contains(samplingRate) else {
            throw .badSamplingRate("\(samplingRate) Hz is outside \(Int(samplingRates.lowerBound))–\(Int(samplingRates.upperBound)) Hz")
        }
        guard let first = leads.first else { throw .noLeads("no lead found in the file") }
        var seen = Set<String>()
        for lead in leads {
            guard seen.insert(lead.name).inserted else { throw .invalidField(field: "lead \(lead.name)", reason: "the lead appears twice") }
            guard lead.samples.count == first.samples.count else {
                throw .leadLengthMismatch(lead: lead.name, expected: first.samples.count, found: lead.samples.count)
            }
        }
        guard first.samples.count > 0 else { throw .noLeads("the leads hold no samples") }
        return LeadName.ordered(withDerivedLimbLeads(leads))
    }

    /// Carts often send only I, II and V1–V6 because Einthoven's and Goldberger's relations fix
    /// the rest: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
    static func withDerivedLimbLeads(_ leads: [Lead]) -> [Lead] {
        guard let one = leads.first(where: { $0.name == "I" })?.samples,
              let two = leads.first(where: { $0.name == "II" })?.samples else { return leads }
        let present = Set(leads.map(\.name))
        let formulas: [(String, (Double, Double) -> Double)] = [
            ("III", { i, ii in ii - i }),
            ("aVR", { i, ii in -(i + ii) / 2 }),
            ("aVL", { i, ii in i - ii / 2 }),
            ("aVF", { i, ii in ii - i / 2 }),
        ]
        var completed = leads
        for (name, formula) in formulas where !present.contains(name) {
            let samples = zip(one, two).map { Int32(clamping: Int(formula(Double($0), Double($1)).rounded())) }
            completed.append(Lead(name: name, samples: samples))
        }
        return completed
    }
}
