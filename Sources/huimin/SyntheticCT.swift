import Foundation
import Imaging

/// A made-up chest CT (a scout and `images` axial slices of a body, lungs, heart and spine phantom
/// in Hounsfield units, with noise) for demonstrations, end-to-end tests and benchmarks: no
/// patient's images ever leave a hospital for those.
struct SyntheticCT {
    var studyUID: String
    var patientID: String
    /// DICOM PN: `Zhang^San=张^三`.
    var patientName: String
    var studyDate = "20261128"
    var images = 40
    var size = 512

    var scoutSeriesUID: String { "\(studyUID).1" }
    var axialSeriesUID: String { "\(studyUID).2" }

    /// Every file of the study: the scout first, then the axial slices head to foot.
    func files() throws -> [(name: String, bytes: [UInt8])] {
        var files = [("scout-0001.dcm", try file(series: 1, number: 1, pixels: scout()))]
        for number in 1...images {
            files.append((String(format: "axial-%04d.dcm", number), try file(series: 2, number: number, pixels: slice(number))))
        }
        return files
    }

    /// One axial slice: the lungs swell towards the middle of the run, the heart sits low and left.
    func slice(_ number: Int) -> [Int16] {
        let position = Double(number) / Double(max(images, 1))
        let lungSize = 0.55 + 0.35 * sin(position * .pi)
        var generator = NoiseGenerator(seed: UInt64(number))
        var pixels = [Int16](repeating: -1000, count: size * size)
        let half = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let u = (Double(x) - half) / half, v = (Double(y) - half) / half
                var hu: Double = -1000
                if (u * u) / 0.81 + (v * v) / 0.49 <= 1 { hu = -90 }               // fat
                if (u * u) / 0.72 + (v * v) / 0.42 <= 1 { hu = 40 }                // soft tissue
                for side in [-1.0, 1.0] {
                    let lu = (u - side * 0.38) / (0.28 * lungSize), lv = (v + 0.05) / (0.5 * lungSize)
                    if lu * lu + lv * lv <= 1 { hu = -820 }
                }
                let hu2 = (u + 0.12) * (u + 0.12) / 0.04 + (v - 0.1) * (v - 0.1) / 0.03
                if hu2 <= 1, position > 0.35 { hu = 45 + 15 * (1 - hu2) }           // heart, contrast-filled centre
                let spine = u * u + (v - 0.45) * (v - 0.45)
                if spine <= 0.008 { hu = 700 } else if spine <= 0.012 { hu = 300 }  // cortical and spongy bone
                hu += hu > -950 ? generator.next() * 12 : 0
                pixels[y * size + x] = Int16(max(-1024, min(3071, hu)))
            }
        }
        return pixels
    }

    /// The scout (定位像): a frontal projection, brighter where the body is thicker.
    func scout() -> [Int16] {
        var pixels = [Int16](repeating: -1000, count: size * size)
        let half = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let u = (Double(x) - half) / half
                let width = 0.8 - 0.1 * abs(Double(y) / Double(size) - 0.5)
                guard abs(u) < width else { continue }
                let lung = abs(abs(u) - 0.35) < 0.22 && Double(y) > Double(size) * 0.2 && Double(y) < Double(size) * 0.75
                pixels[y * size + x] = Int16(lung ? -300 : 200 + Int((width - abs(u)) * 600))
            }
        }
        return pixels
    }

    private func file(series: Int, number: Int, pixels: [Int16]) throws -> [UInt8] {
        var data = DataSet()
        func text(_ tag: Tag, _ vr: VR, _ value: String) {
            var bytes = Array(value.utf8)
            if bytes.count % 2 == 1 { bytes.append(vr == .UI ? 0 : 0x20) }
            data.set(DataElement(tag: tag, vr: vr, value: .bytes(bytes)))
        }
        func us(_ tag: Tag, _ value: UInt16) {
            data.set(DataElement(tag: tag, vr: .US, value: .bytes([UInt8(value & 0xFF), UInt8(value >> 8)])))
        }
        let seriesUID = series == 1 ? scoutSeriesUID : axialSeriesUID
        text(.specificCharacterSet, .CS, "ISO_IR 192")
        text(.imageType, .CS, series == 1 ? "ORIGINAL\\PRIMARY\\LOCALIZER" : "ORIGINAL\\PRIMARY\\AXIAL")
        text(.studyDate, .DA, studyDate)
        text(.seriesDate, .DA, studyDate)
        text(.studyTime, .TM, "101500")
        text(.accessionNumber, .SH, "DEMO\(studyUID.suffix(6))")
        text(.modality, .CS, "CT")
        text(.institutionName, .LO, "Huimin demo")
        text(.studyDescription, .LO, "CT CHEST")
        text(.seriesDescription, .LO, series == 1 ? "Scout" : "Axial 5mm")
        text(.patientName, .PN, patientName)
        text(.patientID, .LO, patientID)
        text(.bodyPartExamined, .CS, "CHEST")
        text(.studyInstanceUID, .UI, studyUID)
        text(.seriesInstanceUID, .UI, seriesUID)
        text(.seriesNumber, .IS, "\(series)")
        text(.instanceNumber, .IS, "\(number)")
        us(.samplesPerPixel, 1)
        text(.photometricInterpretation, .CS, "MONOCHROME2")
        us(.rows, UInt16(size))
        us(.columns, UInt16(size))
        us(.bitsAllocated, 16)
        us(.bitsStored, 16)
        us(.highBit, 15)
        us(.pixelRepresentation, 1)
        text(.windowCenter, .DS, series == 1 ? "250" : "40")
        text(.windowWidth, .DS, series == 1 ? "1000" : "400")
        text(.rescaleIntercept, .DS, "0")
        text(.rescaleSlope, .DS, "1")
        var bytes = [UInt8]()
        bytes.reserveCapacity(pixels.count * 2)
        for value in pixels {
            let bits = UInt16(bitPattern: value)
            bytes.append(UInt8(bits & 0xFF))
            bytes.append(UInt8(bits >> 8))
        }
        data.set(DataElement(tag: .pixelData, vr: .OW, value: .bytes(bytes)))
        return try DICOMFile.write(data, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "\(seriesUID).\(number)")
    }
}

/// Deterministic noise (xorshift), roughly normal from the sum of four uniforms.
private struct NoiseGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next() -> Double {
        var sum = 0.0
        for _ in 0..<4 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            sum += Double(state % 10_000) / 10_000
        }
        return (sum - 2) * 1.7
    }
}
