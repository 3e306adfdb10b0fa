// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Huimin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "huimin", targets: ["huimin"]),
        .executable(name: "huimin-sim", targets: ["huimin-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // System-library shims. Variadic or macro-heavy C APIs get typed C wrappers.
        .target(name: "CCrypto", path: "Sources/CCrypto",
                linkerSettings: [.linkedLibrary("crypto")]),
        .target(name: "CCurl", path: "Sources/CCurl",
                linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CJPEG", path: "Sources/CJPEG",
                linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CQRencode", path: "Sources/CQRencode", pkgConfig: "libqrencode",
                       providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCharLS", path: "Sources/CCharLS", pkgConfig: "charls",
                       providers: [.apt(["libcharls-dev"])]),
        .systemLibrary(name: "COpenJPEG", path: "Sources/COpenJPEG", pkgConfig: "libopenjp2",
                       providers: [.apt(["libopenjp2-7-dev"])]),

        .target(name: "HuiminCore", dependencies: [
            "CCrypto",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/HuiminCore", swiftSettings: strict),
        .target(name: "QRCode", dependencies: ["CQRencode", "CZlib"],
                path: "Sources/QRCode", swiftSettings: strict),
        // DICOM parsing, pixel decoding and rendering: pure code over bytes (no database, no network,
        // no HuiminCore), so it builds and tests on its own in seconds.
        .target(name: "Imaging", dependencies: ["CZlib", "CJPEG", "CTurboJPEG", "CCharLS", "COpenJPEG"],
                path: "Sources/Imaging", swiftSettings: strict),

        // Channels: outbound adapters over one libcurl transport, and the sandbox that answers them.
        .target(name: "Transport", dependencies: ["CCurl", "HuiminCore"],
                path: "Channels/Transport", swiftSettings: strict),
        .target(name: "WeChat", dependencies: ["Transport", "HuiminCore"],
                path: "Channels/WeChat", swiftSettings: strict),
        .target(name: "Alipay", dependencies: ["Transport", "HuiminCore", .product(name: "Crypto", package: "swift-crypto")],
                path: "Channels/Alipay", swiftSettings: strict),
        .target(name: "UnionPay", dependencies: ["Transport", "HuiminCore", "CZlib"],
                path: "Channels/UnionPay", swiftSettings: strict),
        .target(name: "Insurance", dependencies: ["Transport", "HuiminCore"],
                path: "Channels/Insurance", swiftSettings: strict),
        .target(name: "SMS", dependencies: ["Transport", "HuiminCore", .product(name: "Crypto", package: "swift-crypto")],
                path: "Channels/SMS", swiftSettings: strict),
        .target(name: "HIS", dependencies: ["Transport", "HuiminCore"],
                path: "Channels/HIS", swiftSettings: strict),
        .target(name: "WeChatPay", dependencies: ["Transport", "HuiminCore", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
                path: "Channels/WeChatPay", swiftSettings: strict),
        // WeChat template/subscribe messages, Alipay mini-program messages, SMS delivery receipts.
        .target(name: "Messaging", dependencies: ["Transport", "HuiminCore", "Alipay", .product(name: "Crypto", package: "swift-crypto")],
                path: "Channels/Messaging", swiftSettings: strict),
        .target(name: "Sandbox", dependencies: [
            "HuiminCore", "Transport", "CZlib", "Messaging",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Channels/Sandbox", swiftSettings: strict),

        .target(name: "Database", dependencies: [
            "HuiminCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Storage/Database", swiftSettings: strict),
        // Content-addressed blobs (DICOM and ECG files, renderings): filesystem today, S3 next.
        .target(name: "ObjectStore", dependencies: [
            "HuiminCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Storage/ObjectStore", swiftSettings: strict),
        .target(name: "Workers", dependencies: ["Database", "HuiminCore", "SMS", "Residents", "Notices", "Messaging", "ImageArchive", "ECGArchive",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Workers", swiftSettings: strict),

        .target(name: "Residents", dependencies: [
            "HuiminCore", "Database", "WeChat", "Alipay", "HIS",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Residents", swiftSettings: strict),
        .target(name: "Appointments", dependencies: [
            "HuiminCore", "Database",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Appointments", swiftSettings: strict),
        // Pure code over the three sides' records and files: no database, no network.
        .target(name: "Reconciliation", dependencies: [
            "HuiminCore", "CZlib",
        ], path: "Sources/Reconciliation", swiftSettings: strict),
        .target(name: "Payments", dependencies: [
            "HuiminCore", "Database", "Appointments", "Residents", "WeChatPay", "Alipay", "UnionPay", "Insurance", "HIS", "Reconciliation",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Payments", swiftSettings: strict),
        // The imaging archive: ingest into the object store, the DICOM index, DICOMweb queries and retrieval.
        .target(name: "ImageArchive", dependencies: [
            // Reconciliation for its zip reader (bill archives and study uploads share it).
            "HuiminCore", "Database", "Imaging", "ObjectStore", "Reconciliation",
        ], path: "Sources/ImageArchive", swiftSettings: strict),
        // The ECG store: carts, ingest and analysis, sheets, the reading queue and critical-value alerts.
        .target(name: "ECGArchive", dependencies: [
            "HuiminCore", "Database", "Imaging", "ObjectStore",
        ], path: "Sources/ECGArchive", swiftSettings: strict),
        // Lab, exam and ECG reports as hospitals publish them and residents read them.
        .target(name: "Records", dependencies: ["HuiminCore", "Database", "ObjectStore", "Residents", "Notices"],
                path: "Sources/Records", swiftSettings: strict),
        // Film pages (云胶片) for residents and the shares they hand to doctors.
        .target(name: "Films", dependencies: ["HuiminCore", "Database", "ImageArchive", "Imaging", "ObjectStore", "Records", "QRCode", "CZlib"],
                path: "Sources/Films", swiftSettings: strict),
        // Event -> template -> channel plan (ARCHITECTURE.md's "Messaging"; that name is the channel target).
        .target(name: "Notices", dependencies: ["HuiminCore", "Database", "Messaging", .product(name: "Logging", package: "swift-log")],
                path: "Sources/Notices", swiftSettings: strict),
        .target(name: "API", dependencies: [
            "HuiminCore", "Database", "Notices", "Residents", "Appointments", "Payments", "WeChatPay", "UnionPay", "Insurance", "Workers", "QRCode", "WeChat", "Alipay", "SMS", "HIS", "Transport", "Messaging",
            "ImageArchive", "Imaging", "Reconciliation", "ObjectStore", "ECGArchive", "Records", "Films",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], path: "Sources/API", resources: [.copy("Console/Templates")], swiftSettings: strict),

        .executableTarget(name: "huimin", dependencies: [
            "API", "Sandbox", "Workers", "Database", "HuiminCore", "Residents", "Appointments", "Payments", "Reconciliation", "Notices",
            "ImageArchive", "Imaging", "ObjectStore", "Films", "Records", "ECGArchive",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ], path: "Sources/huimin", swiftSettings: strict),
        .executableTarget(name: "huimin-sim", dependencies: [
            "Transport", "QRCode", "HuiminCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/huimin-sim", swiftSettings: strict),

        // Starting child processes in tests without Foundation's Process (see ChildProcess).
        .target(name: "TestSupport", path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "HuiminCoreTests", dependencies: ["HuiminCore", "TestSupport"],
                    path: "Tests/HuiminCoreTests", swiftSettings: strict),
        .testTarget(name: "ChannelsTests", dependencies: [
            "Transport", "WeChat", "WeChatPay", "Alipay", "UnionPay", "Insurance", "SMS", "HIS", "Sandbox", "HuiminCore", "Reconciliation",
            "Messaging",
            "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], path: "Tests/ChannelsTests", swiftSettings: strict),
        .testTarget(name: "WorkersTests", dependencies: ["Workers", "Database", "HuiminCore", "Sandbox", "SMS", "Transport", "Residents",
                                                       .product(name: "Logging", package: "swift-log")],
                    path: "Tests/WorkersTests", swiftSettings: strict),
        .testTarget(name: "NoticesTests", dependencies: ["Notices", "HuiminCore"],
                    path: "Tests/NoticesTests", swiftSettings: strict),
        .testTarget(name: "ReconciliationTests", dependencies: ["Reconciliation", "HuiminCore"],
                    path: "Tests/ReconciliationTests", swiftSettings: strict),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"],
                    path: "Tests/ImagingTests", swiftSettings: strict),
        .testTarget(name: "ArchiveTests", dependencies: ["ImageArchive", "Imaging", "ObjectStore", "Database", "HuiminCore", "TestSupport",
                                                      .product(name: "GRDB", package: "GRDB.swift")],
                    path: "Tests/ArchiveTests", swiftSettings: strict),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode", "TestSupport"],
                    path: "Tests/QRCodeTests", swiftSettings: strict),
        .testTarget(name: "APITests", dependencies: [
            "API", "Sandbox", "Residents", "Appointments", "Payments", "WeChatPay", "Insurance", "Database", "HuiminCore", "Workers", "Transport",
            "Notices", "Messaging", "TestSupport", "ImageArchive", "Imaging", "ObjectStore", "Reconciliation", "ECGArchive",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], path: "Tests/APITests", swiftSettings: strict),
        .testTarget(name: "SimTests", dependencies: ["huimin-sim", "HuiminCore"], path: "Tests/SimTests", swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["HuiminCore", "Transport", "TestSupport"],
                    path: "Tests/EndToEndTests", swiftSettings: strict),
    ]
)
