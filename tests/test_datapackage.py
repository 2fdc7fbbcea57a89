"""The data package validates; each rule of the loader fails with file, row/id, field and rule."""

import json
import subprocess
import sys

import pytest

from briefing.datapackage import DataError, Package, load
from briefing.paths import DATA, ROOT

from csvedit import edit_csv


def test_whole_package_is_valid_for_our_loader():
    counts = Package().validate()
    assert counts["claims"] > 0 and counts["sources"] > 0
    assert set(counts) == {r["name"] for r in Package().descriptor["resources"] if "schema" in r}


def test_whole_package_is_valid_for_frictionless():
    from frictionless import Package as FPackage

    report = FPackage(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_csv_under_data_is_described():
    described = {r["path"] for r in Package().descriptor["resources"]}
    on_disk = {str(p.relative_to(DATA)) for p in DATA.rglob("*.csv")}
    assert on_disk <= described


def test_every_dataset_row_names_a_source():
    pkg = Package()
    for name, res in pkg.resources.items():
        fields = [f["name"] for f in res.get("schema", {}).get("fields", [])]
        if name in ("sources", "claims", "claim_sources", "article_paragraphs", "article_inconsistencies",
                    "claim_links", "second_readings", "watch_indicators") or not fields:
            continue
        assert "source_id" in fields, name
        assert load(name)["source_id"].notna().all(), name


def test_typed_frames():
    trade = load("china_dprk_trade")
    assert str(trade["year"].dtype) == "Int64"
    assert str(trade["total_usd_million"].dtype) == "Float64"
    assert str(load("msmt_membership")["msmt_member"].dtype) == "boolean"


def _fails(pkg_path, *parts):
    with pytest.raises(DataError) as info:
        Package(pkg_path).validate()
    message = str(info.value)
    for part in parts:
        assert part in message, message
    return message


# One cell broken on purpose: the loader fails, naming the file, the row or id, the field and the rule.
@pytest.mark.parametrize("file, row, field, value, key, parts", [
    pytest.param("claims.csv", "c005", "claim_en", "", "id",
                 ["claims.csv", "row 5", "c005", "'claim_en'", "required"], id="missing_required_field"),
    pytest.param("claims.csv", "c012", "verdict", "maybe", "id",
                 ["claims.csv", "c012", "'verdict'", "enum", "maybe"], id="unknown_enum_value"),
    pytest.param("claim_sources.csv", "c002", "source_id", "s-nowhere", "claim_id",
                 ["claim_sources.csv", "'source_id'", "foreign key", "s-nowhere"], id="dangling_foreign_key"),
    pytest.param("trilateral_events.csv", "t-01", "source_id", "s-nowhere;s-also-missing", "id",
                 ["trilateral_events.csv", "t-01", "'source_id'", "foreign key", "s-nowhere"],
                 id="dangling_list_reference"),
    pytest.param("claims.csv", "c001", "paragraph", "p99", "id",
                 ["claims.csv", "c001", "'paragraph'", "foreign key"], id="dangling_paragraph"),
    pytest.param("claims.csv", "c003", "id", "c002", "id",
                 ["claims.csv", "c002", "'id'", "unique"], id="duplicate_id"),
    pytest.param("trilateral_events.csv", "t-02", "date", "2025-02-30", "id",
                 ["trilateral_events.csv", "t-02", "'date'", "date", "2025-02-30"], id="impossible_date"),
    pytest.param("claims.csv", "c002", "event_date", "18/02/2025", "id",
                 ["claims.csv", "c002", "'event_date'"], id="malformed_date"),
    pytest.param("china_dprk_trade.csv", "2019", "total_usd_million", "-5", "year",
                 ["china_dprk_trade.csv", "'total_usd_million'", "minimum"], id="negative_amount"),
])
def test_one_broken_cell_fails_its_rule(data_copy, file, row, field, value, key, parts):
    edit_csv(data_copy.parent / file, row, field, value, key=key)
    _fails(data_copy, *parts)


def test_not_utf8(data_copy):
    path = data_copy.parent / "sources.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    _fails(data_copy, "sources.csv", "encoding", "UTF-8")


def test_wrong_header(data_copy):
    path = data_copy.parent / "developments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("category", "kind", 1), encoding="utf-8")
    _fails(data_copy, "developments.csv", "header", "category")


def test_changed_article_breaks_the_hash(data_copy):
    article = data_copy.parent / "source" / "article.zh.txt"
    article.write_bytes(article.read_bytes() + b"\n")
    _fails(data_copy, "article.zh.txt", "hash")


def test_validate_command_exits_non_zero_and_names_the_problem(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c007", "claim_type", "opinion")
    env = {"BRIEFING_ROOT": str(data_copy.parent.parent), "PATH": ""}
    run = subprocess.run([sys.executable, "-m", "briefing.validate"], capture_output=True, text=True, env=env,
                         cwd=ROOT)
    assert run.returncode == 1
    assert "claims.csv" in run.stderr and "c007" in run.stderr and "claim_type" in run.stderr


def test_descriptor_is_json_with_licence_and_sources():
    pkg = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["licenses"] and pkg["sources"]
    for res in pkg["resources"]:
        assert res.get("description"), res["name"]
        for field in res.get("schema", {}).get("fields", []):
            assert field.get("description"), (res["name"], field["name"])
