import hashlib
import json

from briefing import article
from briefing.paths import ARTICLE, DATA


# The SHA-256 of the article as scraped (the seed file the project started from). Paragraph ids are positional,
# so the article must never change: not a byte, not a line ending.
SEED_SHA256 = "650c37d1c2c7248e1e54bfbb05d07146ec90516d395b0a1939552f40679d592e"


def test_article_is_the_seed_byte_for_byte_and_its_hash_is_recorded():
    assert hashlib.sha256(ARTICLE.read_bytes()).hexdigest() == SEED_SHA256
    assert article.sha256() == SEED_SHA256
    pkg = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in pkg["resources"] if r["name"] == "article")
    assert res["hash"] == "sha256:" + SEED_SHA256


def test_every_non_empty_line_gets_a_stable_id_and_a_kind():
    paras = article.paragraphs()
    lines = [line.strip() for line in ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert [p.text for p in paras] == lines
    assert [p.id for p in paras] == [f"p{i:02d}" for i in range(1, len(lines) + 1)]
    kinds = {p.kind for p in paras}
    assert kinds == set(article.KINDS)


def test_classification_of_known_lines():
    by_id = article.paragraph_map()
    assert by_id["p03"].kind == "image_caption"
    assert by_id["p07"].kind == "heading" and by_id["p07"].heading_section == "us_russia_thaw"
    assert by_id["p46"].kind == "heading" and by_id["p46"].heading_section == "china_ties"
    assert by_id["p67"].kind == "source_list_heading"
    assert [by_id[f"p{i}"].kind for i in range(68, 72)] == ["cited_source"] * 4
    assert {by_id[f"p{i}"].kind for i in range(72, 76)} == {"ad_artifact"}
    assert sum(p.kind == "heading" for p in by_id.values()) == 5


def test_paragraph_table_matches_the_article(tmp_path):
    fresh = tmp_path / "paragraphs.csv"
    article.write_table(fresh)
    assert fresh.read_bytes() == (DATA / "article_paragraphs.csv").read_bytes()


def test_non_utf8_article_is_rejected_with_file_and_rule(tmp_path):
    bad = tmp_path / "a.txt"
    bad.write_bytes("美俄\n".encode("gbk"))
    try:
        article.paragraphs(bad)
    except ValueError as err:
        assert "a.txt" in str(err) and "UTF-8" in str(err)
    else:
        raise AssertionError("a GBK file was accepted")
