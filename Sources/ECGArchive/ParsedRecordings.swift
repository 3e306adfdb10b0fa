import Imaging
import Synchronization

/// Recordings ECGIngest has just parsed, held for the render job queued with each, so the job
/// draws from the parsed leads instead of reading and parsing the stored original again (a third
/// of its work besides drawing). It helps where the job runs in the process that took the upload;
/// a job that finds nothing here (another process, a restart, a retry) reads the original.
/// Bounded: while `capacity` recordings wait (the runners are behind), new ones are not held.
public final class ParsedRecordings: Sendable {
    private let capacity: Int
    private let waiting = Mutex<[String: ECGRecording]>([:])

    /// 128 recordings of 12 leads, 10 s at 500 Hz, hold about 30 MB.
    public init(capacity: Int = 128) {
        self.capacity = capacity
    }

    func hold(_ recording: ECGRecording, id: String) {
        waiting.withLock { waiting in
            if waiting.count < capacity { waiting[id] = recording }
        }
    }

    func take(_ id: String) -> ECGRecording? {
        waiting.withLock { $0.removeValue(forKey: id) }
    }
}
