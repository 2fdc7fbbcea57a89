"""Layer 3: Chinese text in the PDF edition that can be searched and copied (used by :mod:`briefing.pdf`).

Chromium writes each font's ToUnicode map by inverting the font's own character map. Noto Sans CJK draws a Kangxi
radical (U+2F00-2FDF) or a CJK radical supplement character (U+2E80-2EFF) with the same glyph as the ideograph it
looks like (一 and ⼀, 门 and ⻔), and the inversion keeps the radical: the PDF shows 门 but its text says ⻔, so a
search for 闭门 finds nothing. The repair maps every radical back to its ideograph: by Unicode's compatibility
decomposition (NFKC) where there is one, else by the ideograph that shares the radical's glyph in the CJK font
(read with fontTools).

Three pieces, each tested on its own (``tests/kit/test_pdf_fonts.py``): :func:`radical_map` (font -> radical map),
:func:`repair_to_unicode` (one ToUnicode CMap, as text) and :func:`repair_fonts` (every font of a pypdf writer).
"""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata

RADICALS = range(0x2E80, 0x2FE0)
CJK_FONT = "Noto Sans CJK SC"  # the font the book's Chinese text is drawn with (fontconfig's name)


def unified(ch: str) -> bool:
    """A CJK unified ideograph (the basic block, extension A, or the supplementary planes)."""
    return len(ch) == 1 and (0x4E00 <= ord(ch) <= 0x9FFF or 0x3400 <= ord(ch) <= 0x4DBF
                             or 0x20000 <= ord(ch) <= 0x3FFFF)


def font_file(family: str = CJK_FONT) -> tuple[str, int] | None:
    """The file and face index fontconfig picks for ``family`` (None without fontconfig)."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}:%{index}", family], capture_output=True, text=True,
                               timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = found.rpartition(":")
    return (path, int(index or 0)) if path else None


def radical_map_from_cmap(cmap: dict[int, str]) -> dict[int, str]:
    """Radical code point -> the ideograph it stands for, given a font's character map (code point -> glyph
    name): NFKC first, else the first ideograph drawn with the radical's glyph."""
    out = {}
    for cp in RADICALS:
        n = unicodedata.normalize("NFKC", chr(cp))
        if unified(n):
            out[cp] = n
    by_glyph: dict[str, int] = {}
    for cp, glyph in sorted(cmap.items()):
        if unified(chr(cp)):
            by_glyph.setdefault(glyph, cp)
    for cp in RADICALS:
        if cp not in out and cmap.get(cp) in by_glyph:
            out[cp] = chr(by_glyph[cmap[cp]])
    return out


@functools.lru_cache(maxsize=1)
def radical_map() -> dict[int, str]:
    """The radical map for the CJK font of this machine (NFKC alone when the font cannot be read)."""
    from fontTools.ttLib import TTFont

    found, cmap = font_file(), {}
    if found:
        try:
            cmap = TTFont(found[0], fontNumber=found[1], lazy=True).getBestCmap() or {}
        except Exception:  # not an OpenType font fontTools can read: fall back to NFKC only
            cmap = {}
    return radical_map_from_cmap(cmap)


_HEX = r"<([0-9A-Fa-f]+)>"


def _utf16(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="surrogatepass")


def parse_to_unicode(cmap_text: str) -> dict[str, str]:
    """A ToUnicode CMap's mapping: source code (hex, as written) -> text (bfchar and bfrange entries)."""
    mapping: dict[str, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap_text, re.S):
        for src, dst in re.findall(_HEX + r"\s*" + _HEX, block):
            mapping[src.upper()] = _utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap_text, re.S):
        for lo, hi, rest in re.findall(_HEX + r"\s*" + _HEX + r"\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            width, a, b = len(lo), int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                dsts = [_utf16(h) for h in re.findall(_HEX, rest)]
            else:
                first = _utf16(rest[1:-1])
                dsts = [first[:-1] + chr(ord(first[-1]) + k) for k in range(b - a + 1)]
            for k, dst in enumerate(dsts[:b - a + 1]):
                mapping[f"{a + k:0{width}X}"] = dst
    return mapping


def repair_to_unicode(cmap_text: str, radicals: dict[int, str]) -> str | None:
    """A ToUnicode CMap with radicals mapped to their ideographs (rewritten as bfchar entries), or None when it
    needs no repair."""
    mapping = parse_to_unicode(cmap_text)
    if not any(ord(c) in radicals for dst in mapping.values() for c in dst):
        return None
    space = re.search(r"\d+\s+begincodespacerange.*?endcodespacerange", cmap_text, re.S)
    entries = [(src, "".join(radicals.get(ord(c), c) for c in dst)) for src, dst in sorted(mapping.items())]
    chunks = []
    for i in range(0, len(entries), 100):  # at most 100 entries per block (the CMap specification's limit)
        part = entries[i:i + 100]
        chunks.append(f"{len(part)} beginbfchar\n" + "\n".join(
            f"<{src}> <{dst.encode('utf-16-be', errors='surrogatepass').hex().upper()}>" for src, dst in part)
            + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            + (space.group(0) if space else "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange") + "\n"
            + "\n".join(chunks) + "\nendcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n")


def repair_fonts(writer, radicals: dict[int, str] | None = None) -> int:
    """Repair the ToUnicode map of every font of a pypdf ``PdfWriter`` (pages and the forms they draw); the
    number of maps repaired."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    radicals = radical_map() if radicals is None else radicals
    done, repaired = set(), 0

    def visit(resources):
        nonlocal repaired
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        for font in (resources.get("/Font") or {}).values():
            ref = getattr(font, "indirect_reference", None)
            font = font.get_object()
            key = id(font) if ref is None else (ref.idnum, ref.generation)
            if key in done or "/ToUnicode" not in font:
                continue
            done.add(key)
            new = repair_to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"), radicals)
            if new is not None:
                fixed = DecodedStreamObject()
                fixed.set_data(new.encode("latin-1"))
                font[NameObject("/ToUnicode")] = writer._add_object(fixed.flate_encode())
                repaired += 1
        for xobj in (resources.get("/XObject") or {}).values():
            x = xobj.get_object()
            if "/Resources" in x:
                visit(x["/Resources"])

    for page in writer.pages:
        visit(page.get("/Resources"))
    return repaired
