import Foundation
import Testing
import YAMLModel
@testable import MeshLint
import MeshLintConfig

/// Kustomize roots found, rendered by the real engine (kubectl's built-in Kustomize or kustomize
/// on PATH) offline, and each rendered object traced to its source document and field.
@Suite("Kustomize roots and rendering")
struct KustomizeRenderingTests {
    /// base + two overlays in the shapes real repositories have: `namespace:`, `labels:` (and a
    /// LabelTransformer) enrolling the namespace in ambient, a JSON patch making mTLS STRICT in
    /// prod, and an overlay that pulls a remote base.
    static func tree() throws -> URL {
        let root = try temporaryDirectory()
        let files: [String: String] = [
            "base/kustomization.yaml": "resources: [ns.yaml, pa.yaml]\n",
            "base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ledger\n",
            "base/pa.yaml": "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: PERMISSIVE\n",
            "overlays/dev/kustomization.yaml": "namespace: payments\nresources: [../../base]\ntransformers: [enrol.yaml]\n",
            "overlays/dev/enrol.yaml": """
                apiVersion: builtin
                kind: LabelTransformer
                metadata: {name: enrol}
                labels: {istio.io/dataplane-mode: ambient}
                fieldSpecs: [{path: metadata/labels, create: true, kind: Namespace}]

                """,
            "overlays/prod/kustomization.yaml": """
                namespace: payments
                resources: [../../base]
                labels:
                  - pairs: {istio.io/dataplane-mode: ambient}
                patches:
                  - path: strict.yaml
                    target: {kind: PeerAuthentication, name: default}

                """,
            "overlays/prod/strict.yaml": "- op: replace\n  path: /spec/mtls/mode\n  value: STRICT\n",
            "overlays/remote/kustomization.yaml": "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1\n",
        ]
        try write(files, under: root)
        return root
    }

    @Test("Roots are the kustomizations no other includes; what they read is theirs; remote entries are recorded")
    func discovery() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.path
        let tree = KustomizeTree(directories: ["base", "overlays/dev", "overlays/prod", "overlays/remote"].map { "\(path)/\($0)" })
        #expect(tree.roots == ["overlays/dev", "overlays/prod", "overlays/remote"].map { "\(path)/\($0)" })
        let owned = tree.ownedFiles
        for file in ["base/ns.yaml", "base/pa.yaml", "base/kustomization.yaml", "overlays/dev/enrol.yaml", "overlays/prod/strict.yaml"] {
            #expect(owned.contains("\(path)/\(file)"), "\(file) is not owned")
        }
        #expect(tree.remoteEntries(of: "\(path)/overlays/prod").isEmpty)
        #expect(tree.remoteEntries(of: "\(path)/overlays/remote") == ["https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1"])
        #expect(tree.closure(of: "\(path)/overlays/prod").map(\.directory).sorted() == ["\(path)/base", "\(path)/overlays/prod"])
    }

    func render(_ overlay: String, in root: URL, engine: KustomizeEngine) throws -> KustomizeRender {
        let scratch = try #require(TemporaryFiles.directory(prefix: "meshlint-test-kustomize"))
        defer { TemporaryFiles.remove(directory: scratch) }
        guard case .rendered(let bytes) = engine.render(root: root.path + "/" + overlay, scratch: scratch, timeout: .seconds(60)) else {
            Issue.record("\(overlay) did not render")
            throw CancellationError()
        }
        return KustomizeRender(
            root: root.path + "/" + overlay, bytes: bytes, scratch: scratch, renderedPath: "\(overlay) (rendered)",
            display: { RepositoryRoot.relative($0, to: root.path, workingDirectory: "/") ?? $0 },
            source: { path in (try? Data(contentsOf: URL(fileURLWithPath: path))).map { ManifestLoader.load(path: path, bytes: Array($0)) } })
    }

    /// In a clone without kubectl or kustomize these tests are skipped (saying so); `.ci/run`
    /// requires one, so CI always runs them.
    static let engineFound = KustomizeEngine.locate(explicit: nil) != nil

    @Test("Each rendered object is traced to its source document; unchanged fields to their own line",
          .enabled(if: engineFound, "needs kubectl or kustomize on PATH"))
    func renderedObjectsKeepTheirSource() throws {
        let engine = try #require(KustomizeEngine.locate(explicit: nil))
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let prod = try render("overlays/prod", in: root, engine: engine)
        let resources = prod.file.resources
        #expect(resources.map(\.kind).sorted() == ["Namespace", "PeerAuthentication", "ServiceAccount"])
        let authentication = try #require(resources.first { $0.kind == "PeerAuthentication" })
        #expect(authentication.namespace == "payments" && authentication.node["spec", "mtls", "mode"]?.string == "STRICT")
        // The mode was patched: not the base's line, the base object's name, marked inexact.
        let mode = try #require(authentication.node["spec", "mtls"]?.pair("mode"))
        let patched = try #require(prod.location(of: mode.value.span, in: authentication))
        #expect(patched.file == "base/pa.yaml" && !patched.exact && patched.span.start.line == 4)
        // The key `mtls` is in the base (its value changed, the key did not): its own line.
        let mtls = try #require(authentication.node["spec"]?.pair("mtls"))
        let key = try #require(prod.location(of: mtls.key.span, in: authentication))
        #expect(key.file == "base/pa.yaml" && key.span.start.line == 6)
        // The name is unchanged: its own line in base/ns.yaml, exact.
        let namespace = try #require(resources.first { $0.kind == "Namespace" })
        let name = try #require(namespace.node["metadata"]?.pair("name"))
        let named = try #require(prod.location(of: name.value.span, in: namespace))
        #expect(named == KustomizeRender.Location(file: "base/ns.yaml", span: Span(start: Mark(line: 4, column: 9), end: Mark(line: 4, column: 17)), exact: true))
        // The label the overlay adds is not in the base.
        let label = try #require(namespace.labels["istio.io/dataplane-mode"])
        #expect(label.value == "ambient")
        #expect(prod.location(of: label.valueSpan, in: namespace)?.exact == false)
        // The LabelTransformer of dev enrols the namespace as well.
        let dev = try render("overlays/dev", in: root, engine: engine)
        #expect(dev.file.resources.first { $0.kind == "Namespace" }?.labels["istio.io/dataplane-mode"]?.value == "ambient")
        #expect(dev.file.resources.first { $0.kind == "PeerAuthentication" }?.node["spec", "mtls", "mode"]?.string == "PERMISSIVE")
    }

    @Test("Patch targets and JSON pointers, as Kustomize reads them")
    func attributionParts() throws {
        #expect(KustomizeAttribution.pointer([.key("metadata"), .key("labels"), .key("istio.io/use-waypoint")]) == "/metadata/labels/istio.io~1use-waypoint")
        #expect(KustomizeAttribution.pointer([.key("spec"), .key("rules"), .item(2), .key("a~b")]) == "/spec/rules/2/a~0b")
        let target = YAMLParser.parse(Array("{kind: PeerAuthentication, name: default}".utf8)).documents.first?.root
        #expect(KustomizeAttribution.targets(target, kind: "PeerAuthentication", names: ["default"]))
        #expect(!KustomizeAttribution.targets(target, kind: "AuthorizationPolicy", names: ["default"]))
        #expect(!KustomizeAttribution.targets(target, kind: "PeerAuthentication", names: ["strict"]))
        let pattern = YAMLParser.parse(Array("{name: \"pay.*\"}".utf8)).documents.first?.root
        #expect(KustomizeAttribution.targets(pattern, kind: "Namespace", names: ["payments"]))
        #expect(KustomizeAttribution.targets(nil, kind: "Namespace", names: ["x"]))
        // A JSON 6902 `test` is not a write; an `add` of the whole map above the field is.
        let attribution = KustomizeAttribution(chain: [], text: { _ in nil })
        let patch = Array("- op: test\n  path: /metadata/labels\n- op: add\n  path: /metadata/labels\n  value: {a: b}\n".utf8)
        #expect(attribution.writes(patch, steps: [.key("metadata"), .key("labels"), .key("a")], kind: "Namespace", names: ["n"], targeted: true)?.start.line == 4)
        #expect(attribution.writes(patch, steps: [.key("spec")], kind: "Namespace", names: ["n"], targeted: true) == nil)
    }

    @Test("The engine runs offline and under a time limit")
    func offlineAndBounded() throws {
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        if let engine = KustomizeEngine.locate(explicit: nil) {
            let scratch = try #require(TemporaryFiles.directory(prefix: "meshlint-test-kustomize"))
            defer { TemporaryFiles.remove(directory: scratch) }
            let started = ContinuousClock.now
            guard case .failed(let message) = engine.render(root: root.path + "/overlays/remote", scratch: scratch, timeout: .seconds(60)) else {
                Issue.record("a remote base was fetched")
                return
            }
            #expect(!message.isEmpty)
            #expect(started.duration(to: .now) < .seconds(30))
        }
        // A program that never answers is killed at the limit.
        let slow = root.appendingPathComponent("slow-kustomize")
        try "#!/bin/sh\nsleep 30\n".write(to: slow, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: slow.path)
        let engine = try #require(KustomizeEngine.locate(explicit: slow.path))
        #expect(engine.command == [slow.path, "build"])
        let scratch = try #require(TemporaryFiles.directory(prefix: "meshlint-test-kustomize"))
        defer { TemporaryFiles.remove(directory: scratch) }
        guard case .timedOut = engine.render(root: root.path + "/overlays/prod", scratch: scratch, timeout: .milliseconds(300)) else {
            Issue.record("the slow engine was not stopped")
            return
        }
        #expect(KustomizeEngine.locate(explicit: nil, environment: ["PATH": root.path]) == nil)
        #expect(KustomizeEngine.offlineEnvironment(["PATH": "/bin"]).contains("HTTPS_PROXY=http://127.0.0.1:9"))
    }
}

/// `meshlint scan` on a Kustomize tree: each root built and checked as an environment of its own,
/// findings on the source lines, kustomizations that cannot be built said to be, with why.
@Suite("Scanning Kustomize roots")
struct KustomizeScanTests {
    /// The findings of a `--format json` run, all or those of `rule`.
    func findings(_ run: RunResult, rule: String? = nil) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let all = try #require(report["findings"] as? [[String: Any]])
        return rule.map { rule in all.filter { $0["rule"] as? String == rule } } ?? all
    }

    @Test("Each overlay is checked on its own; findings land on the base's lines, with their environments",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func environmentsOnSourceLines() async throws {
        let root = try KustomizeRenderingTests.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: root.appendingPathComponent("overlays/remote"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        #expect(run.status == 1, "\(run.stderr)")
        let findings = try findings(run)
        func located(_ rule: String) -> [(file: String, line: Int, environments: [String], message: String)] {
            findings.filter { $0["rule"] as? String == rule }.map {
                ($0["file"] as? String ?? "", ($0["span"] as? [String: Any])?["startLine"] as? Int ?? 0,
                 $0["environments"] as? [String] ?? [], $0["message"] as? String ?? "")
            }
        }
        // dev keeps PERMISSIVE (the base's own line); prod's patch makes it STRICT: no finding there.
        let permissive = located("peer-authentication-not-strict")
        #expect(permissive.count == 1)
        #expect(permissive.first?.file == "base/pa.yaml" && permissive.first?.line == 7 && permissive.first?.environments == ["overlays/dev"])
        // Each overlay enrols the namespace its own way: at dev's LabelTransformer label, at prod's
        // `labels:` entry, each with the object's own line in the base as the way there.
        let deny = findings.filter { $0["rule"] as? String == "ambient-namespace-without-default-deny" }
        #expect(deny.map { "\($0["file"]!):\(($0["span"] as! [String: Any])["startLine"]!)" } == ["overlays/dev/enrol.yaml:4", "overlays/prod/kustomization.yaml:4"])
        #expect(deny.map { $0["environments"] as? [String] ?? [] } == [["overlays/dev"], ["overlays/prod"]])
        let way = deny.first.flatMap { $0["related"] as? [[String: Any]] }?.first
        #expect(way?["file"] as? String == "base/ns.yaml" && (way?["span"] as? [String: Any])?["startLine"] as? Int == 4)
        // Nothing is about `default`, and the kustomizations are neither resources nor notes.
        #expect(!findings.contains { ($0["resource"] as? [String: Any])?["namespace"] as? String == "default" })
        #expect(findings.count == 3)
        #expect(located("kustomization-not-rendered").isEmpty)
    }

    @Test("A field a patch sets is reported on the patch: a JSON 6902 operation, a strategic-merge patch, an inline patch",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func findingsOnThePatchThatSetTheField() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pay\n  labels: {istio.io/dataplane-mode: ambient}\n"
        let strict = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n"
        let deny = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny\nspec: {}\n"
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "base/kustomization.yaml": "namespace: pay\nresources: [ns.yaml, pa.yaml, deny.yaml]\n",
            "base/ns.yaml": namespace, "base/pa.yaml": strict, "base/deny.yaml": deny,
            "json/kustomization.yaml": "resources: [../base]\npatches:\n  - path: relax.yaml\n    target: {kind: PeerAuthentication, name: default}\n",
            "json/relax.yaml": "- op: test\n  path: /spec/mtls/mode\n  value: STRICT\n- op: replace\n  path: /spec/mtls/mode\n  value: PERMISSIVE\n",
            "merge/kustomization.yaml": "resources: [../base]\npatchesStrategicMerge: [relax.yaml]\n",
            "merge/relax.yaml": "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: PERMISSIVE\n",
            "inline/kustomization.yaml": "resources: [../base]\npatches:\n  - target: {kind: PeerAuthentication}\n    patch: |-\n      - op: replace\n        path: /spec/mtls/mode\n        value: DISABLE\n",
        ], under: root)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        let placed = try findings(run, rule: "peer-authentication-not-strict").map { finding -> String in
            let related = (finding["related"] as? [[String: Any]] ?? []).map { "\($0["file"]!):\(($0["span"] as! [String: Any])["startLine"]!)" }
            return "\(finding["file"]!):\((finding["span"] as! [String: Any])["startLine"]!) via \(related.prefix(2).joined(separator: " "))"
        }
        #expect(placed == [
            // The inline patch is in the kustomization itself: the way is the base's line alone.
            "inline/kustomization.yaml:4 via base/pa.yaml:7 base/ns.yaml:5",
            "json/relax.yaml:5 via base/pa.yaml:7 json/kustomization.yaml:3",
            "merge/relax.yaml:7 via base/pa.yaml:7 merge/kustomization.yaml:2",
        ], "\(run.stdout)")
    }

    @Test("Roots that share nothing are parts of one cluster: checked together, as one mesh",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func partsOfOneCluster() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "apps/payments/kustomization.yaml": "namespace: payments\nresources: [namespace.yaml]\n",
            "apps/payments/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels: {istio.io/dataplane-mode: ambient}\n",
            "platform/kustomization.yaml": "namespace: istio-system\nresources: [deny.yaml]\n",
            "platform/deny.yaml": "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-nothing}\nspec: {}\n",
        ], under: root)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        let findings = try findings(run)
        // The mesh-wide allow-nothing of the platform root covers the payments namespace.
        #expect(!findings.contains { $0["rule"] as? String == "ambient-namespace-without-default-deny" }, "\(findings)")
        // One mesh, and each finding names the root its object was built from.
        #expect(findings.contains { $0["rule"] as? String == "peer-authentication-not-strict" && $0["file"] as? String == "apps/payments/namespace.yaml"
            && $0["environments"] as? [String] == ["apps/payments"] })
    }

    @Test("Each overlay is checked with the rest of the cluster: a platform root's mesh-wide deny holds in dev and prod",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func variantsWithTheirCluster() async throws {
        let root = try KustomizeRenderingTests.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: root.appendingPathComponent("overlays/remote"))
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "platform/kustomization.yaml": "namespace: istio-system\nresources: [deny.yaml]\n",
            "platform/deny.yaml": "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-nothing}\nspec: {}\n",
        ], under: root)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        let findings = try findings(run)
        #expect(!findings.contains { $0["rule"] as? String == "ambient-namespace-without-default-deny" }, "\(findings)")
        // dev's PERMISSIVE is still found, in dev only.
        let permissive = findings.filter { $0["rule"] as? String == "peer-authentication-not-strict" }
        #expect(permissive.count == 1 && permissive.first?["environments"] as? [String] == ["overlays/dev"])
    }

    @Test("Positions a rule writes in a message (a duplicate's copies) name the source files, not the build",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func messagesNameSources() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "one/kustomization.yaml": "resources: [ns.yaml]\n",
            "one/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n",
            "two/kustomization.yaml": "resources: [ns.yaml]\n",
            "two/ns.yaml": "# a second copy\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n",
        ], under: root)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        #expect(!run.stdout.contains("<kustomize build"), "\(run.stdout)")
        let duplicates = try findings(run, rule: "duplicate-resource")
        #expect(duplicates.count == 2)
        #expect(duplicates.allSatisfy { ($0["message"] as? String)?.contains("(one/ns.yaml:4, two/ns.yaml:5)") == true }, "\(duplicates)")
    }

    @Test("A root that would read outside the repository (a base there, a symlinked patch) is not built")
    func confinedToTheRepository() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            "repo/.git/HEAD": "ref: refs/heads/main\n",
            "repo/overlay/kustomization.yaml": "resources: [../../elsewhere]\n",
            "elsewhere/kustomization.yaml": "resources: [secret.yaml]\n",
            "elsewhere/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: runner, namespace: ci}\nstringData: {token: outside-value}\n",
        ], under: root)
        let run = try await meshlint(["scan", "overlay", "--format", "json"], directory: root.appendingPathComponent("repo"))
        #expect(!run.stdout.contains("runner") && !run.stdout.contains("outside-value"))
        let notes = try findings(run, rule: "kustomization-not-rendered")
        #expect(notes.count == 1)
        #expect((notes.first?["message"] as? String)?.contains("outside the repository") == true, "\(notes)")
    }

    @Test("A kustomization that is not built is a note saying why, and its files are read as they are", arguments: [
        (["--kustomize", "/nonexistent/kubectl"], "no Kustomize was found"),
        (["--no-render"], "rendering is off (--no-render)"),
    ])
    func notBuilt(options: [String], reason: String) async throws {
        let root = try KustomizeRenderingTests.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let run = try await meshlint(["scan", ".", "--format", "json"] + options, directory: root)
        let notes = try findings(run, rule: "kustomization-not-rendered")
        #expect(notes.count == 4, "\(notes)")
        #expect(notes.allSatisfy { ($0["message"] as? String)?.contains("it was not built because \(reason)") == true })
    }

    @Test("A root with a remote base is not fetched: a note names the entry",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func remoteBase() async throws {
        let root = try KustomizeRenderingTests.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let run = try await meshlint(["scan", "overlays/remote", "--format", "json"], directory: root)
        let notes = try findings(run, rule: "kustomization-not-rendered")
        #expect(notes.count == 1)
        #expect((notes.first?["message"] as? String)?.contains(
            "it needs https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1, and MeshLint renders offline") == true)
    }

    @Test("--namespace places a piped stream's namespace-less objects, as kubectl apply -n would")
    func namespaceOfAPipedStream() async throws {
        let stream = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default}
            spec: {mtls: {mode: STRICT}}
            """
        let plain = try await meshlint(["scan", "-", "--format", "json"], stdin: stream)
        #expect(try findings(plain, rule: "peer-authentication-not-strict").count == 1)
        let placed = try await meshlint(["scan", "-", "--format", "json", "--namespace", "payments"], stdin: stream)
        #expect(try findings(placed, rule: "peer-authentication-not-strict").isEmpty)
        let refused = try await meshlint(["scan", "-", "--namespace", "Not_A_Name"], stdin: stream)
        #expect(refused.status == 2 && refused.stderr.contains("--namespace must be a Kubernetes namespace name"))
    }
}

/// Changed-files mode through Kustomize roots: the head and the base revision are both built, so a
/// change to a base reports what it causes in every overlay, and what was there before does not.
@Suite("Changed files through Kustomize roots")
struct KustomizeChangedFilesTests {
    static let files: [String: String] = [
        "base/kustomization.yaml": "resources: [ns.yaml, pa.yaml, deny.yaml]\n",
        "base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pay\n",
        "base/pa.yaml": "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n",
        "base/deny.yaml": "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny\nspec: {}\n",
        "overlays/dev/kustomization.yaml": "namespace: pay\nresources: [../../base]\nlabels:\n  - pairs: {istio.io/dataplane-mode: ambient}\n",
        "overlays/prod/kustomization.yaml": "namespace: pay\nresources: [../../base]\nlabels:\n  - pairs: {istio.io/dataplane-mode: ambient}\n",
    ]

    func located(_ json: [String: Any]) -> [String] {
        (json["findings"] as? [[String: Any]] ?? []).map { finding in
            "\(finding["rule"]!) \(finding["file"]!):\((finding["span"] as! [String: Any])["startLine"]!) \((finding["environments"] as? [String] ?? []).joined(separator: ","))"
                + (finding["viaChange"] as? Bool == true ? " via change" : "")
        }
    }

    @Test("A base change is reported in every overlay built from it; a finding it causes elsewhere is reported too",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func baseChangeThroughOverlays() async throws {
        let scratch = try Scratch(Self.files, git: true)
        defer { scratch.cleanUp() }
        #expect(located(try await scratch.scan(["--changed-since", "HEAD"]).json).isEmpty)
        // mTLS relaxed in the base: the base's line, for both overlays.
        try scratch.write("base/pa.yaml", Self.files["base/pa.yaml"]!.replacingOccurrences(of: "STRICT", with: "PERMISSIVE"))
        #expect(located(try await scratch.scan(["--changed-since", "HEAD"]).json)
            == ["peer-authentication-not-strict base/pa.yaml:7 overlays/dev,overlays/prod"])
        // The default deny removed from the base's list: the overlays' namespaces lose it. Those
        // findings are on the overlays' labels (unchanged files), caused by the change.
        try scratch.write("base/pa.yaml", Self.files["base/pa.yaml"]!)
        try scratch.write("base/kustomization.yaml", "resources: [ns.yaml, pa.yaml]\n")
        #expect(located(try await scratch.scan(["--changed-since", "HEAD"]).json) == [
            "ambient-namespace-without-default-deny overlays/dev/kustomization.yaml:4 overlays/dev via change",
            "ambient-namespace-without-default-deny overlays/prod/kustomization.yaml:4 overlays/prod via change",
        ])
        // Committed, the same findings are no longer the change's: a change elsewhere shows none.
        try scratch.shell("git add -A && git commit -qm 'drop the deny'")
        try scratch.write("base/pa.yaml", "# mTLS for the payments namespace\n" + Self.files["base/pa.yaml"]!)
        #expect(located(try await scratch.scan(["--changed-since", "HEAD"]).json).isEmpty)
        // The pre-commit shape (`--context .` and the changed files): a finding whose way passes
        // through a changed base file (the Namespace's own) is reported there, for each overlay.
        try scratch.write("base/ns.yaml", Self.files["base/ns.yaml"]! + "  annotations: {owner: payments}\n")
        let precommit = located(try await scratch.scan(["--context", ".", "base/ns.yaml"]).json)
        #expect(precommit == [
            "ambient-namespace-without-default-deny base/ns.yaml:4 overlays/dev via change",
            "ambient-namespace-without-default-deny base/ns.yaml:4 overlays/prod via change",
        ], "\(precommit)")
    }
}

@Suite("Render cache")
struct RenderCacheTests {
    @Test("SHA-256 gives the standard's digests")
    func digests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var pieces = SHA256()
        for _ in 0..<1_000 { pieces.update(Array(repeating: UInt8(ascii: "a"), count: 1_000)) }
        #expect(pieces.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("A root is rendered once for the same inputs; a changed file, or --no-render-cache, renders it again",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func renderedOncePerInputs() async throws {
        let scratch = try Scratch(KustomizeChangedFilesTests.files, git: true)
        defer { scratch.cleanUp() }
        let cache = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        func scan(_ options: [String] = []) async throws -> (lines: [String], findings: String) {
            let run = try await meshlint(["scan", ".", "--timings", "--format", "json"] + options, directory: scratch.root,
                                         environment: ["MESHLINT_CACHE_DIR": cache.path])
            let object = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any]
            let findings = (object?["findings"] as? [[String: Any]] ?? []).map { "\($0["rule"]!) \($0["file"]!)" }.joined(separator: "\n")
            return (run.stderr.split(separator: "\n").map(String.init).filter { $0.contains("kustomize overlays/") }, findings)
        }
        let first = try await scan()
        #expect(first.lines.count == 2 && !first.lines.contains { $0.hasSuffix("(cached)") }, "\(first.lines)")
        let second = try await scan()
        #expect(second.lines.count == 2 && second.lines.allSatisfy { $0.hasSuffix("(cached)") }, "\(second.lines)")
        #expect(second.findings == first.findings)
        // A change to the prod overlay renders prod again; dev is unchanged.
        try scratch.write("overlays/prod/kustomization.yaml", KustomizeChangedFilesTests.files["overlays/prod/kustomization.yaml"]! + "commonAnnotations: {team: pay}\n")
        let third = try await scan()
        #expect(third.lines.filter { $0.hasSuffix("(cached)") }.map { $0.contains("overlays/dev") } == [true], "\(third.lines)")
        #expect(try await scan(["--no-render-cache"]).lines.allSatisfy { !$0.hasSuffix("(cached)") })
        // Entries are private to their owner.
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(entries.count == 3)
        for entry in entries {
            let mode = try FileManager.default.attributesOfItem(atPath: cache.path + "/" + entry)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }
}

/// `--env` for the access commands and the posture report: each environment in turn, or the one
/// named; evidence placed in the sources.
@Suite("Environments in access and the report")
struct EnvironmentSelectionTests {
    static let files: [String: String] = {
        var files = KustomizeChangedFilesTests.files
        files["base/kustomization.yaml"] = "resources: [ns.yaml, pa.yaml, deny.yaml, apps.yaml]\n"
        files["base/apps.yaml"] = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: checkout}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: checkout}
            spec:
              template:
                metadata: {labels: {app: checkout}}
                spec: {serviceAccountName: checkout}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ledger}
            spec:
              selector: {app: ledger}
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ledger}
            spec:
              template:
                metadata: {labels: {app: ledger}}

            """
        return files
    }()

    @Test("access matrix and diff take --env, default to each in turn, and tag each row with its environment",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func accessPerEnvironment() async throws {
        let scratch = try Scratch(Self.files, git: true)
        defer { scratch.cleanUp() }
        func rows(_ arguments: [String]) async throws -> [[String: Any]] {
            let run = try await meshlint(["access"] + arguments + ["--format", "json"], directory: scratch.root)
            let object = try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any]
            return (object?["rows"] ?? object?["changes"]) as? [[String: Any]] ?? []
        }
        let all = try await rows(["matrix"])
        #expect(Set(all.compactMap { $0["environment"] as? String }) == ["overlays/dev", "overlays/prod"])
        let prod = try await rows(["matrix", "--env", "overlays/prod"])
        #expect(!prod.isEmpty && prod.allSatisfy { $0["environment"] as? String == "overlays/prod" })
        #expect(prod.count * 2 == all.count)
        let unknown = try await meshlint(["access", "matrix", "--env", "overlays/qa"], directory: scratch.root)
        #expect(unknown.status == 2 && unknown.stderr.contains("the environments are: overlays/dev, overlays/prod"))
        // The deny removed from the base: both overlays newly allow checkout to reach the ledger,
        // the base revision built from a checkout of its own files.
        try scratch.write("base/kustomization.yaml", "resources: [ns.yaml, pa.yaml, apps.yaml]\n")
        let changes = try await rows(["diff", "--base", "HEAD"])
        let widened = changes.filter { $0["widens"] as? Bool == true && ($0["key"] as? String)?.contains("ledger") == true }
        #expect(Set(widened.compactMap { $0["environment"] as? String }) == ["overlays/dev", "overlays/prod"], "\(changes)")
        // One request, each environment in turn; --expect holds for every one.
        let request = ["access", "--from", "pay/checkout", "--to", "ledger.pay:8080", "--method", "GET", "--path", "/"]
        let each = try await meshlint(request + ["--expect", "allow"], directory: scratch.root)
        #expect(each.status == 0 && each.stdout.contains("Environment overlays/dev:") && each.stdout.contains("Environment overlays/prod:"), "\(each.stdout)\(each.stderr)")
    }

    @Test("The posture report takes --env; without it, each environment in turn; evidence on the source lines",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func reportPerEnvironment() async throws {
        let scratch = try Scratch(Self.files, git: true)
        defer { scratch.cleanUp() }
        let one = try await meshlint(["report", ".", "--env", "overlays/prod", "--format", "json"], directory: scratch.root)
        #expect(one.status == 0, "\(one.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: one.stdoutData) as? [String: Any])
        #expect(report["schema"] as? String == "meshlint.io/posture-report/v1")
        #expect(!one.stdout.contains("<kustomize build"))
        #expect(one.stdout.contains("overlays/prod/kustomization.yaml"))
        let each = try await meshlint(["report", ".", "--format", "json"], directory: scratch.root)
        let wrapped = try #require(try JSONSerialization.jsonObject(with: each.stdoutData) as? [String: Any])
        let environments = try #require(wrapped["environments"] as? [[String: Any]])
        #expect(environments.map { $0["environment"] as? String } == ["overlays/dev", "overlays/prod"])
        let html = try await meshlint(["report", ".", "--format", "html"], directory: scratch.root)
        #expect(html.status == 2 && html.stderr.contains("name it with --env"))
    }
}

@Suite("Naming and grouping environments")
struct EnvironmentConfigurationTests {
    @Test("render.names renames an environment; render.clusters makes several one mesh",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func namesAndClusters() async throws {
        var files = KustomizeChangedFilesTests.files
        files["base/kustomization.yaml"] = "resources: [ns.yaml, pa.yaml]\n"
        files["overlays/prod/kustomization.yaml"] = nil
        for region in ["eu", "us"] {
            files["overlays/prod-\(region)/kustomization.yaml"] = "namespace: pay-\(region)\nnameSuffix: -\(region)\nresources: [../../base]\n"
                + "labels:\n  - pairs: {istio.io/dataplane-mode: ambient}\n"
        }
        files[".meshlint.yaml"] = """
            render:
              names: {overlays/dev: development}
              clusters:
                prod: ["overlays/prod-*"]

            """
        let scratch = try Scratch(files, git: true)
        defer { scratch.cleanUp() }
        let result = try await scratch.scan(["."])
        let findings = try #require(result.json["findings"] as? [[String: Any]])
        let environments = Set(findings.flatMap { $0["environments"] as? [String] ?? [] })
        #expect(environments == ["development", "prod"], "\(findings)")
        // prod is one mesh: the two regions' namespaces are checked together (each has no deny).
        let prod = findings.filter { $0["rule"] as? String == "ambient-namespace-without-default-deny" && ($0["environments"] as? [String]) == ["prod"] }
        #expect(Set(prod.compactMap { ($0["resource"] as? [String: Any])?["namespace"] as? String ?? ($0["resource"] as? [String: Any])?["name"] as? String })
            == ["pay-eu", "pay-us"], "\(prod)")
        // The access commands know the new names.
        let matrix = try await meshlint(["access", "matrix", "--env", "prod"], directory: scratch.root)
        #expect(matrix.status == 0, "\(matrix.stderr)")
        #expect(throws: Configuration.Problem.self) { try Configuration.parse(Array("render:\n  clusters: {prod: x}\n".utf8), file: "c") }
    }
}

@Suite("Kustomize findings in every output")
struct KustomizeOutputTests {
    @Test("SARIF and baselines work on the source locations; a suppression in a base holds in every overlay",
          .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"))
    func sourceLocationsEverywhere() async throws {
        var files = KustomizeChangedFilesTests.files
        files["base/pa.yaml"] = files["base/pa.yaml"]!.replacingOccurrences(of: "STRICT", with: "PERMISSIVE")
        let scratch = try Scratch(files, git: true)
        defer { scratch.cleanUp() }
        let sarif = try await meshlint(["scan", ".", "--format", "sarif"], directory: scratch.root)
        let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdoutData) as? [String: Any])
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let permissive = try #require(results.first { $0["ruleId"] as? String == "peer-authentication-not-strict" })
        let location = ((permissive["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any]
        #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == "base/pa.yaml")
        #expect((location?["region"] as? [String: Any])?["startLine"] as? Int == 7)
        #expect((permissive["properties"] as? [String: Any])?["environments"] as? [String] == ["overlays/dev", "overlays/prod"])
        // A baseline written from the rendered scan holds it.
        let baseline = scratch.root.appendingPathComponent("baseline.json").path
        #expect(try await meshlint(["scan", ".", "--write-baseline", baseline], directory: scratch.root).status == 0)
        #expect(try await meshlint(["scan", ".", "--baseline", baseline], directory: scratch.root).status == 0)
        // Suppressed in the base: in neither overlay.
        try scratch.write("base/pa.yaml", files["base/pa.yaml"]!.replacingOccurrences(
            of: "  name: default\n", with: "  name: default\n  annotations:\n    ignore.meshlint.io/peer-authentication-not-strict: \"legacy clients until 2027\"\n"))
        let suppressed = try await scratch.scan(["."])
        #expect((suppressed.json["findings"] as? [[String: Any]] ?? []).allSatisfy { $0["rule"] as? String != "peer-authentication-not-strict" })
        let entry = (suppressed.json["suppressed"] as? [[String: Any]])?.first?["suppression"] as? [String: Any]
        #expect(entry?["file"] as? String == "base/pa.yaml" && (entry?["span"] as? [String: Any])?["startLine"] as? Int == 6, "\(suppressed.json)")
    }
}
