// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MeshLint",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "meshlint", targets: ["MeshLint"]),
        .library(name: "YAMLModel", targets: ["YAMLModel"]),
        .library(name: "Rules", targets: ["Rules"]),
    ],
    dependencies: [
        // Exact: the action and the pre-commit hook build from source, and must build what CI tested.
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // Debian's libyaml-dev, linked as a system library: the event parser is the floor every
        // libyaml-based scanner is measured against, and we drive it ourselves.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAMLModel", dependencies: ["CLibYAML"]),
        // Debian's libre2-dev: patterns from a repository's rules.d are matched by RE2, in time
        // linear in the subject (no backtracking), under a memory budget. RE2's API is C++, so a
        // small C++ target gives Swift a C face; CRE2 carries the library's flags from pkg-config.
        .systemLibrary(
            name: "CRE2",
            pkgConfig: "re2",
            providers: [.apt(["libre2-dev"]), .brew(["re2"])]
        ),
        .target(name: "RE2Matcher", dependencies: ["CRE2"]),
        .target(name: "Rules", dependencies: ["YAMLModel", "Access"]),
        .target(name: "Access", dependencies: ["YAMLModel"]),
        // `.meshlint.yaml`: read by the command, and by the rule-example tests for examples that
        // come with a configuration.
        .target(name: "MeshLintConfig", dependencies: ["YAMLModel", "Rules"]),
        // rules.d: an organisation's own rules, loaded from YAML.
        .target(name: "CustomRules", dependencies: ["YAMLModel", "Rules", "Access", "MeshLintConfig", "RE2Matcher"]),
        // The auditors' posture report: controls per namespace with evidence, the compliance mapping.
        .target(name: "Posture", dependencies: ["YAMLModel", "Rules", "Access", "Migration"]),
        // `meshlint migrate`: a namespace's move from sidecars to ambient, its policies converted.
        .target(name: "Migration", dependencies: ["YAMLModel", "Access"]),
        .executableTarget(
            name: "MeshLint",
            dependencies: [
                "YAMLModel",
                "Rules",
                "MeshLintConfig",
                "Access",
                "CustomRules",
                "Posture",
                "Migration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "YAMLModelTests", dependencies: ["YAMLModel"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "YAMLModel", "MeshLintConfig", "Access"]),
        .testTarget(name: "AccessTests", dependencies: ["Access", "YAMLModel"]),
        .testTarget(name: "CustomRulesTests", dependencies: ["CustomRules", "Rules", "YAMLModel", "MeshLintConfig"]),
        .testTarget(name: "MeshLintTests", dependencies: ["MeshLint", "MeshLintConfig", "Rules", "YAMLModel"], exclude: ["Fixtures"]),
        .testTarget(name: "PostureTests", dependencies: ["Posture", "Rules", "YAMLModel", "Access"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration", "Access", "YAMLModel"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
