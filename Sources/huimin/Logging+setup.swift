import Foundation
import HuiminCore
import Logging

enum LogSetup {
    /// One structured line per event on stderr: `timestamp level label: message key=value…`, with the
    /// request ID (`hb.request.id`) among the metadata of every request's lines.
    static func bootstrap(level: String) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
    }
}
