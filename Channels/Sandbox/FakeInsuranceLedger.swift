import Foundation
import HuiminCore
import Synchronization

/// What the sandbox insurance centre remembers: insured persons and their personal-account
/// balances, the authorisation codes residents were issued, and the orders (uploaded bills, their
/// splits, settlements and refunds).
///
/// Insured persons: the fixtures below, and any other valid 18-digit ID number, which is insured
/// (职工医保) with `InsuranceSandboxSettings.defaultBalanceFen` in its account from the first time
/// the centre hears of it.
final class FakeInsuranceLedger: Sendable {
    struct Person: Sendable {
        let idNumber: String
        /// 人员编号 (`psn_no`).
        let personNo: String
        let insured: Bool
        var balanceFen: Int64
    }

    struct Line: Sendable {
        let category: String
        let amountFen: Int64
    }

    struct Refund: Sendable {
        let refundNo: String
        let fundFen: Int64
        let accountFen: Int64
        let at: Date
    }

    struct Order: Sendable {
        let payOrderID: String
        let payToken: String
        let hospitalCode: String
        let tradeNo: String
        let billNo: String
        let idNumber: String
        let personNo: String
        let payAuthNo: String
        let visitID: String
        let lines: [Line]
        let totalFen: Int64
        let createdAt: Date
        /// `ordStas`: 0 已保存 (6201), 1 预结算完成 (6202), 6 结算完成, 8 医保已全部退款, 12 已撤销.
        var status: Int
        var fundFen: Int64 = 0
        var accountFen: Int64 = 0
        var cashFen: Int64 = 0
        var settlementID: String?
        var settledAt: Date?
        var refunds: [Refund] = []

        var refundedFundFen: Int64 { refunds.reduce(0) { $0 + $1.fundFen } }
        var refundedAccountFen: Int64 { refunds.reduce(0) { $0 + $1.accountFen } }
    }

    /// A difference injected into the daily detail (对明细账), until cleared: a settlement left
    /// out (`drop`), one part changed by `deltaFen` (`alter`), a settlement no hospital asked for
    /// (`extra`), or the centre reversing a settlement by itself (`reverse`, 撤销).
    struct StatementEdit: Sendable {
        enum Kind: String, Sendable { case drop, alter, extra, reverse }
        let kind: Kind
        let settlementID: String
        /// `alter`: fund, account or cash.
        var part: String = ""
        var deltaFen: Int64 = 0
        /// `extra`: the settlement the centre claims; `reverse`: when it reversed.
        var hospitalCode: String = ""
        var fundFen: Int64 = 0
        var accountFen: Int64 = 0
        var cashFen: Int64 = 0
        let at: Date
    }

    struct State: Sendable {
        var persons: [String: Person] = [:]
        /// payAuthNo -> (ID number, issued at).
        var authCodes: [String: (idNumber: String, issuedAt: Date)] = [:]
        var orders: [String: Order] = [:]
        /// Differences a tester injected into the centre's daily detail (FakeInsuranceStatement).
        var statementEdits: [StatementEdit] = []
        var sequence = 0

        mutating func next() -> Int {
            sequence += 1
            return sequence
        }
    }

    /// Fixture persons, by the first 17 digits of their ID numbers (the check character is
    /// computed): one with a small account (5.00 yuan), one with an empty one, one not insured.
    static let fixtures: [(first17: String, insured: Bool, balanceFen: Int64)] = [
        ("45010219850315002", true, 500),
        ("45010219700720003", true, 0),
        ("45010220200101004", false, 0),
    ]

    static func fixtureID(_ index: Int) -> String {
        let first17 = fixtures[index].first17
        return first17 + String(IDCardNumber.checkCharacter(for: first17))
    }

    let defaultBalanceFen: Int64
    private let state: Mutex<State>

    init(defaultBalanceFen: Int64) {
        self.defaultBalanceFen = defaultBalanceFen
        var initial = State()
        for index in Self.fixtures.indices {
            let id = Self.fixtureID(index)
            initial.persons[id] = Person(idNumber: id, personNo: Self.personNo(initial.next()),
                                         insured: Self.fixtures[index].insured, balanceFen: Self.fixtures[index].balanceFen)
        }
        state = Mutex(initial)
    }

    func withState<T>(_ body: (inout State) -> T) -> T {
        state.withLock { body(&$0) }
    }

    /// The person with this (valid) ID number, enrolled with the default balance if new.
    func person(_ idNumber: String, in state: inout State) -> Person {
        if let person = state.persons[idNumber] { return person }
        let person = Person(idNumber: idNumber, personNo: Self.personNo(state.next()), insured: true,
                            balanceFen: defaultBalanceFen)
        state.persons[idNumber] = person
        return person
    }

    static func personNo(_ sequence: Int) -> String {
        "45010200" + String(format: "%022d", sequence)
    }

    /// The published split rule of the sandbox centre (all in fen, no deductible):
    /// - the fund (统筹) pays 70 % of each 检查费 (03), 治疗费 (05) and 西药费 (09) line, rounded
    ///   down per line; other categories are not covered;
    /// - the personal account pays what it can of the rest, up to its balance (only when the
    ///   order allows it, `acctUsedFlag` 1);
    /// - cash is the remainder.
    static func split(lines: [Line], balanceFen: Int64, useAccount: Bool) -> (fund: Int64, account: Int64, cash: Int64) {
        let covered: Set<String> = ["03", "05", "09"]
        let total = lines.reduce(0) { $0 + $1.amountFen }
        let fund = lines.filter { covered.contains($0.category) }.reduce(0) { $0 + $1.amountFen * 70 / 100 }
        let account = useAccount ? min(total - fund, max(balanceFen, 0)) : 0
        return (fund, account, total - fund - account)
    }
}
