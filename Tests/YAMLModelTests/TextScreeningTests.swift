import Testing
@testable import YAMLModel

@Suite("Text screening and manifest loading")
struct TextScreeningTests {
    @Test func nulByteMeansBinary() throws {
        let problem = try #require(TextScreening.notTextProblem(Array("a: 1\nb: x\u{0}y\n".utf8)))
        #expect(problem.kind == .notText)
        #expect(problem.message.contains("binary"))
        #expect(problem.span.start == Mark(line: 2, column: 5))
    }

    @Test func invalidUTF8IsLocated() throws {
        let bytes = Array("name: caf".utf8) + [0xE9] + Array("\n".utf8)
        let problem = try #require(TextScreening.notTextProblem(bytes))
        #expect(problem.message.contains("0xE9"))
        #expect(problem.span.start == Mark(line: 1, column: 10))
        // Overlong encodings and surrogates are not UTF-8 either.
        #expect(TextScreening.notTextProblem([0x61, 0xC0, 0x80]) != nil)
        #expect(TextScreening.notTextProblem([0xED, 0xA0, 0x80]) != nil)
        #expect(TextScreening.notTextProblem(Array("ok: ✓ é 😀".utf8)) == nil)
    }

    @Test func utf16WithBOMIsParsed() throws {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: payments}\n"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let file = ManifestLoader.load(path: "utf16.yaml", bytes: bytes)
        #expect(file.problems.isEmpty)
        #expect(file.resources.first?.name == "payments")
        #expect(file.resources.first?.metadata?["name"]?.span.start == Mark(line: 3, column: 18))
    }

    @Test(arguments: [
        "replicas: {{ .Values.replicas }}",
        "  {{- include \"x.labels\" . | nindent 4 }}",
        "{{- if .Values.enabled }}",
        "name: {{ template \"fullname\" . }}",
        "{{ end }}",
        "image: \"{{ .Values.image }}\"",
    ])
    func helmTemplatesAreRecognised(_ line: String) throws {
        let problem = try #require(TemplateDocuments.screen(Array("apiVersion: v1\n\(line)\n".utf8))?.problem)
        #expect(problem.kind == .helmTemplate)
        #expect(problem.span.start.line == 2)
        #expect(problem.message.contains("helm template"))
    }

    @Test(arguments: [
        "summary: \"{{ $labels.pod }} is down\"",
        "description: 'value {{ $value }}'",
        "text: plain {braces} only",
        "json: '{\"a\": {\"b\": 1}}'",
    ])
    func dataIsNotATemplate(_ line: String) {
        #expect(TemplateDocuments.screen(Array("a: 1\n\(line)\n".utf8)) == nil)
    }

    @Test func listItemsBecomeResources() throws {
        let file = ManifestLoader.load(path: "list.yaml", bytes: Array("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ServiceAccount
              metadata: {name: a, namespace: shop}
            - apiVersion: v1
              kind: Service
              metadata: {name: b}
            """.utf8))
        #expect(file.resources.map(\.kind) == ["ServiceAccount", "Service"])
        #expect(file.resources.map(\.origin.listItem) == [0, 1])
        #expect(file.resources[1].namespace == "default")
        #expect(file.resources[1].namespaceIsExplicit == false)
        #expect(file.documentCount == 1)
    }

    @Test func documentsWithoutKindAreSkippedAndCounted() {
        let file = ManifestLoader.load(path: "mixed.yaml", bytes: Array("""
            replicaCount: 2
            ---
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: payments, namespace: ignored}
            ---
            - just
            - a list
            """.utf8))
        #expect(file.skippedDocuments == 2)
        #expect(file.documentCount == 3)
        #expect(file.resources.count == 1)
        // Cluster-scoped kinds have no namespace even when one is written.
        #expect(file.resources.first?.namespace == nil)
    }

    @Test func oversizeFilesAreRefusedBeforeParsing() {
        let file = ManifestLoader.load(path: "big.yaml", bytes: Array(repeating: 0x61, count: 2048), limits: ParseLimits(maxFileSize: 1024))
        #expect(file.problems.map(\.kind) == [.limitExceeded])
        #expect(file.problems.first?.span == .fileStart)
        #expect(file.documentCount == 0)
    }

    @Test func aTenMegabyteScalarIsRead() {
        let big = String(repeating: "x", count: 10 << 20)
        let file = ManifestLoader.load(path: "scalar.yaml", bytes: Array("apiVersion: v1\nkind: ConfigMap\ndata: {big: \(big)}\n".utf8))
        #expect(file.problems.isEmpty)
        #expect(file.resources.first?.node["data", "big"]?.string?.utf8.count == 10 << 20)
    }
}

@Suite("UTF-16 input")
struct UTF16InputTests {
    static func utf16(_ text: String, bigEndian: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        return bytes
    }

    @Test func bothByteOrdersBecomeUTF8WithTheSameLinesAndColumns() throws {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: \u{E9}t\u{E9}-\u{1F600}}\n"
        for bigEndian in [false, true] {
            guard case .utf8(let utf8) = UTF16Input.transcoded(Self.utf16(text, bigEndian: bigEndian)) else {
                Issue.record("not transcoded")
                continue
            }
            #expect(utf8 == Array(text.utf8))
            let file = ManifestLoader.load(path: "ns.yaml", bytes: Self.utf16(text, bigEndian: bigEndian))
            #expect(file.problems.isEmpty)
            #expect(file.resources.first?.name == "\u{E9}t\u{E9}-\u{1F600}")
            #expect(file.resources.first?.nameSpan.start == Mark(line: 3, column: 18))
        }
        #expect(UTF16Input.transcoded(Array("a: 1\n".utf8)) == nil)
    }

    @Test func invalidUTF16IsNotText() {
        let unpaired: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x00, 0xD8, 0x62, 0x00]
        let odd: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x62]
        for bytes in [unpaired, odd] {
            let file = ManifestLoader.load(path: "x.yaml", bytes: bytes)
            #expect(file.problems.map(\.kind) == [.notText])
            #expect(file.problems.first?.message.contains("not valid UTF-16") == true)
        }
    }

    @Test func anErrorInAUTF16FileIsPlacedInsideIt() throws {
        // Found by fuzzing: positions were worked out on the UTF-16 bytes as if they were UTF-8.
        let file = ManifestLoader.load(path: "x.yaml", bytes: Self.utf16("kind: A\nlist: [1, 2\nnext: x\n"))
        let problem = try #require(file.problems.first)
        #expect(problem.kind == .syntaxError)
        // Where the same text in UTF-8 puts it.
        let utf8 = ManifestLoader.load(path: "x.yaml", bytes: Array("kind: A\nlist: [1, 2\nnext: x\n".utf8))
        #expect(problem.span == utf8.problems.first?.span)
        #expect(problem.span.start.line == 3)
    }
}

@Suite("Empty files")
struct EmptyFileTests {
    @Test func anEmptyFileHoldsNothingAndStartsNoParser() {
        let file = ManifestLoader.load(path: "empty.yaml", bytes: [])
        #expect(file.resources.isEmpty && file.problems.isEmpty && file.documentCount == 0 && file.skippedDocuments == 0)
        // Nothing to read, so nothing is left unread even past a deadline (a parser would say so).
        let late = ManifestLoader.load(path: "empty.yaml", bytes: [], limits: ParseLimits(deadline: ContinuousClock.now.advanced(by: .seconds(-1))))
        #expect(late.problems.isEmpty)
    }
}

/// Templates are decided per document, by where their actions stand (issue 18, cause 3).
@Suite("template documents")
struct TemplateDocumentTests {
    /// A rendered installation: the sidecar injector's templates in a ConfigMap's block scalar and
    /// a quoted marker value, beside a mesh-wide STRICT PeerAuthentication.
    static let renderedInstall = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio-sidecar-injector, namespace: istio-system}
        data:
          config: |-
            policy: enabled
            templates:
              sidecar: |
                {{- if .Values.global.proxy.resources }}
                resources: {{ toYaml .Values.global.proxy.resources | indent 6 }}
                {{- end }}
          marker: "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}"
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec: {mtls: {mode: STRICT}}
        """

    @Test func templateTextAsDataIsRead() {
        let file = ManifestLoader.load(path: "install.yaml", bytes: Array(Self.renderedInstall.utf8))
        #expect(file.problems.isEmpty)
        #expect(file.resources.map(\.kind) == ["ConfigMap", "PeerAuthentication"])
    }

    @Test func onlyTheTemplateDocumentIsSkipped() throws {
        let yaml = Self.renderedInstall + """

            ---
            {{- if .Values.ingress.enabled }}
            apiVersion: v1
            kind: Service
            metadata: {name: {{ .Release.Name }}-ingress}
            {{- end }}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow-nothing, namespace: istio-system}
            spec: {}
            """
        let file = ManifestLoader.load(path: "install.yaml", bytes: Array(yaml.utf8))
        #expect(file.resources.map(\.kind) == ["ConfigMap", "PeerAuthentication", "AuthorizationPolicy"])
        let problem = try #require(file.problems.first)
        #expect(file.problems.count == 1)
        #expect(problem.kind == .helmTemplate)
        #expect(problem.message.hasPrefix("1 of the file's 4 documents holds template syntax"))
        #expect(problem.span.start == Mark(line: 19, column: 1))
        // Lines stay exact after the skipped document.
        let policy = try #require(file.resources.last)
        #expect(policy.nameSpan.start.line == 27)
    }

    @Test func documentsInsideAControlActionAreTemplates() {
        let yaml = """
            {{- range .Values.namespaces }}
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{ . }}}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: reader}
            {{- end }}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: static, namespace: tools}
            """
        let file = ManifestLoader.load(path: "t.yaml", bytes: Array(yaml.utf8))
        #expect(file.resources.map(\.name) == ["static"])
        #expect(file.problems.map(\.kind) == [.helmTemplate])
    }

    @Test func aFileOfTemplatesIsSkippedWhole() throws {
        let screened = try #require(TemplateDocuments.screen(Array("kind: Service\nmetadata:\n  name: {{ .Values.name }}\n".utf8)))
        #expect(screened.isWholeFile)
        #expect(screened.problem.message.hasPrefix("the file holds template syntax"))
    }
}
