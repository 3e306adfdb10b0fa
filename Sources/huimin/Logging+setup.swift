import Foundation
import HuiminCore
import Logging

enum LogSetup {
    /// One structured line per event on stderr, with the request ID (`hb.request.id`) among the
    /// metadata of every request's lines: `timestamp level label: message key=value…`, or one JSON
    /// object per line when `HUIMIN_LOG_FORMAT=json`.
    static func bootstrap(level: String, format: String) {
        let threshold = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            if format == "json" {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = threshold
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = threshold
            return handler
        }
    }
}
