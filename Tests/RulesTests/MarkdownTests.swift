import Rules
import Testing

/// The escaping every Markdown writer uses (job summary, PR comment, posture report, access matrix,
/// SARIF help.markdown): each case is a value an attacker chose.
@Suite("Markdown escaping")
struct MarkdownTests {
    @Test("Text: no link, image, HTML, emphasis, table break, line break or mention survives")
    func text() {
        #expect(Markdown.text("[x](https://evil.example)") == #"\[x\](https://evil.example)"#)
        #expect(Markdown.text("<img src=x onerror=alert(1)>") == #"\<img src=x onerror=alert(1)\>"#)
        #expect(Markdown.text("<!-- hide") == #"\<!-- hide"#)
        #expect(Markdown.text("a|b *c* _d_ ~e~ $f$ &amp; \\") == #"a\|b \*c\* \_d\_ \~e\~ \$f\$ \&amp; \\"#)
        #expect(Markdown.text("0.yaml)\n\n# ✅ MeshLint: no findings\n\n<!--") == "0.yaml)  \\#\u{2060} ✅ MeshLint: no findings  \\<!--")
        #expect(Markdown.text("ping @org/team about #12") == "ping @\u{2060}org/team about \\#\u{2060}12")
        #expect(Markdown.text("payments-api.v1") == "payments-api.v1")
        #expect(Markdown.text("\u{1B}]0;title\u{07}") == "\u{FFFD}\\]0;title\u{FFFD}")
    }

    @Test("A code span is longer-fenced than any backtick run inside, and padded where CommonMark would strip or merge")
    func codeSpans() {
        #expect(Markdown.code("payments") == "`payments`")
        #expect(Markdown.code("a`b") == "``a`b``")
        #expect(Markdown.code("``x```") == "```` ``x``` ````")
        #expect(Markdown.code(" x ") == "`  x  `")
        #expect(Markdown.code("   ") == "`   `")
        #expect(Markdown.code("") == "` `")
        #expect(Markdown.code("a\nb\r\nc") == "`a b  c`")
        #expect(Markdown.code("a|b", inTable: true) == #"`a\|b`"#)
        #expect(Markdown.code("a|b") == "`a|b`")
        #expect(Markdown.code("<!--\u{1B}[2J") == "`<!--\u{FFFD}[2J`")
    }

    @Test("Prose keeps the writer's code spans and makes everything else literal, whatever the pairing")
    func prose() {
        #expect(Markdown.prose("accepts audience `api://x`, which [never](y)") == "accepts audience `api://x`, which \\[never\\](y)")
        // An unmatched run stays a literal backtick.
        #expect(Markdown.prose("a ``b` c") == "a \\`\\`b\\` c")
        // Runs pair only with runs of their own length.
        #expect(Markdown.prose("``a`b`` <i>") == "``a`b`` \\<i\\>")
        #expect(Markdown.prose("` x ` and `|`", inTable: true) == #"`x` and `\|`"#)
        #expect(Markdown.paragraphs("one\ntwo\n\n<three>") == "one two\n\n\\<three\\>")
    }

    @Test("Prose pairs thousands of backtick runs in linear time")
    func proseIsLinear() {
        let hostile = String(repeating: "`a``b```c", count: 20_000)
        let output = Markdown.prose(hostile)
        #expect(output.count > hostile.count)
    }

    @Test("A fenced block cannot be closed by its content")
    func fencedBlocks() {
        #expect(Markdown.fenced("a\n```\n# b", info: "yaml", indent: "  ") == "  ````yaml\n  a\n  ```\n  # b\n  ````")
        #expect(Markdown.fenced("plain") == "```\nplain\n```")
        #expect(Markdown.fenced("x\u{1B}[31m") == "```\nx\u{FFFD}[31m\n```")
    }

    @Test("Link destinations are percent-encoded; only http(s) URLs become links")
    func links() {
        #expect(Markdown.destination("deploy/a b)(c.yaml") == "deploy/a%20b%29%28c.yaml")
        #expect(Markdown.destination("x\n\"<>é") == "x%0A%22%3C%3E%C3%A9")
        #expect(Markdown.link("https://istio.io/latest/") == "<https://istio.io/latest/>")
        #expect(Markdown.link("javascript:alert(1)") == "`javascript:alert(1)`")
        #expect(Markdown.link("https://x/<script>") == "`https://x/<script>`")
    }
}

/// What a GitHub runner would take for a workflow command in a line MeshLint prints.
@Suite("Text in CI logs")
struct InertInLogTests {
    @Test("No line starts with :: after white space, no ##[ anywhere; line feeds stay, other controls are visible")
    func workflowCommandsAreBroken() {
        #expect(UntrustedText.inertInLog("key \"x\n::stop-commands::tok\"") == "key \"x\n:\u{200B}:stop-commands::tok\"")
        #expect(UntrustedText.inertInLog("  \t::warning::x") == "  \t:\u{200B}:warning::x")
        #expect(UntrustedText.inertInLog("\u{2003}::error::x") == "\u{2003}:\u{200B}:error::x")
        #expect(UntrustedText.inertInLog("a::b and x##[error]y") == "a::b and x#\u{200B}#[error]y")
        // A carriage return would start a line for the runner: it is shown, not obeyed.
        #expect(UntrustedText.inertInLog("a\r::warning::x") == "a\u{FFFD}::warning::x")
        #expect(UntrustedText.inertInLog("\u{1B}[2Jplain") == "\u{FFFD}[2Jplain")
        #expect(UntrustedText.inertInLog("meshlint: fine: 1\n") == "meshlint: fine: 1\n")
        #expect(UntrustedText.inertInLog("\u{0B}::x\n\u{85}::y\n\u{A0}\u{3000}::z") == "\u{FFFD}::x\n\u{FFFD}::y\n\u{A0}\u{3000}:\u{200B}:z")
        #expect(UntrustedText.inertInLog("é ## [ x##") == "é ## [ x##")
        #expect(UntrustedText.inertInLog("a\u{9B}b\u{7F}") == "a\u{FFFD}b\u{FFFD}")
    }
}
