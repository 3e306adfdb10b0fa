import Imaging
import Synchronization

/// Recordings ECGIngest has just parsed, held for the render job queued with each, so the job
/// draws from the parsed leads instead of reading and parsing the stored original again (a third
/// of its work besides drawing). It helps where the job runs in the process that took the upload;
/// a job that finds nothing here (another process, a restart, a retry) reads the original.
/// Bounded by the samples held, since recordings differ in length: while the runners are that
/// far behind, new ones are not held. The bound is generous because a job that misses parses its
/// original again, which slows the runners and makes the next ones miss too.
public final class ParsedRecordings: Sendable {
    private let maxSamples: Int
    private let waiting = Mutex<(recordings: [String: ECGRecording], samples: Int)>(([:], 0))

    /// 32 M samples are 128 MB: about 540 recordings of 12 leads, 10 s at 500 Hz.
    public init(maxSamples: Int = 32 << 20) {
        self.maxSamples = maxSamples
    }

    func hold(_ recording: ECGRecording, id: String) {
        let samples = recording.leads.reduce(0) { $0 + $1.samples.count }
        waiting.withLock { waiting in
            guard waiting.samples + samples <= maxSamples else { return }
            waiting.recordings[id] = recording
            waiting.samples += samples
        }
    }

    func take(_ id: String) -> ECGRecording? {
        waiting.withLock { waiting in
            guard let recording = waiting.recordings.removeValue(forKey: id) else { return nil }
            waiting.samples -= recording.leads.reduce(0) { $0 + $1.samples.count }
            return recording
        }
    }
}
