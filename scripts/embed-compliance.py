#!/usr/bin/env python3
"""Embeds rules.d/compliance.yaml into the meshlint binary (Sources/Posture/DefaultComplianceMapping.swift),
so the report has the shipped mapping wherever it runs. Run after editing the YAML; a test fails
when the two differ."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "rules.d/compliance.yaml").read_text(encoding="utf-8")
assert '"""#' not in text, "the mapping may not contain a raw-string terminator"
(root / "Sources/Posture/DefaultComplianceMapping.swift").write_text(
    "// Generated from rules.d/compliance.yaml by scripts/embed-compliance.py; do not edit.\n"
    "// The tests check that the two are the same.\n\n"
    "enum DefaultComplianceMapping {\n"
    '    static let yaml = #"""\n' + text + '\n"""#\n}\n',
    encoding="utf-8")
