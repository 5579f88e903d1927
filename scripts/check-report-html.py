#!/usr/bin/env python3
"""Check a MeshLint HTML posture report (`meshlint report --format html`) for CI.

Usage: check-report-html.py REPORT.html [--png OUT.png] [--pdf OUT.pdf] [--chromium BIN]
       check-report-html.py --self-test [--png OUT.png] [--pdf OUT.pdf] [--chromium BIN]

Checks, each printed as one PASS/FAIL line (details indented under a FAIL):

  parse           html5lib.HTMLParser(strict=True): any parse error fails, printed as
                  line:col and html5lib's error code (all of them, from a second lenient parse).
  document        `<!DOCTYPE html>` first, `<html lang=...>`, a non-empty `<title>`,
                  `<meta charset="utf-8">`, and the bytes really are UTF-8.
  self-contained  no <script> (HTML or SVG), no on* event attributes, no iframe/object/embed/
                  frame/base/meta refresh, no <link rel=stylesheet> (nor other <link> that loads
                  something); href only `#fragment`, `mailto:` or `https://` (on <a>/<area>, or on a
                  <link> whose rel loads nothing, e.g. canonical);
                  src only `#fragment` or an inline `data:image/...`; no srcset/action/ping/...;
                  inline CSS (<style> and style=) has no @import and no url(...) but data: URLs.
  links           every href="#x" (and aria-labelledby/aria-describedby/for/headers reference)
                  names an existing id; ids are unique, non-empty and without whitespace.
  accessibility   every <table> has a <caption> (or aria-label/aria-labelledby), every <th> has
                  scope=row|col|rowgroup|colgroup, every <img> has alt.
  png / pdf       (with --png / --pdf) headless Chromium renders file://REPORT; it must exit 0
                  and write a non-empty file: a PNG whose signature, chunk CRCs and pixel data
                  decode (zlib, by hand: no PIL) and that is not a single colour; a PDF that
                  starts with %PDF-, ends with %%EOF and has at least one page.

--self-test runs the same checks on small built-in documents written to a temporary directory:
a good one must pass, and each bad one (missing id target, a script tag, a parse error, an
external stylesheet, a duplicate id, ...) must fail in the expected check with the expected
message and in no other check. It also round-trips hand-made PNGs through the decoder (all five
filter types; a single-colour image must fail). With --png/--pdf it renders the good document
to those paths and a blank page that the PNG check must reject.

Chromium: the `chromium` binary (Debian package `chromium`), or --chromium / $CHROMIUM.

Exit status: 0 every check passed, 1 a check failed, 2 usage error (bad arguments, unreadable
REPORT.html, html5lib not installed).
"""
import argparse
import os
import pathlib
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib

try:
    import html5lib
    from html5lib.constants import E as HTML5LIB_MESSAGES
    from html5lib.html5parser import ParseError
except ImportError:  # reported in main() as a usage error
    html5lib = None

WINDOW_SIZE = "1400,1000"
RENDER_TIMEOUT = 120  # seconds per Chromium run
MAX_DETAILS = 25  # detail lines printed per failed check

# Elements that embed or load another document or change where URLs resolve.
FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
# Attributes that make the browser fetch or send something and that a report never needs.
FORBIDDEN_URL_ATTRIBUTES = {"srcset", "action", "formaction", "poster", "background", "ping", "manifest", "data", "srcdoc", "imagesrcset", "lowsrc", "dynsrc", "codebase", "archive", "longdesc"}
# <link rel=...> values that do not load anything; any other rel on a <link> is refused.
INERT_LINK_RELS = {"alternate", "author", "bookmark", "canonical", "external", "help", "license", "next", "nofollow", "noopener", "noreferrer", "prev", "search", "tag"}
# Elements whose href is navigated to only when followed, so an https:// URL loads nothing.
NAVIGATION_ELEMENTS = {"a", "area"}
TH_SCOPES = {"row", "col", "rowgroup", "colgroup"}
IDREF_ATTRIBUTES = {"aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "for", "headers", "list", "form"}
ASCII_WHITESPACE = " \t\n\f\r"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------------------------
# Results


class Check:
    """One named check: PASS with a summary, or FAIL with its problems."""

    def __init__(self, name):
        self.name = name
        self.problems = []
        self.summary = ""
        self.skipped = False

    def fail(self, message):
        self.problems.append(message)

    @property
    def ok(self):
        return not self.problems

    def line(self):
        if self.skipped:
            return f"SKIP {self.name}: {self.summary}"
        if self.ok:
            return f"PASS {self.name}: {self.summary}"
        count = len(self.problems)
        head = f"FAIL {self.name}: {count} problem{'s' if count != 1 else ''}: {self.problems[0]}"
        rest = [f"    {p}" for p in self.problems[1:MAX_DETAILS]]
        if count > MAX_DETAILS:
            rest.append(f"    ... and {count - MAX_DETAILS} more")
        return "\n".join([head] + rest)


# --------------------------------------------------------------------------------------------
# Tree helpers (html5lib etree builder, namespaceHTMLElements=False: HTML tags are bare, SVG and
# MathML tags are "{namespace}local", foreign attributes such as xlink:href are "{ns}href").


def local_name(name):
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def elements(root):
    return [el for el in root.iter() if isinstance(el.tag, str)]


def is_html(el):
    return not el.tag.startswith("{")


def text_of(el):
    return "".join(el.itertext())


def describe(el):
    """A short, recognisable rendering of an element's start tag."""
    attrs = " ".join(f'{local_name(k)}="{v}"' for k, v in el.attrib.items())
    tag = local_name(el.tag)
    shown = f"<{tag}{' ' if attrs else ''}{attrs}>"
    return shown if len(shown) <= 100 else shown[:97] + "...>"


def attr(el, name):
    """The value of an attribute by local name (so xlink:href counts as href), or None."""
    for key, value in el.attrib.items():
        if local_name(key) == name:
            return value
    return None


# --------------------------------------------------------------------------------------------
# Static checks


def parse(raw):
    """Parse with html5lib in strict mode; return (tree, parse check)."""
    check = Check("parse")
    strict = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        tree = strict.parse(raw)
        check.summary = "html5lib (strict) found no parse errors"
        return tree, check
    except ParseError:
        pass
    # Strict mode stops at the first error; a lenient parse lists them all and gives a tree for
    # the other checks.
    lenient = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    tree = lenient.parse(raw)
    errors = lenient.errors or strict.errors
    for (line, col), code, datavars in errors:
        try:
            message = HTML5LIB_MESSAGES.get(code, code) % datavars
        except (TypeError, KeyError, ValueError):
            message = code
        check.fail(f"{line}:{col}: {code}: {message}")
    return tree, check


DOCTYPE_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<!doctype\s+html\s*>", re.IGNORECASE | re.DOTALL)


def check_document(raw, root):
    check = Check("document")
    if not DOCTYPE_RE.match(raw):
        check.fail("does not start with <!DOCTYPE html>")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        check.fail(f"not valid UTF-8 at byte {error.start}")
    lang = root.get("lang")
    if lang is None:
        check.fail("<html> has no lang attribute")
    elif not lang.strip():
        check.fail("<html lang> is empty")
    head = root.find("head")
    titles = [el for el in elements(root) if el.tag == "title"]
    if not titles:
        check.fail("no <title>")
    elif not text_of(titles[0]).strip():
        check.fail("<title> is empty")
    elif head is None or titles[0] not in list(head):
        check.fail("<title> is not in <head>")
    charsets = [el.get("charset") for el in elements(root) if el.tag == "meta" and el.get("charset") is not None]
    if not charsets:
        check.fail('no <meta charset="utf-8">')
    elif charsets[0].strip().lower() != "utf-8":
        check.fail(f'<meta charset="{charsets[0]}">, expected utf-8')
    elif len(charsets) > 1:
        check.fail(f"{len(charsets)} <meta charset> elements")
    # The report shows names from the input: a Content-Security-Policy must forbid every script
    # and load even if an escape is ever missed.
    policies = [el.get("content", "") for el in elements(root)
                if el.tag == "meta" and (el.get("http-equiv") or "").strip().lower() == "content-security-policy"]
    if not policies:
        check.fail("no <meta http-equiv=\"Content-Security-Policy\">")
    else:
        directives = {part.strip().split(" ")[0].lower(): part.strip() for part in policies[0].split(";") if part.strip()}
        if directives.get("default-src", "").lower() != "default-src 'none'":
            check.fail(f"Content-Security-Policy does not set default-src 'none': {policies[0][:120]}")
        for name in ("script-src", "script-src-elem", "script-src-attr", "connect-src", "frame-src"):
            if name in directives:
                check.fail(f"Content-Security-Policy allows {directives[name][:80]}")
    if check.ok:
        check.summary = f'<!DOCTYPE html>, lang="{lang}", title "{text_of(titles[0]).strip()[:60]}", utf-8, CSP default-src \'none\''
    return check


CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))""", re.IGNORECASE)
CSS_IMAGE_SET_RE = re.compile(r"""image-set\(([^)]*)\)""", re.IGNORECASE)
CSS_STRING_RE = re.compile(r""""([^"]*)"|'([^']*)'""")


def css_problems(css, where):
    problems = []
    css = CSS_COMMENT_RE.sub("", css)
    if re.search(r"@import\b", css, re.IGNORECASE):
        problems.append(f"{where}: @import")
    for match in CSS_URL_RE.finditer(css):
        url = next(g for g in match.groups() if g is not None).strip()
        if not url.lower().startswith("data:"):
            problems.append(f"{where}: url({url}) is not a data: URL")
    for match in CSS_IMAGE_SET_RE.finditer(css):
        for string in CSS_STRING_RE.finditer(match.group(1)):
            url = (string.group(1) if string.group(1) is not None else string.group(2)).strip()
            if not url.lower().startswith("data:"):
                problems.append(f'{where}: image-set("{url}") is not a data: URL')
    return problems


def url_problem(el, name, value):
    """Why the URL in attribute `name` of `el` is not allowed, or None."""
    tag = local_name(el.tag)
    url = value.strip(ASCII_WHITESPACE)
    lower = url.lower()
    if url.startswith("#"):
        return None
    if name == "href":
        if lower.startswith("mailto:"):
            return None
        if lower.startswith("https://") and len(url) > len("https://"):
            if tag in NAVIGATION_ELEMENTS:
                return None
            if tag == "link":
                return None  # judged by its rel in check_self_contained
            return f"{describe(el)}: https:// href on <{tag}> would be loaded; only <a>/<area> may link out"
        return f'{describe(el)}: href="{url[:80]}" is not #fragment, mailto: or https://'
    # src
    if lower.startswith("data:image/") and tag in {"img", "source", "input", "image"}:
        return None
    return f'{describe(el)}: src="{url[:80]}" is not #fragment or an inline data:image/ URL'


def check_self_contained(root):
    check = Check("self-contained")
    counts = {"styles": 0, "links": 0}
    for el in elements(root):
        tag = local_name(el.tag)
        if tag in FORBIDDEN_ELEMENTS:
            check.fail(f"{describe(el)} element")
        if tag == "meta" and (el.get("http-equiv") or "").strip().lower() == "refresh":
            check.fail(f"{describe(el)}: meta refresh")
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            if "stylesheet" in rels:
                check.fail(f"{describe(el)}: external stylesheet")
            elif rels - INERT_LINK_RELS or not rels:
                check.fail(f"{describe(el)}: <link rel=\"{el.get('rel') or ''}\"> loads an external resource")
        if tag == "style":
            counts["styles"] += 1
            check.problems.extend(css_problems(text_of(el), f"<style> #{counts['styles']}"))
        for key, value in el.attrib.items():
            name = local_name(key).lower()
            if name.startswith("on"):
                check.fail(f"{describe(el)}: event attribute {name}")
            elif name in ("href", "src"):
                counts["links"] += 1
                problem = url_problem(el, name, value)
                if problem:
                    check.fail(problem)
            elif name in FORBIDDEN_URL_ATTRIBUTES and not (name == "data" and not is_html(el)):
                check.fail(f"{describe(el)}: {name} attribute")
            elif name == "style":
                check.problems.extend(css_problems(value, f"{describe(el)} style"))
    if check.ok:
        check.summary = f"no scripts, event handlers or external loads ({counts['styles']} <style>, {counts['links']} href/src)"
    return check


def check_links(root):
    check = Check("links")
    ids = {}
    for el in elements(root):
        value = el.get("id")
        if value is None:
            continue
        if value == "":
            check.fail(f"{describe(el)}: empty id")
        elif any(c in ASCII_WHITESPACE for c in value):
            check.fail(f'{describe(el)}: id "{value}" contains whitespace')
        ids.setdefault(value, []).append(el)
    for value, holders in ids.items():
        if len(holders) > 1:
            check.fail(f'duplicate id "{value}" on {len(holders)} elements: ' + ", ".join(describe(h) for h in holders[:3]))
    fragments = 0
    for el in elements(root):
        href = attr(el, "href")
        if href is not None and href.strip(ASCII_WHITESPACE).startswith("#"):
            fragment = href.strip(ASCII_WHITESPACE)[1:]
            if fragment:
                fragments += 1
                if fragment not in ids and urllib.parse.unquote(fragment) not in ids:
                    check.fail(f'{describe(el)}: no element has id="{fragment}"')
        for name in IDREF_ATTRIBUTES:
            value = el.get(name)
            if value is None or (name == "for" and local_name(el.tag) != "label"):
                continue
            for ref in value.split():
                if ref not in ids:
                    check.fail(f'{describe(el)}: {name} names "{ref}", which no element has as id')
    if check.ok:
        check.summary = f"{fragments} #fragment links all resolve; {len(ids)} ids, all unique"
    return check


def check_accessibility(root):
    check = Check("accessibility")
    ids = {el.get("id") for el in elements(root) if el.get("id")}
    tables = ths = 0
    for el in elements(root):
        tag = el.tag
        if tag == "table":
            tables += 1
            captions = [child for child in el if child.tag == "caption"]
            label = (el.get("aria-label") or "").strip()
            labelledby = [ref for ref in (el.get("aria-labelledby") or "").split() if ref in ids]
            if captions and not text_of(captions[0]).strip():
                check.fail(f"{describe(el)}: empty <caption>")
            elif not captions and not label and not labelledby:
                check.fail(f"{describe(el)}: table has no <caption> and no aria-label")
        elif tag == "th":
            ths += 1
            scope = (el.get("scope") or "").strip().lower()
            if not scope:
                check.fail(f"{describe(el)} ({text_of(el).strip()[:40]!r}): <th> has no scope")
            elif scope not in TH_SCOPES:
                check.fail(f'{describe(el)}: scope="{scope}" is not row, col, rowgroup or colgroup')
        elif tag == "img" and el.get("alt") is None:
            check.fail(f"{describe(el)}: <img> has no alt")
    if check.ok:
        check.summary = f"{tables} tables captioned, {ths} <th> with scope"
    return check


def static_checks(path):
    """Run every static check on the file at `path`; return the list of Checks."""
    raw = pathlib.Path(path).read_bytes()
    root, parse_check = parse(raw)
    return [
        parse_check,
        check_document(raw, root),
        check_self_contained(root),
        check_links(root),
        check_accessibility(root),
    ]


# --------------------------------------------------------------------------------------------
# PNG decoding (zlib by hand)


class PngError(Exception):
    pass


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(filter_type, line, prev, bpp):
    out = bytearray(line)
    n = len(out)
    if filter_type == 0:
        pass
    elif filter_type == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xFF
    elif filter_type == 2:
        for i in range(n):
            out[i] = (out[i] + prev[i]) & 0xFF
    elif filter_type == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 0xFF
    elif filter_type == 4:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            upleft = prev[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + paeth(left, prev[i], upleft)) & 0xFF
    else:
        raise PngError(f"unknown filter type {filter_type}")
    return bytes(out)


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
COLOUR_NAMES = {0: "grey", 2: "RGB", 3: "palette", 4: "grey+alpha", 6: "RGBA"}


def png_inspect(data):
    """Decode a PNG; return (width, height, description, first differing pixel or None)."""
    if not data.startswith(PNG_SIGNATURE):
        raise PngError("no PNG signature")
    pos, chunks = len(PNG_SIGNATURE), []
    while pos < len(data):
        if pos + 8 > len(data):
            raise PngError("truncated chunk header")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc_bytes = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc_bytes) != 4:
            raise PngError(f"truncated {kind!r} chunk")
        if zlib.crc32(kind + body) != struct.unpack(">I", crc_bytes)[0]:
            raise PngError(f"bad CRC in {kind!r} chunk")
        chunks.append((kind, body))
        pos += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise PngError("chunks do not run IHDR ... IEND")
    width, height, depth, colour, compression, filter_method, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if width == 0 or height == 0:
        raise PngError(f"empty image {width}x{height}")
    if colour not in CHANNELS or compression != 0 or filter_method != 0:
        raise PngError(f"unsupported IHDR colour={colour} compression={compression} filter={filter_method}")
    description = f"{width}x{height} {COLOUR_NAMES[colour]} {depth}-bit"
    if interlace:
        raise PngError(f"{description}: interlaced PNGs are not decoded here")
    try:
        pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    except zlib.error as error:
        raise PngError(f"IDAT does not inflate: {error}") from None
    bits = CHANNELS[colour] * depth
    bpp = max(1, bits // 8)
    stride = (width * bits + 7) // 8
    if len(pixels) != height * (stride + 1):
        raise PngError(f"{description}: {len(pixels)} bytes of pixel data, expected {height * (stride + 1)}")
    prev = bytes(stride)
    first_pixel = None
    for y in range(height):
        start = y * (stride + 1)
        row = unfilter(pixels[start], pixels[start + 1:start + 1 + stride], prev, bpp)
        prev = row
        if bits >= 8:
            if first_pixel is None:
                first_pixel = row[:bpp]
            if row != first_pixel * width:
                x = next(i for i in range(width) if row[i * bpp:(i + 1) * bpp] != first_pixel)
                return width, height, description, (x, y)
        else:  # sub-byte pixels: compare whole rows (a single-colour image has identical bytes)
            if first_pixel is None:
                first_pixel = row
                if len(set(row[:-1])) > 1:
                    return width, height, description, (0, y)
            if row != first_pixel:
                return width, height, description, (0, y)
    return width, height, description, None


def png_encode(width, height, pixel, filters=(0, 1, 2, 3, 4)):
    """A minimal RGB PNG encoder for the self-test: pixel(x, y) -> (r, g, b)."""
    rows, prev, bpp = [], bytes(width * 3), 3
    for y in range(height):
        row = bytes(c for x in range(width) for c in pixel(x, y))
        ft = filters[y % len(filters)]
        out = bytearray()
        for i in range(len(row)):
            left = row[i - bpp] if i >= bpp else 0
            upleft = prev[i - bpp] if i >= bpp else 0
            predictor = [0, left, prev[i], (left + prev[i]) >> 1, paeth(left, prev[i], upleft)][ft]
            out.append((row[i] - predictor) & 0xFF)
        rows.append(bytes([ft]) + bytes(out))
        prev = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def read_output(path, check):
    """The bytes of a rendered file, or None (with the check failed) when it is missing or empty."""
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError as error:
        check.fail(f"cannot read {path}: {error.strerror}")
        return None
    if not data:
        check.fail(f"{path} is empty")
        return None
    return data


def check_png_file(path, check):
    data = read_output(path, check)
    if data is None:
        return
    try:
        width, height, description, differs = png_inspect(data)
    except PngError as error:
        check.fail(f"{path}: {error}")
        return
    if differs is None:
        check.fail(f"{path}: {description}, every pixel is the same colour (blank render)")
        return
    check.summary = f"{path}: {description}, {len(data)} bytes, not a single colour (pixel {differs[0]},{differs[1]} differs)"


def check_pdf_file(path, check):
    data = read_output(path, check)
    if data is None:
        return
    if not data.startswith(b"%PDF-"):
        check.fail(f"{path} does not start with %PDF- (starts {data[:8]!r})")
        return
    if b"%%EOF" not in data[-1024:]:
        check.fail(f"{path} has no %%EOF trailer (truncated?)")
        return
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    if pages < 1:
        check.fail(f"{path} has no /Type /Page object")
        return
    version = data[5:8].decode("ascii", "replace")
    check.summary = f"{path}: PDF {version}, {pages} page{'s' if pages != 1 else ''}, {len(data)} bytes"


# --------------------------------------------------------------------------------------------
# Rendering with headless Chromium


def chromium_binary(requested):
    """--chromium, else $CHROMIUM, else chromium on PATH; an explicit choice is never replaced."""
    explicit = requested or os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(binary, output_flags, report_path):
    """Run one headless Chromium render; return (exit code or None on timeout, seconds, stderr tail)."""
    with tempfile.TemporaryDirectory(prefix="check-report-html-chromium-") as profile:
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            *output_flags,
            pathlib.Path(report_path).resolve().as_uri(),
        ]
        started = time.monotonic()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=RENDER_TIMEOUT)
            code = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the process group this call started
            output, _ = process.communicate()
            code = None
        elapsed = time.monotonic() - started
    tail = [line for line in output.decode("utf-8", "replace").splitlines() if line.strip()][-12:]
    return code, elapsed, tail, command


def render(kind, report_path, out_path, chromium):
    """Render report_path to out_path (kind 'png' or 'pdf') and check the result."""
    check = Check(kind)
    binary = chromium_binary(chromium)
    if binary is None:
        check.fail(f"chromium not found: {chromium or os.environ.get('CHROMIUM') or 'chromium'} (apt-get install chromium, or set --chromium / $CHROMIUM)")
        return check
    out_path = os.path.abspath(out_path)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    if os.path.exists(out_path):
        os.remove(out_path)  # so a stale file from an earlier run cannot pass
    if kind == "png":
        flags = [f"--screenshot={out_path}", f"--window-size={WINDOW_SIZE}"]
    else:
        flags = [f"--print-to-pdf={out_path}", "--no-pdf-header-footer"]
    code, elapsed, tail, command = run_chromium(binary, flags, report_path)
    if code != 0:
        what = f"timed out after {RENDER_TIMEOUT}s" if code is None else f"exited {code}"
        check.fail(f"chromium {what}: {' '.join(command)}")
        check.problems.extend(f"chromium: {line}" for line in tail)
        return check
    if not os.path.exists(out_path):
        check.fail(f"chromium exited 0 but wrote no {out_path}")
        check.problems.extend(f"chromium: {line}" for line in tail)
        return check
    (check_png_file if kind == "png" else check_pdf_file)(out_path, check)
    check.summary += f"; rendered in {elapsed:.1f}s"
    return check


# --------------------------------------------------------------------------------------------
# Running


def run_all(report, png=None, pdf=None, chromium=None, quiet=False):
    checks = static_checks(report)
    if png:
        checks.append(render("png", report, png, chromium))
    if pdf:
        checks.append(render("pdf", report, pdf, chromium))
    if not quiet:
        for check in checks:
            print(check.line())
    return checks


GOOD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>MeshLint posture report: self-test</title>
<style>
  body { font-family: sans-serif; margin: 2rem; color: #1b1f24; }
  header { background: #0b3d91; color: #fff; padding: 1rem; }
  .badge { background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"); }
  th, td { border: 1px solid #999; padding: .3rem .6rem; }
</style>
<!--EXTRA-HEAD-->
</head>
<body>
<header><h1>Posture report</h1><p>2 findings &middot; <a href="#evidence">evidence</a></p></header>
<nav><a href="#summary">Summary</a> <a href="#evidence">Evidence</a>
  <a href="https://example.com/docs">Docs</a> <a href="mailto:security@example.com">Contact</a></nav>
<table id="summary">
  <caption>Findings by rule</caption>
  <thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Evidence</th></tr></thead>
  <tbody>
    <tr><th scope="row">ML001</th><td>error</td><td><a href="#ev-1">ev-1</a></td></tr>
    <tr><th scope="row">ML002</th><td>warning</td><td><a href="#ev-2">ev-2</a></td></tr>
  </tbody>
</table>
<section id="evidence" aria-labelledby="evidence-h">
  <h2 id="evidence-h">Evidence</h2>
  <p id="ev-1" class="badge">ledger.yaml:12 allows any namespace</p>
  <p id="ev-2">access.yaml:4 has no default deny</p>
  <svg width="20" height="20" role="img" aria-label="ok"><circle cx="10" cy="10" r="8" fill="#2a2"/></svg>
  <img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==">
</section>
<!--EXTRA-BODY-->
</body>
</html>
"""

# name: (replace this, with this, the check that must fail, text its problems must contain)
BAD_CASES = {
    "missing-id-target": ("<!--EXTRA-BODY-->", '<p><a href="#nowhere">dangling</a></p>', {"links"}, 'no element has id="nowhere"'),
    "script-tag": ("<!--EXTRA-BODY-->", "<script>alert(1)</script>", {"self-contained"}, "<script> element"),
    "parse-error": ("<!--EXTRA-BODY-->", "<p>stray end tag</span></p>", {"parse"}, "unexpected-end-tag"),
    "external-stylesheet": ("<!--EXTRA-HEAD-->", '<link rel="stylesheet" href="https://cdn.example.com/report.css">', {"self-contained"}, "external stylesheet"),
    "duplicate-id": ("<!--EXTRA-BODY-->", '<p id="ev-1">again</p>', {"links"}, 'duplicate id "ev-1"'),
    "event-attribute": ("<!--EXTRA-BODY-->", '<p onclick="x()">click</p>', {"self-contained"}, "event attribute onclick"),
    "relative-href": ("<!--EXTRA-BODY-->", '<a href="other.html">other</a>', {"self-contained"}, 'href="other.html" is not'),
    "http-href": ("<!--EXTRA-BODY-->", '<a href="http://example.com/">plain http</a>', {"self-contained"}, 'href="http://example.com/" is not'),
    "external-img": ("<!--EXTRA-BODY-->", '<img alt="logo" src="https://example.com/logo.png">', {"self-contained"}, 'src="https://example.com/logo.png" is not'),
    "css-url": ("<!--EXTRA-HEAD-->", "<style>h1 { background: url(https://example.com/bg.png); }</style>", {"self-contained"}, "url(https://example.com/bg.png) is not a data: URL"),
    "css-import": ("<!--EXTRA-HEAD-->", '<style>@import "other.css";</style>', {"self-contained"}, "@import"),
    "svg-script": ("<!--EXTRA-BODY-->", "<svg><script>alert(1)</script></svg>", {"self-contained"}, "<script> element"),
    "table-without-caption": ("<!--EXTRA-BODY-->", '<table><tr><th scope="col">a</th></tr></table>', {"accessibility"}, "no <caption>"),
    "th-without-scope": ("<!--EXTRA-BODY-->", '<table aria-label="t"><tr><th>a</th></tr></table>', {"accessibility"}, "<th> has no scope"),
    "missing-doctype": ("<!DOCTYPE html>\n", "", {"parse", "document"}, "does not start with <!DOCTYPE html>"),
    "missing-lang": ('<html lang="en">', "<html>", {"document"}, "no lang attribute"),
    "missing-title": ("<title>MeshLint posture report: self-test</title>", "", {"document"}, "no <title>"),
    "wrong-charset": ('<meta charset="utf-8">', '<meta charset="iso-8859-1">', {"document"}, "expected utf-8"),
    "missing-csp": ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">', "",
                    {"document"}, "no <meta http-equiv"),
    "csp-allows-scripts": ("default-src 'none'; style-src", "default-src 'none'; script-src 'unsafe-inline'; style-src",
                           {"document"}, "Content-Security-Policy allows script-src"),
}

BLANK = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
         'content="default-src \'none\'"><title>blank</title></head><body></body></html>\n')


def self_test(png=None, pdf=None, chromium=None):
    failures = []
    cases = 0

    def expect(condition, message):
        nonlocal cases
        cases += 1
        print(f"self-test: {'ok  ' if condition else 'FAIL'} {message}")
        if not condition:
            failures.append(message)

    with tempfile.TemporaryDirectory(prefix="check-report-html-selftest-") as tmp:
        good = os.path.join(tmp, "good.html")
        pathlib.Path(good).write_text(GOOD, encoding="utf-8")
        checks = run_all(good, quiet=True)
        bad_checks = [c for c in checks if not c.ok]
        expect(not bad_checks, "good document passes every static check" + "".join(f"\n    {c.line()}" for c in bad_checks))

        for name, (old, new, must_fail, text) in BAD_CASES.items():
            assert old in GOOD, name
            path = os.path.join(tmp, f"{name}.html")
            pathlib.Path(path).write_text(GOOD.replace(old, new, 1), encoding="utf-8")
            checks = run_all(path, quiet=True)
            failed = {c.name for c in checks if not c.ok}
            messages = [p for c in checks for p in c.problems]
            right = failed == must_fail and any(text in m for m in messages)
            detail = "" if right else "".join(f"\n    {c.line()}" for c in checks if not c.ok) or "\n    (every check passed)"
            expect(right, f"bad/{name} fails {'+'.join(sorted(must_fail))} ({text}){detail}")

        # The PNG decoder: every filter type round-trips; one colour is refused, two are not.
        def two_colour(x, y):
            return (255, 255, 255) if (x, y) != (5, 3) else (200, 10, 10)

        for filters in [(0,), (1,), (2,), (3,), (4,), (0, 1, 2, 3, 4)]:
            result = png_inspect(png_encode(9, 6, two_colour, filters))
            expect(result[3] == (5, 3), f"PNG decoder finds the one odd pixel with filters {filters} (got {result[3]})")
        expect(png_inspect(png_encode(9, 6, lambda x, y: (240, 240, 240)))[3] is None, "PNG decoder reports a single-colour image as such")
        png_check = Check("png")
        blank_png = os.path.join(tmp, "blank.png")
        pathlib.Path(blank_png).write_bytes(png_encode(4, 4, lambda x, y: (255, 255, 255)))
        check_png_file(blank_png, png_check)
        expect(not png_check.ok and "same colour" in png_check.problems[0], "PNG check fails a single-colour PNG")
        corrupt = bytearray(png_encode(4, 4, two_colour))
        corrupt[40] ^= 0xFF
        pathlib.Path(blank_png).write_bytes(bytes(corrupt))
        png_check = Check("png")
        check_png_file(blank_png, png_check)
        expect(not png_check.ok and "bad CRC" in png_check.problems[0], "PNG check fails a corrupted PNG (bad CRC)")
        pdf_check = Check("pdf")
        not_pdf = os.path.join(tmp, "not.pdf")
        pathlib.Path(not_pdf).write_bytes(b"<html>not a pdf</html>")
        check_pdf_file(not_pdf, pdf_check)
        expect(not pdf_check.ok and "%PDF-" in pdf_check.problems[0], "PDF check fails a file that is not a PDF")

        if png or pdf:
            checks = run_all(good, png=png, pdf=pdf, chromium=chromium, quiet=True)
            for check in checks[5:]:
                expect(check.ok, f"good document renders: {check.line()}")
        if png:
            blank = os.path.join(tmp, "blank.html")
            pathlib.Path(blank).write_text(BLANK, encoding="utf-8")
            check = render("png", blank, os.path.join(tmp, "blank-render.png"), chromium)
            expect(not check.ok and "same colour" in check.problems[0], f"blank page render fails the png check: {check.line()}")

    if failures:
        print(f"self-test FAILED: {len(failures)} of {cases} cases did not behave as expected")
        return 1
    print(f"self-test OK: all {cases} cases behaved as expected (bad documents failed for the expected reason)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Check a MeshLint HTML report: parse errors, self-containedness, links, accessibility; optionally render it with headless Chromium.",
    )
    parser.add_argument("report", nargs="?", help="the HTML report to check")
    parser.add_argument("--png", metavar="OUT.png", help="render a 1400x1000 screenshot here and check it")
    parser.add_argument("--pdf", metavar="OUT.pdf", help="print to PDF here and check it")
    parser.add_argument("--chromium", metavar="BIN", help="Chromium binary (default: $CHROMIUM, then chromium)")
    parser.add_argument("--self-test", action="store_true", help="check the checker on built-in good and bad documents")
    args = parser.parse_args(argv)
    if args.self_test == bool(args.report):
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: give exactly one of REPORT.html or --self-test", file=sys.stderr)
        return 2
    if html5lib is None:
        print(f"{parser.prog}: error: html5lib is not installed (pip install html5lib)", file=sys.stderr)
        return 2
    if args.self_test:
        return self_test(args.png, args.pdf, args.chromium)
    if not os.path.isfile(args.report) or not os.access(args.report, os.R_OK):
        print(f"{parser.prog}: error: cannot read {args.report}", file=sys.stderr)
        return 2
    checks = run_all(args.report, args.png, args.pdf, args.chromium)
    failed = [c.name for c in checks if not c.ok]
    if failed:
        print(f"{args.report}: FAILED {', '.join(failed)}")
        return 1
    print(f"{args.report}: all {len(checks)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
