/// Key material, salts and IVs. `SystemRandomNumberGenerator` reads the kernel CSPRNG
/// (getrandom on Linux), which is what key generation needs.
public func randomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    var out = [UInt8]()
    out.reserveCapacity(count + 7)
    while out.count < count {  // eight bytes a draw: each draw is a getrandom call
        withUnsafeBytes(of: rng.next() as UInt64) { out.append(contentsOf: $0) }
    }
    return Array(out.prefix(count))
}
