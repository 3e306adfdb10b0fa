extension QRMatrix {
    /// The code as text for a terminal, two module rows per line using the half blocks ▀ ▄ █.
    ///
    /// Polarity: text is drawn in the terminal's foreground colour, so the blocks are the *light*
    /// modules (and the quiet zone) and dark modules are left blank. On the usual dark terminal
    /// that gives a true black-on-white code; on a light terminal it would come out inverted,
    /// which some phone scanners refuse. With `ansiColors` each line also forces a bright white
    /// foreground on a black background, so the code reads correctly on any theme; leave it off
    /// when the text goes to a file or a pipe.
    /// - Parameter margin: quiet zone in modules; the QR standard asks for 4.
    /// - Returns: `(size + 2 × margin + 1) / 2` lines joined by newlines, no trailing newline.
    public func terminal(margin: Int = 4, ansiColors: Bool = false) -> String {
        let quiet = max(0, margin)
        let rows = size + 2 * quiet
        let isLight = { (x: Int, y: Int) -> Bool in y < rows && !isDark(x: x - quiet, y: y - quiet) }
        var lines: [String] = []
        for top in stride(from: 0, to: rows, by: 2) {
            var line = ansiColors ? "\u{1B}[97;40m" : ""
            for x in 0..<rows {
                switch (isLight(x, top), isLight(x, top + 1)) {
                case (true, true): line += "█"
                case (true, false): line += "▀"
                case (false, true): line += "▄"
                case (false, false): line += " "
                }
            }
            lines.append(ansiColors ? line + "\u{1B}[0m" : line)
        }
        return lines.joined(separator: "\n")
    }
}
