import GRDB
import GRDBSQLite

/// Rows read by column position straight from SQLite, for the reads inside the booking's grouped
/// transaction. GRDB's Row lower-cases every column name into a dictionary each time it makes one
/// (for `fetchOne`, even when nothing is found); on the rush-hour path that ran on the one writer
/// thread and cost more than the SQL itself.
struct PositionalRow {
    fileprivate let statement: SQLiteStatement

    /// A column that is never NULL.
    subscript<Value: StatementColumnConvertible>(_ index: Int32) -> Value {
        get throws {
            guard let value = Value.fromStatement(statement, atUncheckedIndex: index) else {
                throw DatabaseError(message: "column \(index) is NULL or not a \(Value.self)")
            }
            return value
        }
    }

    /// A column that may be NULL.
    subscript<Value: StatementColumnConvertible>(optional index: Int32) -> Value? {
        Value.fromStatement(statement, atUncheckedIndex: index)
    }
}

extension Statement {
    /// The rows `arguments` select, each made by `read` while it is current.
    func positionalRows<T>(_ arguments: StatementArguments, limit: Int = .max, _ read: (PositionalRow) throws -> T) throws -> [T] {
        try setArguments(arguments)
        defer { sqlite3_reset(sqliteStatement) }
        var rows: [T] = []
        while rows.count < limit {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_ROW: rows.append(try read(PositionalRow(statement: sqliteStatement)))
            case SQLITE_DONE: return rows
            case let code:
                throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                    message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
            }
        }
        return rows
    }

    func positionalRow<T>(_ arguments: StatementArguments, _ read: (PositionalRow) throws -> T) throws -> T? {
        try positionalRows(arguments, limit: 1, read).first
    }
}
