/// How a fake channel's next notifications behave, as its control route armed them: the mode
/// (drop, duplicate, delay, alter, …), for how many, and the delay.
struct SandboxNotificationPlan<Mode: Sendable>: Sendable {
    var mode: Mode
    var remaining: Int
    var delayMs: Int

    /// One notification's behaviour, using up one of the armed count; without a plan, `normal`.
    static func take(_ plan: inout SandboxNotificationPlan?, normal: Mode) -> (Mode, Int) {
        guard var current = plan, current.remaining > 0 else { return (normal, 0) }
        current.remaining -= 1
        plan = current.remaining > 0 ? current : nil
        return (current.mode, current.delayMs)
    }
}
