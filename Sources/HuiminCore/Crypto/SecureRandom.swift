/// Key material, salts and IVs. `SystemRandomNumberGenerator` reads the kernel CSPRNG
/// (getrandom on Linux), which is what key generation needs.
public func randomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    return (0..<count).map { _ in rng.next() }
}
