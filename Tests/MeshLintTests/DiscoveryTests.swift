import Foundation
import Testing
@testable import MeshLint

@Suite("Discovery")
struct DiscoveryTests {
    @Test func walksManifestsSkipsHiddenAndSymlinksInOrder() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("b/nested"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        for path in ["a.yaml", "b/nested/c.yml", "b/d.json", "b/readme.md", ".git/e.yaml", "Z.YAML"] {
            try "a: 1\n".write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("link.yaml").path, withDestinationPath: "/etc/hostname")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: root.path)
        #expect(mkfifo(root.appendingPathComponent("fifo.yaml").path, 0o644) == 0)

        let (inputs, errors) = Discovery.inputs(for: [root.path], workingDirectory: root.path)
        #expect(errors.isEmpty)
        #expect(inputs.map(displayName) == ["Z.YAML", "a.yaml", "b/d.json", "b/nested/c.yml"])
    }

    @Test func displayPathsAreRelativeToTheWorkingDirectory() {
        #expect(Discovery.displayPath("/repo/x/a.yaml", workingDirectory: "/repo") == "x/a.yaml")
        #expect(Discovery.displayPath("./x//a.yaml", workingDirectory: "/repo") == "x/a.yaml")
        #expect(Discovery.displayPath("/elsewhere/a.yaml", workingDirectory: "/repo") == "/elsewhere/a.yaml")
    }

    @Test func aFifoNamedExplicitlyNeverBlocks() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fifo = root.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let (inputs, errors) = Discovery.inputs(for: [fifo], workingDirectory: root.path)
        #expect(inputs.isEmpty)
        #expect(errors.first?.contains("not a regular file") == true)
    }

    private func displayName(_ input: Discovery.Input) -> String {
        if case .file(_, let display) = input { return display }
        return "-"
    }
}

@Suite("JSON writer")
struct JSONValueTests {
    @Test func escapesAndKeepsKeyOrder() {
        let value: JSONValue = .object([
            ("z", .string("quote \" backslash \\ newline \n tab \t bell \u{7} é")),
            ("a", .array([.int(1), .bool(false), .null])),
            ("empty", .object([])),
            ("none", .array([])),
        ])
        #expect(value.serialized() == """
            {
              "z": "quote \\" backslash \\\\ newline \\n tab \\t bell \\u0007 é",
              "a": [
                1,
                false,
                null
              ],
              "empty": {},
              "none": []
            }

            """)
    }

    @Test func escapesEveryControlByteAndPassesMultiByteTextThrough() {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
        let serialized = JSONValue.string(controls + "\"😀\\ü").serialized()
        #expect(serialized.hasPrefix("\"\\u0000\\u0001"))
        #expect(serialized.contains("\\u001f\\u007f\\\"😀\\\\ü\"\n"))
        #expect(serialized.contains("\\b") == false && serialized.contains("\\n") && serialized.contains("\\t"))
        // Whatever it holds, the output parses back to the same string.
        let parsed = try? JSONSerialization.jsonObject(with: Data(serialized.utf8), options: [.fragmentsAllowed]) as? String
        #expect(parsed == controls + "\"😀\\ü")
    }
}
