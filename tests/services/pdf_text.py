"""Just enough PDF reading to test the handout offline: objects, page count, embedded fonts and
the text, decoded through each font's ToUnicode map (fpdf2 writes glyph ids, not characters)."""

import re
import zlib
from dataclasses import dataclass

_OBJ = re.compile(rb"(\d+) 0 obj\n(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\n(.*?)\nendstream", re.S)
# In a content stream: a font selection, a literal string, or the end of a text line.
_TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)|\bET\b", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass
class Pdf:
    objects: dict[int, bytes]
    pages: int
    fonts: list[str]  # BaseFont names of the embedded (FontFile2) fonts
    text: str


def _stream(body: bytes) -> bytes:
    m = _STREAM.search(body)
    assert m is not None, body[:80]
    return zlib.decompress(m.group(1)) if b"/FlateDecode" in body else m.group(1)


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c == b"\\":
            nxt = raw[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
        else:
            out += c
            i += 1
    return bytes(out)


def _cmap(data: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(start + n)
    return table


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:8]
    assert data.rstrip().endswith(b"%%EOF")
    assert b"trailer" in data and b"startxref" in data
    objects = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}
    pages = [n for n, body in objects.items() if re.search(rb"/Type /Page\n", body)]
    count = re.search(rb"/Count (\d+)", next(b for b in objects.values() if b"/Type /Pages" in b))
    assert count is not None and int(count.group(1)) == len(pages)
    fonts = [
        m.group(1).decode()
        for body in objects.values()
        if b"/FontFile2" in body
        for m in [re.search(rb"/FontName /([^\s/]+)", body)]
        if m
    ]
    lines: list[str] = []
    for n in sorted(pages):
        page = objects[n]
        res_ref = re.search(rb"/Resources (\d+) 0 R", page)
        resources = objects[int(res_ref.group(1))] if res_ref else page
        maps = {}
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", resources):
            font = objects[int(ref)]
            uni = re.search(rb"/ToUnicode (\d+) 0 R", font)
            maps[name] = _cmap(_stream(objects[int(uni.group(1))])) if uni else {}
        content = re.search(rb"/Contents (\d+) 0 R", page)
        assert content is not None
        current: dict[int, str] = {}
        line = ""
        for m in _TOKEN.finditer(_stream(objects[int(content.group(1))])):
            if m.group(1):
                current = maps[m.group(1)]
            elif m.group(2) is not None:
                raw = _unescape(m.group(2))
                line += "".join(
                    current.get(int.from_bytes(raw[i : i + 2]), "?") for i in range(0, len(raw), 2)
                )
            elif line:
                lines.append(line)
                line = ""
    return Pdf(objects, len(pages), fonts, "\n".join(lines))


def flat(text: str) -> str:
    """Text with line breaks made spaces, so a sentence wrapped over two lines is found whole."""
    return " ".join(text.split())
