import Foundation
import Testing
import YAMLModel
@testable import MeshLint
import MeshLintConfig

/// Helm charts found, released with their values, and each rendered object traced to the template
/// line (or the values line) that wrote it.
///
/// The Helm the tests run is `scripts/helm-sdk-template.py` (Helm v4's engine from PyPI's
/// helm-python-sdk, printing what `helm template` prints), installed by `scripts/install-helm-sdk`
/// as `.build/helm-sdk/bin/helm`, or another named by MESHLINT_TEST_HELM. Without one, the tests
/// that render are skipped, saying so; `.ci/run` installs it, so CI always runs them.
@Suite("Helm charts and rendering")
struct HelmRenderingTests {
    static let helper: String? = {
        if let named = ProcessInfo.processInfo.environment["MESHLINT_TEST_HELM"], !named.isEmpty { return named }
        let installed = packageRoot.appendingPathComponent(".build/helm-sdk/bin/helm").path
        return FileManager.default.isExecutableFile(atPath: installed) ? installed : nil
    }()
    static let helperFound = helper != nil
    static let skipMessage = "needs a helm: run scripts/install-helm-sdk (or set MESHLINT_TEST_HELM)"

    static let chart = packageRoot.appendingPathComponent("examples/helm-chart/payments").path
    /// The prod release of the example chart as the helper printed it: Helm's own release manifest,
    /// written as `helm template` writes it (helm/helm `pkg/cmd/template.go`: the manifest trimmed,
    /// then a newline; `---` and `# Source: CHART/templates/FILE` before each document).
    static let golden = packageRoot.appendingPathComponent("Tests/MeshLintTests/Fixtures/helm/payments-prod.rendered.yaml")
    static let prodRelease = HelmEngine.Release(chart: chart, name: "payments", namespace: "payments", valuesFiles: [chart + "/values-prod.yaml"])

    static func render(_ bytes: [UInt8], release: HelmEngine.Release = prodRelease) throws -> HelmRender {
        let chart = try #require(HelmChart.read(directory: release.chart))
        return HelmRender(
            chart: chart, release: release, name: "prod", bytes: bytes, renderedPath: "<helm template prod>",
            display: { RepositoryRoot.relative($0, to: packageRoot.path, workingDirectory: "/") ?? $0 }, text: SourceTexts().lines)
    }

    @Test("The golden release has helm template's shape: a # Source: line before every document")
    func goldenHasHelmTemplatesShape() throws {
        let text = try String(contentsOf: Self.golden, encoding: .utf8)
        #expect(text.hasPrefix("---\n# Source: payments/templates/"))
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
        let documents = text.components(separatedBy: "---\n").dropFirst()
        #expect(documents.count == 6)
        #expect(documents.allSatisfy { $0.hasPrefix("# Source: payments/templates/") })
    }

    @Test("The helper prints what the golden holds", .enabled(if: helperFound, Comment(rawValue: skipMessage)))
    func helperMatchesTheGolden() async throws {
        let helper = try #require(Self.helper)
        let engine = HelmEngine(program: helper)
        guard case .rendered(let bytes) = engine.render(Self.prodRelease, timeout: .seconds(60)) else {
            Issue.record("the example chart did not render")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self) == (try String(contentsOf: Self.golden, encoding: .utf8)))
    }

    @Test("Rendered objects are in the release's namespace and traced to their template lines")
    func objectsTracedToTemplates() throws {
        let render = try Self.render(Array(try Data(contentsOf: Self.golden)))
        let resources = render.file.resources
        #expect(Set(resources.compactMap(\.namespace)) == ["payments"])
        #expect(resources.map(\.kind).sorted() == ["AuthorizationPolicy", "AuthorizationPolicy", "ConfigMap", "Gateway", "Namespace", "PeerAuthentication"])
        // The Namespace's name line is `name: {{ .Release.Namespace }}`: line 4 of its template.
        let namespace = try #require(resources.first { $0.kind == "Namespace" })
        let name = try #require(render.location(of: namespace.nameSpan, in: namespace))
        #expect(name.file == "examples/helm-chart/payments/templates/namespace.yaml" && name.span.start.line == 4 && name.exact)
        // A label written by the template itself: its own line; one from a helper: the name line, said so.
        let ambient = try #require(namespace.labels["istio.io/dataplane-mode"])
        #expect(render.location(of: ambient.keySpan, in: namespace)?.span.start.line == 7)
        let managed = try #require(namespace.labels["app.kubernetes.io/managed-by"])
        let helped = try #require(render.location(of: managed.keySpan, in: namespace))
        #expect(helped.span.start.line == 4 && !helped.exact && helped.remark?.contains("of `<helm template prod>`") == true)
        // The second document of authorization.yaml, by kind and name; a key inside list items.
        let ledger = try #require(resources.first { $0.name == "ledger-from-checkout" })
        let principal = try #require(ledger.node["spec", "rules"]?.items.first?["from"]?.items.first?["source", "principals"]?.items.first)
        let traced = try #require(render.location(of: principal.span, in: ledger))
        #expect(traced.file == "examples/helm-chart/payments/templates/authorization.yaml" && traced.span.start.line == 21)
        #expect(render.location(of: ledger.nameSpan, in: ledger)?.span.start.line == 11)
        #expect(render.location(of: resources.first { $0.name == "deny-all" }!.nameSpan, in: resources.first { $0.name == "deny-all" }!)?.span.start.line == 5)
    }

    @Test("A field whose template line is only {{ .Values.x }} is placed where the release's values set x")
    func valuesLinesAreTheSource() throws {
        let golden = try String(contentsOf: Self.golden, encoding: .utf8)
        // prod sets no mTLS mode of its own: values.yaml's does; dev's own file sets it.
        let prod = try Self.render(Array(golden.utf8))
        let authentication = try #require(prod.file.resources.first { $0.kind == "PeerAuthentication" })
        let mode = try #require(authentication.node["spec", "mtls"]?.pair("mode"))
        let fromDefaults = try #require(prod.location(of: mode.value.span, in: authentication))
        #expect(fromDefaults.file == "examples/helm-chart/payments/values.yaml" && fromDefaults.span.start.line == 3)
        var devRelease = Self.prodRelease
        devRelease.valuesFiles = [Self.chart + "/values-dev.yaml"]
        let dev = try Self.render(Array(golden.replacingOccurrences(of: "mode: STRICT", with: "mode: PERMISSIVE").utf8), release: devRelease)
        let devAuthentication = try #require(dev.file.resources.first { $0.kind == "PeerAuthentication" })
        let devMode = try #require(devAuthentication.node["spec", "mtls"]?.pair("mode"))
        let fromDev = try #require(dev.location(of: devMode.value.span, in: devAuthentication))
        #expect(fromDev.file == "examples/helm-chart/payments/values-dev.yaml" && fromDev.span.start.line == 3)
        #expect(TemplateText.valuesPath(inLine: "    mode: {{ .Values.mtls.mode | quote }}") == ["mtls", "mode"])
        #expect(TemplateText.valuesPath(inLine: "    mode: {{ default \"STRICT\" .Values.mode }}") == ["mode"])
        #expect(TemplateText.valuesPath(inLine: "    mode: {{ .Values.a }}-{{ .Values.b }}") == nil)
        #expect(TemplateText.valuesPath(inLine: "    mode: {{ include \"x\" . }}") == nil)
    }

    @Test("Template text: documents by kind and name, names with actions, keys by indentation")
    func templateText() {
        let text = TemplateText(lines: """
            {{- if .Values.enabled }}
            apiVersion: v1
            kind: Service
            metadata:
              name: {{ .Release.Name }}-api
            spec:
              ports:
                - name: http
                  port: 80
                - name: grpc
                  port: 9000
            {{- end }}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: admin
            """.split(separator: "\n", omittingEmptySubsequences: false))
        #expect(text.document(kind: "Service", name: "admin") == 14...17)
        #expect(text.document(kind: "Service", name: "rel-api") == 1...12)
        #expect(text.document(kind: "Deployment", name: "x") == nil)
        let port = text.field([.key("spec"), .key("ports"), .item(1), .key("port")], in: 1...12)
        #expect(port?.start.line == 11 && port?.start.column == 7)
        #expect(text.field([.key("spec"), .key("ports"), .item(2)], in: 1...12) == nil)
        #expect(text.field([.key("spec"), .key("selector")], in: 1...12) == nil)
        #expect(TemplateText.fits("payments-api", template: "{{ .Release.Name }}-api"))
        #expect(!TemplateText.fits("payments-web", template: "{{ .Release.Name }}-api"))
    }

    @Test("Charts: subcharts render through their parent; environment values files; unvendored dependencies")
    func chartDiscovery() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            "app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: db\n  version: 1.0.0\n  repository: https://charts.example.com\n- name: cache\n  version: 1.0.0\n",
            "app/values.yaml": "a: 1\n",
            "app/values-prod.yaml": "a: 2\n",
            "app/values.staging.yml": "a: 3\n",
            "app/values.schema.json": "{}\n",
            "app/charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.0.0\n",
            "app/templates/x.yaml": "kind: ConfigMap\n",
        ], under: root)
        let charts = HelmChart.charts(chartFiles: ["\(root.path)/app/Chart.yaml", "\(root.path)/app/charts/cache/Chart.yaml"])
        #expect(charts.map(\.directory) == ["\(root.path)/app"])
        let app = try #require(charts.first)
        #expect(app.missingDependencies == ["db (https://charts.example.com)"])
        #expect(app.environmentValues == ["\(root.path)/app/values-prod.yaml", "\(root.path)/app/values.staging.yml"])
        #expect(app.files.contains("\(root.path)/app/charts/cache/Chart.yaml"))
        #expect(HelmEngine.releaseName(for: "My_Chart.v2") == "my-chart-v2")
        #expect(HelmEngine(program: "/bin/helm").arguments(for: HelmEngine.Release(chart: "/c", name: "r", namespace: "ns", valuesFiles: ["/c/v.yaml"]))
            == ["/bin/helm", "template", "r", "/c", "--namespace", "ns", "--skip-tests", "--values", "/c/v.yaml"])
    }
}

/// `meshlint scan` on a repository with Helm charts: each release rendered and checked as an
/// environment of its own, findings on template and values lines, charts that cannot be
/// rendered said to be, with why, and read as files.
@Suite("Scanning Helm charts")
struct HelmScanTests {
    func findings(_ run: RunResult, rule: String? = nil) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let all = try #require(report["findings"] as? [[String: Any]])
        return rule.map { rule in all.filter { $0["rule"] as? String == rule } } ?? all
    }

    func line(_ finding: [String: Any]) -> Int { (finding["span"] as? [String: Any])?["startLine"] as? Int ?? 0 }

    /// A repository holding a copy of the example chart and its configuration.
    func repository(extra: [String: String] = [:]) throws -> URL {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let example = packageRoot.appendingPathComponent("examples/helm-chart")
        for name in [".meshlint.yaml", "payments"] {
            try FileManager.default.copyItem(at: example.appendingPathComponent(name), to: root.appendingPathComponent(name))
        }
        try write(extra, under: root)
        return root
    }

    @Test("Each values file is a release of its own; findings land on the values or template line, with their environments",
          .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)))
    func releasesOnSourceLines() async throws {
        let root = try repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let helm = try #require(HelmRenderingTests.helper)
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", helm], directory: root)
        #expect(run.status == 0, "\(run.stderr)")
        let all = try findings(run)
        // dev's PERMISSIVE comes from values-dev.yaml: that line, dev only.
        let permissive = try findings(run, rule: "peer-authentication-not-strict")
        #expect(permissive.count == 1)
        #expect(permissive.first?["file"] as? String == "payments/values-dev.yaml" && permissive.first.map(line) == 3)
        #expect(permissive.first?["environments"] as? [String] == ["payments (values-dev.yaml)"])
        // prod's single-replica waypoint, at the Gateway's name in its template.
        let singleton = try findings(run, rule: "singleton-waypoint").filter { ($0["message"] as? String)?.contains("single replica") == true }
        #expect(singleton.first?["file"] as? String == "payments/templates/waypoint.yaml" && singleton.first.map(line) == 4)
        #expect(singleton.first?["environments"] as? [String] == ["payments (values-prod.yaml)"])
        // Everything is in the release namespace; nothing is read as a loose template.
        #expect(!all.contains { ($0["resource"] as? [String: Any])?["namespace"] as? String == "default" })
        #expect(try findings(run, rule: "helm-template-not-rendered").isEmpty)
        #expect(all.allSatisfy { ($0["file"] as? String)?.hasPrefix("payments/") == true })
    }

    @Test("A suppression annotation in a template applies in every release",
          .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)))
    func suppressionInATemplate() async throws {
        let root = try repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let template = root.appendingPathComponent("payments/templates/waypoint.yaml")
        let text = try String(contentsOf: template, encoding: .utf8)
        try text.replacingOccurrences(of: "  name: waypoint\n", with: "  name: waypoint\n  annotations:\n    ignore.meshlint.io/singleton-waypoint: \"PDB comes from the platform chart\"\n")
            .write(to: template, atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", try #require(HelmRenderingTests.helper)], directory: root)
        #expect(try findings(run, rule: "singleton-waypoint").isEmpty)
        #expect(try findings(run, rule: "peer-authentication-not-strict").count == 1)
    }

    @Test("Without Helm, the templates are read as files and each note says why, with the install hint")
    func missingEngine() async throws {
        let root = try repository()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", root.path + "/no-such-helm"], directory: root)
        let notes = try findings(run, rule: "helm-template-not-rendered")
        #expect(notes.count == 3)
        #expect(notes.allSatisfy { ($0["message"] as? String)?.contains("the chart payments was not rendered: no Helm was found: install Helm") == true })
        // Said once on standard error, with the install hint.
        #expect(run.stderr.components(separatedBy: "no Helm was found, so 1 chart was read as files").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("install Helm (https://helm.sh/docs/intro/install/)"))
        // --no-render says so too.
        let off = try await meshlint(["scan", ".", "--format", "json", "--no-render"], directory: root)
        #expect(try findings(off, rule: "helm-template-not-rendered").allSatisfy { ($0["message"] as? String)?.contains("rendering is off (--no-render)") == true })
    }

    @Test("A chart with an unvendored dependency, or a link out of the repository, is not rendered, and the notes say why",
          .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)))
    func refusedCharts() async throws {
        let root = try repository(extra: [
            "remote/Chart.yaml": "apiVersion: v2\nname: remote\nversion: 1.0.0\ndependencies:\n- name: istiod\n  version: 1.28.0\n  repository: https://istio-release.storage.googleapis.com/charts\n",
            "remote/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let outside = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        try "secret: value\n".write(to: outside.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("payments/linked.yaml"), withDestinationURL: outside.appendingPathComponent("values.yaml"))
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", try #require(HelmRenderingTests.helper)], directory: root)
        let notes = try findings(run, rule: "helm-template-not-rendered")
        let remote = notes.filter { ($0["file"] as? String)?.hasPrefix("remote/") == true }
        #expect(remote.count == 1 && (remote.first?["message"] as? String)?.contains("it depends on istiod (https://istio-release.storage.googleapis.com/charts), not vendored") == true)
        let linked = notes.filter { ($0["file"] as? String)?.hasPrefix("payments/") == true }
        #expect(!linked.isEmpty && linked.allSatisfy { ($0["message"] as? String)?.contains("outside the repository") == true })
    }

    @Test("A file:// dependency is put in a copy's charts/ and traced to its own templates; a remote one is pulled only with --allow-remote",
          .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)))
    func dependencies() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: mesh\n  version: 1.0.0\n  repository: file://../mesh\n",
            "charts/app/templates/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Release.Namespace }}\n  labels: {istio.io/dataplane-mode: ambient}\n",
            "charts/mesh/Chart.yaml": "apiVersion: v2\nname: mesh\nversion: 1.0.0\n",
            "charts/mesh/templates/pa.yaml": "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: PERMISSIVE\n",
            "charts/remote/Chart.yaml": "apiVersion: v2\nname: remote\nversion: 1.0.0\ndependencies:\n- name: istiod\n  version: 1.28.0\n  repository: https://istio-release.storage.googleapis.com/charts\n",
            "charts/remote/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
            ".meshlint.yaml": "render:\n  releases:\n    - chart: charts/app\n      namespace: pay\n",
        ], under: root)
        let helm = try #require(HelmRenderingTests.helper)
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", helm], directory: root)
        let permissive = try findings(run, rule: "peer-authentication-not-strict")
        #expect(permissive.count == 1 && permissive.first?["file"] as? String == "charts/mesh/templates/pa.yaml" && permissive.first.map(line) == 7, "\(run.stdout)")
        // The dependency is rendered through the chart that uses it, not released on its own.
        #expect(!run.stdout.contains("<helm template charts/mesh"))
        #expect(!run.stdout.contains("\"namespace\" : \"default\"") && !run.stdout.contains("\"namespace\": \"default\""))
        #expect(try findings(run).allSatisfy { ($0["environments"] as? [String] ?? []).allSatisfy { !$0.hasPrefix("charts/mesh") } })
        let offline = try findings(run, rule: "helm-template-not-rendered").filter { ($0["file"] as? String)?.hasPrefix("charts/remote/") == true }
        #expect(offline.first.flatMap { $0["message"] as? String }?.contains("--allow-remote pulls it into a copy") == true)
        // With --allow-remote, Helm is asked to pull (the test helm cannot: its error is the note).
        let online = try await meshlint(["scan", ".", "--format", "json", "--helm", helm, "--allow-remote"], directory: root)
        let attempted = try findings(online, rule: "helm-template-not-rendered").filter { ($0["file"] as? String)?.hasPrefix("charts/remote/") == true }
        #expect(attempted.first.flatMap { $0["message"] as? String }?.contains("helm dependency build exited") == true, "\(online.stdout)")
    }

    @Test("An Argo CD Application releases a chart: its name, namespace and inline values, found on the Application's line",
          .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)))
    func applicationReleasesAChart() async throws {
        let root = try repository(extra: [
            "apps/payments-qa.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: payments-qa, namespace: argocd}
                spec:
                  source:
                    repoURL: https://git.example.com/mesh.git
                    path: payments
                    helm:
                      releaseName: payments
                      valuesObject:
                        mtls:
                          mode: PERMISSIVE
                  destination: {namespace: payments-qa}

                """,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: root.appendingPathComponent(".meshlint.yaml"))
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", try #require(HelmRenderingTests.helper)], directory: root)
        let permissive = try findings(run, rule: "peer-authentication-not-strict")
        // Only the Application's release: the chart is not released again on its own.
        #expect(permissive.count == 1, "\(permissive)")
        #expect(permissive.first?["file"] as? String == "apps/payments-qa.yaml" && permissive.first.map(line) == 12)
        #expect(permissive.first?["environments"] as? [String] == ["Application payments-qa"])
        #expect((permissive.first?["resource"] as? [String: Any])?["namespace"] as? String == "payments-qa")
    }

    @Test("An Application whose path is a link to a chart outside the repository renders nothing from it",
          .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)))
    func linkedChartOutsideTheRepository() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let outside = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        try write([
            "Chart.yaml": "apiVersion: v2\nname: foreign\nversion: 1.0.0\n",
            "templates/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foreign\n  labels: {istio.io/dataplane-mode: ambient}\n",
        ], under: outside)
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: foreign}\nspec:\n  source: {repoURL: x, path: linked}\n  destination: {namespace: foreign}\n",
        ], under: root)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("linked"), withDestinationURL: outside)
        let run = try await meshlint(["scan", ".", "--format", "json", "--helm", try #require(HelmRenderingTests.helper)], directory: root)
        #expect(try findings(run, rule: "ambient-namespace-without-default-deny").isEmpty)
    }

    @Test("render.releases names the release and its namespace; without it a chart is released into default")
    func configuredReleases() throws {
        let configuration = try Configuration.parse(Array("""
            render:
              releases:
                - chart: charts/payments
                  name: prod
                  namespace: payments
                  values: [values-prod.yaml]
              skip: ["charts/legacy*"]

            """.utf8), file: ".meshlint.yaml")
        #expect(configuration.render.releases.first?.values == ["values-prod.yaml"])
        #expect(configuration.render.skip.first?.matches("charts/legacy-v1") == true)
        #expect(throws: Configuration.Problem.self) {
            try Configuration.parse(Array("render:\n  releases:\n    - chart: c\n      namespace: Not_A_Namespace\n".utf8), file: ".meshlint.yaml")
        }
        #expect(throws: Configuration.Problem.self) {
            try Configuration.parse(Array("render:\n  helm: /usr/bin/helm\n".utf8), file: ".meshlint.yaml")
        }
        let chart = HelmChart(directory: "/repo/charts/payments", name: "payments", missingDependencies: [], environmentValues: ["/repo/charts/payments/values-dev.yaml"], files: [], links: [])
        var request = RenderRequest()
        request.configurationDirectory = "/repo"
        request.releases = configuration.render.releases
        let configured = Renderer(request: request, workingDirectory: "/repo", deadline: nil, manifests: []).releases(of: chart)
        #expect(configured.map(\.name) == ["prod"])
        #expect(configured.first?.release == HelmEngine.Release(chart: "/repo/charts/payments", name: "payments", namespace: "payments", valuesFiles: ["/repo/charts/payments/values-prod.yaml"]))
        let automatic = Renderer(request: RenderRequest(), workingDirectory: "/repo", deadline: nil, manifests: []).releases(of: chart)
        #expect(automatic.map(\.name) == ["charts/payments (values-dev.yaml)"] && automatic.first?.release.namespace == "default")
    }
}

/// Argo CD Applications and the simple ApplicationSet generators: the namespace their objects are
/// deployed into, the namespaces they create with `managedNamespaceMetadata`, one environment per
/// Application.
@Suite("Argo CD Applications")
struct ArgoApplicationTests {
    func findings(_ run: RunResult, rule: String) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        return try #require(report["findings"] as? [[String: Any]]).filter { $0["rule"] as? String == rule }
    }

    @Test("Destination namespaces, created namespaces with their labels, a list generator: findings on the Application's lines")
    func exampleRepository() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/argocd-apps"), to: root.appendingPathComponent("repo"))
        let repository = root.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: repository)
        #expect(run.status == 1, "\(run.stderr)")
        // ledger-dev and ledger-prod: namespaces Argo CD creates in ambient, without a default deny;
        // each in its own environment, at the label's line in the ApplicationSet's template.
        let deny = try findings(run, rule: "ambient-namespace-without-default-deny")
        #expect(deny.map { $0["file"] as? String } == ["apps/ledger.yaml", "apps/ledger.yaml"])
        #expect(deny.map { ($0["span"] as? [String: Any])?["startLine"] as? Int } == [28, 28])
        #expect(deny.map { $0["environments"] as? [String] } == [["Application ledger-dev"], ["Application ledger-prod"]])
        // The ledger's STRICT PeerAuthentication is deployed into each ledger namespace.
        let strict = try findings(run, rule: "peer-authentication-not-strict")
        #expect(strict.count == 1)
        #expect(strict.first?["file"] as? String == "deploy/payments/peer-authentication.yaml")
        #expect((strict.first?["resource"] as? [String: Any])?["namespace"] as? String == "payments")
        // payments' own default deny, namespace-less in its file, is in payments.
        #expect(!deny.contains { ($0["message"] as? String)?.contains("Namespace payments ") == true })
        // Read as files, the same tree knows no ambient namespace at all.
        let plain = try await meshlint(["scan", ".", "--format", "json", "--no-render"], directory: repository)
        #expect(try findings(plain, rule: "ambient-namespace-without-default-deny").isEmpty)
    }

    @Test("A namespace Argo CD only creates (no managedNamespaceMetadata) is not assumed: its labels are unknown")
    func createdNamespaceWithoutMetadata() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "app.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: ingress, namespace: argocd}
                spec:
                  source: {repoURL: https://git.example.com/x.git, path: ingress}
                  destination: {namespace: istio-ingress}
                  syncPolicy: {syncOptions: [CreateNamespace=true]}

                """,
            "ingress/policy.yaml": "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: gateway-allow}\nspec: {action: ALLOW, rules: [{}]}\n",
        ], under: root)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        let notes = try findings(run, rule: "namespace-not-in-input")
        #expect(notes.contains { ($0["resource"] as? [String: Any])?["namespace"] as? String == "istio-ingress" }, "\(run.stdout)")
    }

    @Test("render.repositories maps another repository's URL to its checkout; one outside the repository is refused")
    func otherRepositories() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try write(["deploy/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"], under: elsewhere)
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            ".meshlint.yaml": "render:\n  repositories:\n    https://github.com/org/platform: vendor/platform\n    https://github.com/org/secrets: \(elsewhere.path)\n",
            "app.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: mesh, namespace: argocd}
                spec:
                  source: {repoURL: "git@github.com:org/platform.git", path: deploy/mesh}
                  destination: {namespace: mesh}
                  syncPolicy:
                    managedNamespaceMetadata: {labels: {istio.io/dataplane-mode: ambient}}
                    syncOptions: [CreateNamespace=true]
                ---
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: secrets, namespace: argocd}
                spec:
                  source: {repoURL: "https://github.com/org/secrets", path: deploy}
                  destination: {namespace: secrets}

                """,
            "vendor/platform/deploy/mesh/deny.yaml": "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny}\nspec: {}\n",
        ], under: root)
        let run = try await meshlint(["scan", ".", "--format", "json"], directory: root)
        // The vendored checkout's default deny is deployed into mesh: no finding about it.
        #expect(try findings(run, rule: "ambient-namespace-without-default-deny").isEmpty, "\(run.stdout)")
        #expect(run.stderr.contains("render.repositories names \(elsewhere.path)") && run.stderr.contains("outside the repository"), "\(run.stderr)")
        #expect(ArgoApplication.normalizedURL("git@GitHub.com:org/platform.git") == "github.com/org/platform")
        #expect(ArgoApplication.normalizedURL("https://user@github.com/org/platform/") == "github.com/org/platform")
    }

    @Test("Applications are read from Application and ApplicationSet objects, with their generators")
    func reading() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "services/orders/a.yaml": "kind: ConfigMap\n",
            "services/billing/a.yaml": "kind: ConfigMap\n",
            "services/legacy/a.yaml": "kind: ConfigMap\n",
            "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.0.0\n",
            "apps.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: ApplicationSet
                metadata: {name: services}
                spec:
                  generators:
                    - git:
                        repoURL: https://git.example.com/x.git
                        directories:
                          - path: services/*
                          - path: services/legacy
                            exclude: true
                  template:
                    metadata: {name: '{{path.basename}}'}
                    spec:
                      source: {repoURL: https://git.example.com/x.git, path: '{{path}}', directory: {recurse: true}}
                      destination: {namespace: '{{path.basename}}'}
                      syncPolicy: {syncOptions: [CreateNamespace=true]}
                ---
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: api-prod}
                spec:
                  sources:
                    - repoURL: https://git.example.com/x.git
                      path: charts/api
                      helm:
                        releaseName: api
                        valueFiles: [values-prod.yaml, $values/shared.yaml]
                        valuesObject: {replicas: 3, name: "a \\"quoted\\" value"}
                    - repoURL: https://charts.example.com
                      chart: istiod
                  destination: {namespace: api}

                """,
        ], under: root)
        let file = ManifestLoader.load(path: root.path + "/apps.yaml", bytes: Array(try Data(contentsOf: root.appendingPathComponent("apps.yaml"))))
        let applications = ArgoApplication.applications(in: file.resources, workingDirectory: "/")
        #expect(applications.map(\.name) == ["billing", "orders", "api-prod"])
        #expect(applications.map(\.namespace) == ["billing", "orders", "api"])
        #expect(applications[0].sources.first?.directory == root.path + "/services/billing" && applications[0].sources.first?.recurse == true)
        #expect(applications[0].createsNamespace && !applications[0].namespaceIsManaged && !applications[2].createsNamespace)
        let api = applications[2]
        #expect(api.sources.first?.releaseName == "api" && api.sources.first?.valueFiles == ["values-prod.yaml", "$values/shared.yaml"])
        #expect(api.sources.first?.inlineValues == "\"replicas\": 3\n\"name\": \"a \\\"quoted\\\" value\"\n")
        #expect(api.unresolved == ["chart istiod from https://charts.example.com"])
        // A path outside the repository, or up out of it, is not resolved.
        #expect(ArgoApplication.resolve("../elsewhere", from: root.path + "/apps.yaml") == nil)
        #expect(ArgoApplication.resolve("/etc", from: root.path + "/apps.yaml") == nil)
        #expect(SegmentPattern.matches("svc-*", "svc-orders") && !SegmentPattern.matches("svc-*", "api"))
        #expect(ArgoApplication.substitute("ledger-{{ env }}-{{.region}}-{{missing}}", ["env": "dev", "region": "eu"]) == "ledger-dev-eu-{{missing}}")
    }
}
