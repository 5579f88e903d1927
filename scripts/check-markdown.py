#!/usr/bin/env python3
"""Checks that Markdown MeshLint wrote from hostile input says only what MeshLint meant to say.

Parsed as GitHub parses it (CommonMark with tables and strike-through, by markdown-it-py), a
document passes when it has:
  - no raw HTML (no comment that hides what follows, no <img>, no <details>) but, with
    --allow-anchors, the report's own `<a id="...">` anchors whose ids are a safe encoding,
  - no image, and no link other than a relative one (or an https reference, with --allow-https),
  - only the headings given by --heading (regular expressions, matched against the whole text),
  - no mention (@user, @org/team) or issue reference (#123) in rendered text outside code,
  - exactly --items list items whose text starts with a severity, when --items is given.

usage: check-markdown.py FILE [--heading REGEX]... [--items N] [--allow-https] [--allow-anchors]
       check-markdown.py --self-test
"""
import argparse
import re
import sys

from markdown_it import MarkdownIt

MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]|(?<![\w&])#[0-9]")
SEVERITY_ITEM = re.compile(r"^(error|warning|note) ")
ANCHOR = re.compile(r'<a id="[A-Za-z0-9_.-]+">|</a>')


def parser():
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def problems(text, headings, items=None, allow_https=False, allow_anchors=False):
    found = []
    tokens = parser().parse(text)
    severity_items = 0
    for index, token in enumerate(tokens):
        if token.type == "html_block" and not (allow_anchors and ANCHOR.fullmatch(token.content.strip())):
            found.append(f"line {token.map[0] + 1}: raw HTML block {token.content.strip()[:60]!r}")
        if token.type == "heading_open":
            title = tokens[index + 1].content
            plain = "".join(child.content for child in tokens[index + 1].children or [])
            if not any(re.fullmatch(pattern, plain) for pattern in headings):
                found.append(f"line {token.map[0] + 1}: unexpected heading {title!r}")
        if token.type == "list_item_open" and index + 2 < len(tokens) and tokens[index + 2].type == "inline":
            rendered = "".join(child.content for child in tokens[index + 2].children or [])
            if SEVERITY_ITEM.match(rendered):
                severity_items += 1
        if token.type != "inline":
            continue
        line = token.map[0] + 1 if token.map else "?"
        for child in token.children or []:
            if child.type == "html_inline" and not (allow_anchors and ANCHOR.fullmatch(child.content)):
                found.append(f"line {line}: raw HTML {child.content[:60]!r}")
            elif child.type == "image":
                found.append(f"line {line}: image {child.attrs.get('src')!r}")
            elif child.type == "link_open":
                href = child.attrs.get("href", "")
                external = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//", href)
                if external and not (allow_https and href.startswith("https://")):
                    found.append(f"line {line}: link to {href!r}")
            elif child.type == "text" and MENTION.search(child.content):
                found.append(f"line {line}: mention or reference in {child.content[:60]!r}")
    if items is not None and severity_items != items:
        found.append(f"{severity_items} findings listed, {items} expected")
    return found


def self_test():
    ours = [r"MeshLint", r"Findings"]
    cases = {
        "clean": ("## MeshLint\n\n### Findings\n\n- **error** [`a.yaml:3`](a.yaml#L3) `r`: x\n", 1, []),
        "forged-heading": ("## MeshLint\n\n# ✅ MeshLint: no findings\n", None, ["unexpected heading"]),
        "hidden-by-comment": ("## MeshLint\n\n<!--\n- **error** x\n", None, ["raw HTML block"]),
        "image": ("x ![a](https://e/x.png)\n", None, ["image"]),
        "inline-html": ("x <img src=x>\n", None, ["raw HTML"]),
        "external-link": ("[x](https://evil.example)\n", None, ["link to"]),
        "mention": ("ping @org/team\n", None, ["mention"]),
        "issue-reference": ("see #123\n", None, ["mention"]),
        "mention-in-code-is-fine": ("`@org/team` and `#1`\n", None, []),
        "anchor-not-allowed": ('<a id="x"></a>\n', None, ["raw HTML"]),
        "missing-item": ("- **error** a\n", 2, ["1 findings listed, 2 expected"]),
    }
    failures = 0
    for name, (text, items, expected) in cases.items():
        got = problems(text, ours, items)
        ok = all(any(fragment in problem for problem in got) for fragment in expected) and (bool(got) == bool(expected))
        print(f"check-markdown self-test {name}: {'ok' if ok else 'WRONG'} {got}")
        failures += not ok
    return 1 if failures else 0


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("file", nargs="?")
    arguments.add_argument("--heading", action="append", default=[])
    arguments.add_argument("--items", type=int)
    arguments.add_argument("--allow-https", action="store_true")
    arguments.add_argument("--allow-anchors", action="store_true")
    arguments.add_argument("--self-test", action="store_true")
    options = arguments.parse_args()
    if options.self_test:
        return self_test()
    text = open(options.file, encoding="utf-8").read()
    found = problems(text, options.heading, options.items, options.allow_https, options.allow_anchors)
    for problem in found:
        print(f"{options.file}: {problem}")
    if not found:
        print(f"check-markdown: {options.file}: ok")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
