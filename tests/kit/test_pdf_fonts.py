"""The PDF edition's font repair (``briefing.pdf_fonts``): radicals back to ideographs in ToUnicode maps.

No browser and no build: the maps are written here; the font is the machine's CJK font when there is one.
"""

from __future__ import annotations

import io

import pytest

from briefing import pdf_fonts

MEN, MEN_RADICAL = "门", "\u2ed4"      # ⻔ CJK radical supplement: no NFKC decomposition; Noto draws it as 门
ONE, ONE_RADICAL = "一", "\u2f00"      # ⼀ Kangxi radical one: NFKC gives 一


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _cmap(body: str) -> str:
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body +
            "\nendcmap\nend\nend\n")


def test_radical_map_from_a_cmap_uses_nfkc_then_the_shared_glyph():
    cmap = {ord(MEN): "cid1", ord(MEN_RADICAL): "cid1", ord(ONE): "cid2", 0x2F08: "cid3"}
    radicals = pdf_fonts.radical_map_from_cmap(cmap)
    assert radicals[ord(ONE_RADICAL)] == ONE          # NFKC
    assert radicals[ord(MEN_RADICAL)] == MEN          # same glyph as 门
    assert 0x2E81 not in radicals                     # neither: left alone


def test_radical_map_of_this_machine_covers_both_kinds():
    radicals = pdf_fonts.radical_map()
    assert radicals[ord(ONE_RADICAL)] == ONE
    if pdf_fonts.font_file() is None:
        pytest.skip("no fontconfig CJK font on this machine")
    assert radicals.get(ord(MEN_RADICAL)) == MEN, "the CJK font's shared glyph was not read"


def test_parse_reads_bfchar_and_both_kinds_of_bfrange():
    text = _cmap(f"2 beginbfchar\n<0003> <{_hex('A')}>\n<0004> <{_hex(MEN_RADICAL)}>\nendbfchar\n"
                 f"2 beginbfrange\n<0010> <0012> <{_hex('a')}>\n<0020> <0021> [<{_hex('x')}> <{_hex('yz')}>]\n"
                 "endbfrange")
    assert pdf_fonts.parse_to_unicode(text) == {
        "0003": "A", "0004": MEN_RADICAL, "0010": "a", "0011": "b", "0012": "c", "0020": "x", "0021": "yz"}


def test_repair_rewrites_radicals_and_keeps_everything_else():
    radicals = {ord(MEN_RADICAL): MEN}
    text = _cmap(f"2 beginbfchar\n<0003> <{_hex('A')}>\n<0004> <{_hex(MEN_RADICAL)}>\nendbfchar\n"
                 f"1 beginbfrange\n<0010> <0011> <{_hex('a')}>\nendbfrange")
    fixed = pdf_fonts.repair_to_unicode(text, radicals)
    assert fixed is not None
    assert pdf_fonts.parse_to_unicode(fixed) == {"0003": "A", "0004": MEN, "0010": "a", "0011": "b"}
    assert "<0000> <FFFF>" in fixed  # the code space is kept


def test_repair_leaves_a_clean_map_alone_and_splits_long_maps():
    assert pdf_fonts.repair_to_unicode(_cmap(f"1 beginbfchar\n<0003> <{_hex(MEN)}>\nendbfchar"), {0x2ED4: MEN}) \
        is None
    body = "1 beginbfrange\n<0000> <00FF> <4E00>\nendbfrange\n" + \
        f"1 beginbfchar\n<0100> <{_hex(MEN_RADICAL)}>\nendbfchar"
    fixed = pdf_fonts.repair_to_unicode(_cmap(body), {ord(MEN_RADICAL): MEN})
    assert fixed.count("beginbfchar") == 3 and "100 beginbfchar" in fixed and "57 beginbfchar" in fixed


def test_repair_fonts_rewrites_the_map_in_a_pdf():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(_cmap(f"1 beginbfchar\n<0004> <{_hex(MEN_RADICAL)}>\nendbfchar").encode("latin-1"))
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
                             NameObject("/ToUnicode"): writer._add_object(stream)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    assert pdf_fonts.repair_fonts(writer, {ord(MEN_RADICAL): MEN}) == 1
    out = io.BytesIO()
    writer.write(out)
    again = PdfReader(io.BytesIO(out.getvalue())).pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    assert pdf_fonts.parse_to_unicode(again["/ToUnicode"].get_object().get_data().decode("latin-1")) == {"0004": MEN}
