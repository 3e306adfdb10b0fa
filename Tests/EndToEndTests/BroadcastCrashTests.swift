import Foundation
import TestSupport
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct BroadcastCrashTests {
    static let accounts = 100_000

    /// A 100,000-account broadcast, its server killed with SIGKILL while expanding and started
    /// again: the restarted server goes on from the committed cursor, and every account ends up
    /// with exactly one outbox row.
    @Test func aBroadcastInterruptedByKillMinus9LosesAndRepeatsNoRecipient() async throws {
        // Only the expansion is under test: sending 100,000 messages meanwhile would only slow it.
        let server = try ServerProcess(extraEnvironment: ["HUIMIN_DISPATCHER": "off"])
        try await server.start()
        let database = server.dataDirectory.appendingPathComponent("huimin.sqlite").path
        // Accounts are written straight in (python's sqlite3): logging in 100,000 residents is not what is tested.
        let seeded = try await sql(database, """
            now = '2026-12-01 00:00:00.000'
            db.executemany("INSERT INTO account (id, channel, app_id, channel_user_id, created_at, last_login_at) VALUES (?, 'wechat', 'wx', ?, ?, ?)",
                           ((f'acc_crash_{i:06d}', f'o_{i}', now, now) for i in range(\(Self.accounts))))
            db.commit()
            print(db.execute('SELECT COUNT(*) FROM account').fetchone()[0])
            """)
        #expect(seeded == "\(Self.accounts)")
        let added = try await server.run("huimin", ["admin", "staff-add", "--username", "ops1", "--role", "operator"],
                                     environment: ["HUIMIN_STAFF_PASSWORD": "correct horse battery"])
        #expect(added.status == 0, "\(added.output)")

        let transport = HTTPTransport(timeout: 10)
        func json(_ method: String, _ path: String, _ body: String = "", token: String? = nil) async throws -> [String: Any] {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await transport.send(OutboundRequest(method: method, url: server.serverURL + path, headers: headers,
                                                                    body: Array(body.utf8)))
            return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
        }
        let token = try #require(try await json("POST", "/api/v1/staff/login",
                                                #"{"username":"ops1","password":"correct horse battery"}"#)["token"] as? String)
        let created = try await json("POST", "/api/v1/staff/broadcasts",
                                     #"{"event":"card.bound","payload":{"hospitalCode":"H0001","cardNo":"5678"},"audience":{"kind":"all"}}"#,
                                     token: token)
        let id = try #require((created["broadcast"] as? [String: Any])?["id"] as? String)

        // Kill it as soon as a batch has committed; the restarted server must find the rest. The
        // progress is read through the API, not a python process: spawning one per look took long
        // enough on a busy CI machine for the expansion to finish between the look and the kill. A
        // look can still come back late while the expansion holds the cores, so the kill does not
        // wait for a quarter: it once came after the last batch.
        var killedAt = 0
        for _ in 0..<2_000 {
            let shown = try await json("GET", "/api/v1/staff/broadcasts/\(id)", token: token)["broadcast"] as? [String: Any]
            let recipients = shown?["recipients"] as? Int ?? 0
            if recipients > 0 {
                let process = try #require(server.process)
                kill(process.pid, SIGKILL)
                _ = process.wait()
                killedAt = recipients
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let atKill = try await sql(database, """
            r = db.execute("SELECT recipients, status FROM broadcast WHERE id = '\(id)'").fetchone()
            n = db.execute("SELECT COUNT(*) FROM outbox WHERE subject_id = '\(id)'").fetchone()[0]
            print(r[0], r[1], n)
            """).split(separator: " ").map(String.init)
        #expect(killedAt > 0 && killedAt < Self.accounts, "killed at \(killedAt) recipients")
        #expect(atKill.count == 3 && atKill[1] == "expanding", "\(atKill)")
        #expect(atKill.count == 3 && atKill[0] == atKill[2], "the cursor and the rows commit together: \(atKill)")

        try await server.start()
        var status = ""
        for _ in 0..<600 {
            status = ((try await json("GET", "/api/v1/staff/broadcasts/\(id)", token: token))["broadcast"] as? [String: Any])?["status"] as? String ?? ""
            if status == "queued" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status == "queued")
        let final = try await sql(database, """
            print(*db.execute("SELECT COUNT(*), COUNT(DISTINCT account_id) FROM outbox WHERE subject_id = '\(id)'").fetchone(),
                  db.execute("SELECT recipients FROM broadcast WHERE id = '\(id)'").fetchone()[0])
            """)
        #expect(final == "\(Self.accounts) \(Self.accounts) \(Self.accounts)", "rows, distinct accounts, recipients (killed at \(atKill))")
        print("broadcast crash test: killed with \(atKill.first ?? "?") of \(Self.accounts) recipients written; after restart \(final)")
        #expect(server.stop() == 0)
    }

    /// Runs python's sqlite3 against the server's database (WAL: it reads beside the server).
    func sql(_ path: String, _ body: String) async throws -> String {
        let script = "import sqlite3\ndb = sqlite3.connect('\(path)', timeout=10)\n" + body
        let result = await ChildProcess.run("/usr/bin/env", ["python3", "-c", script])
        guard result.status == 0 else { throw ProcessFailure(result.output) }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
