import Foundation
import HuiminCore
@testable import Insurance
import Sandbox
import Testing
import Transport

/// A sandbox (SandboxHarness) whose insurance centre uses this test process's own SM2 key files,
/// and an InsuranceClient configured from the default channel settings pointed at it.
struct InsuranceHarness: Sendable {
    let sandbox: SandboxHarness
    let client: InsuranceClient
    let configuration: InsuranceConfiguration

    var clock: ManualClock { sandbox.clock }

    /// Made once, before any sandbox starts, so every sandbox of the process loads the same pairs.
    static let keysDirectory: URL = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("huimin-insurance-tests-\(UUID().uuidString)", isDirectory: true)
        _ = try! InsuranceSandboxKeys.loadOrCreate(directory: directory)
        return directory
    }()

    static func run(timeout: Double = 15, _ body: (InsuranceHarness) async throws -> Void) async throws {
        let directory = keysDirectory
        try await SandboxHarness.run(timeout: timeout, configure: { $0.insurance.keysDirectory = directory }) { sandbox in
            let configuration = try #require(try InsuranceConfiguration.from(settings: channels(sandbox)))
            let client = InsuranceClient(configuration: configuration, transport: sandbox.transport, clock: sandbox.clock)
            try await body(InsuranceHarness(sandbox: sandbox, client: client, configuration: configuration))
        }
    }

    /// The default settings with the insurance centre and its key files pointed at this sandbox.
    static func channels(_ sandbox: SandboxHarness) throws -> Configuration.ChannelSettings {
        let keys = try InsuranceSandboxKeys.loadOrCreate(directory: keysDirectory)
        var channels = sandbox.channels
        channels.insuranceBaseURL = sandbox.baseURL + "/insurance"
        channels.insurancePrivateKeyPath = keys.hospitalPrivateKeyPath
        channels.insuranceCentrePublicKeyPath = keys.centrePublicKeyPath
        return channels
    }

    /// A valid ID number nobody else in the process uses (so its account starts at 800.00).
    static func newIDNumber() -> String {
        let first17 = "450102199001" + String(format: "%05d", Int.random(in: 0...99_999))
        return first17 + String(IDCardNumber.checkCharacter(for: first17))
    }

    /// The fixtures' ID numbers: a 5.00 yuan account, an empty account, not insured.
    static func fixtureID(_ first17: String) -> String {
        first17 + String(IDCardNumber.checkCharacter(for: first17))
    }

    static let smallAccountID = fixtureID("45010219850315002")
    static let emptyAccountID = fixtureID("45010219700720003")
    static let uninsuredID = fixtureID("45010220200101004")

    /// The resident authorises in the mini-program.
    func authCode(_ idNumber: String) async throws -> String {
        let answer = try await sandbox.post("/sandbox/insurance/auth-codes", "{\"id_number\": \"\(idNumber)\"}")
        return try #require(answer["payAuthNo"] as? String)
    }

    /// The medical-insurance cashier reports the cash part paid; the centre settles.
    @discardableResult
    func settle(_ payOrderID: String) async throws -> [String: Any] {
        try await sandbox.post("/sandbox/insurance/orders/\(payOrderID)/settle")
    }

    func balanceFen(_ idNumber: String) async throws -> Int64? {
        (try await sandbox.get("/sandbox/insurance/persons/\(idNumber)")["balanceFen"] as? NSNumber)?.int64Value
    }

    func request(_ idNumber: String, authCode: String, items: [InsuranceBillItem],
                 tradeNo: String = TradeNumber.make("P", at: Date())) -> InsurancePreSettlement {
        InsurancePreSettlement(hospitalCode: configuration.hospitalCode, billNo: "RX" + tradeNo.suffix(10),
                               idNumber: idNumber, payAuthNo: authCode, items: items,
                               totalFen: items.reduce(0) { $0 + $1.amountFen }, tradeNo: tradeNo)
    }

    /// 西药费 100.00, 检查费 33.33, 挂号费 10.00, 诊察费 20.01: the fund pays 70 % of the first two
    /// (7000 + 2333, rounded down), 93.33; the rest is 70.01.
    static let mixedBill = [
        InsuranceBillItem(code: "X0101", name: "阿莫西林胶囊", category: .westernMedicine, amountFen: 10_000),
        InsuranceBillItem(code: "J0203", name: "血常规", category: .examination, amountFen: 3_333),
        InsuranceBillItem(code: "G0001", name: "普通门诊挂号", category: .registration, amountFen: 1_000),
        InsuranceBillItem(code: "Z0002", name: "门诊诊察费", category: .consultation, amountFen: 2_001),
    ]

    /// Authorises and pre-settles a bill for a new person.
    func preSettled(_ items: [InsuranceBillItem] = InsuranceHarness.mixedBill,
                    idNumber: String = InsuranceHarness.newIDNumber()) async throws -> InsuranceSplit {
        try await client.preSettle(request(idNumber, authCode: try await authCode(idNumber), items: items))
    }
}
