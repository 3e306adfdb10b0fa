/// The tile shown for an image that cannot be decoded: mid grey with a darker frame and a diagonal
/// cross, so a viewer's grid stays complete and the failure is visible at a glance.
public enum Placeholder {
    public static func raster(size: Int) -> Raster {
        var pixels = [UInt8](repeating: 128, count: size * size)
        let border = max(size / 32, 1)
        for y in 0..<size {
            for x in 0..<size {
                let edge = x < border || y < border || x >= size - border || y >= size - border
                let cross = abs(x - y) < border || abs(x + y - (size - 1)) < border
                if edge || cross { pixels[y * size + x] = 80 }
            }
        }
        return Raster(width: size, height: size, channels: 1, pixels: pixels)
    }
}
