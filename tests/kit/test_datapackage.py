"""The data package validates; each rule of the loader fails with file, row/id, field and rule (broken in a copy of
this book's files and of the second briefing's: the ``briefing`` fixture, tests/conftest.py)."""

import json
from functools import cache

import pytest
import yaml

from briefing import config, paths
from briefing.datapackage import DataError, Package, descriptor, kit_tables, load
from briefing.paths import DATA, ROOT

from support import edit_csv, package_fails as _fails

import picks


def test_whole_package_is_valid_for_our_loader():
    counts = Package().validate()
    assert counts["claims"] > 0 and counts["sources"] > 0
    assert set(counts) == {r["name"] for r in Package().descriptor["resources"] if "schema" in r}


def test_whole_package_is_valid_for_frictionless():
    """The package as merged (the kit's table schemas, enums filled from briefing.yml, and the briefing's own
    datasets) passes a standard validator too."""
    from frictionless import Package as FPackage

    report = FPackage(descriptor(), basepath=str(DATA)).validate()
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
                    "claim_links", "second_readings", "third_readings", "watch_indicators", "findings") or not fields:
            continue
        assert "source_id" in fields, name
        assert load(name)["source_id"].notna().all(), name


def test_typed_frames():
    """Every integer, number and boolean field of every table loads with its nullable pandas type."""
    dtypes = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}
    seen = set()
    for name, res in Package().resources.items():
        typed = [f for f in res.get("schema", {}).get("fields", []) if f["type"] in dtypes]
        frame = load(name) if typed else None
        for f in typed:
            assert str(frame[f["name"]].dtype) == dtypes[f["type"]], (name, f["name"])
            seen.add(f["type"])
    assert seen == set(dtypes)


def _a_field(test) -> tuple[str, str, str, str, dict]:
    """The first field of the data package's tables (a table of the briefing's own data, with a ``source_id``, first)
    for which ``test(field)`` holds, in a table keyed by one field: (file, key field, the first row's key, field
    name, field). The tests below break a cell of it."""
    import csv
    resources = list(Package().descriptor["resources"])
    def named(r):
        return {f["name"] for f in r.get("schema", {}).get("fields", [])}
    for res in sorted(resources, key=lambda r: "source_id" not in named(r)):
        key = res.get("schema", {}).get("primaryKey")
        key = key[0] if isinstance(key, list) and len(key) == 1 else key
        if not isinstance(key, str):
            continue
        for field in res["schema"]["fields"]:
            if field["name"] != key and test(field):
                with (paths.data() / res["path"]).open(encoding="utf-8", newline="") as fh:
                    first = next(csv.DictReader(fh))
                return res["path"], key, first[key], field["name"], field
    raise picks.NoSuchRow("no field of the data package fits")


@cache
def _cells(root) -> dict[str, tuple]:
    """One cell to break per loader rule, picked in the briefing at ``root`` (the current one) by what it is
    (tests/picks.py, the descriptor), not by its id: (file, row, field, value, key field, what the message names)."""
    claim, dated = picks.a("fact"), picks.a_claim_with("event_date")
    ids = list(picks.reg().claims["id"])
    row = f"row {picks.row_number('claims', claim)} (id {claim})"
    lst = _a_field(lambda f: f["type"] == "list" and "x-references" in f)
    date = _a_field(lambda f: f.get("x-calendar-date"))
    least = _a_field(lambda f: f["type"] in ("integer", "number") and "minimum" in f.get("constraints", {}))
    below = str(least[4]["constraints"]["minimum"] - 5)
    no_paragraph = picks.absent("p", picks.reg().paragraphs["id"], width=2)
    return {
        "missing_required_field": ("claims.csv", claim, "claim_en", "", "id",
                                   ["claims.csv", row, "'claim_en'", "required"]),
        "unknown_enum_value": ("claims.csv", claim, "verdict", "maybe", "id",
                               ["claims.csv", claim, "'verdict'", "enum", "maybe"]),
        "dangling_foreign_key": ("claim_sources.csv", claim, "source_id", "s-nowhere", "claim_id",
                                 ["claim_sources.csv", "'source_id'", "foreign key", "s-nowhere"]),
        "dangling_list_reference": (lst[0], lst[2], lst[3], "s-nowhere;s-also-missing", lst[1],
                                    [lst[0], lst[2], f"'{lst[3]}'", "foreign key", "s-nowhere"]),
        "dangling_paragraph": ("claims.csv", claim, "paragraph", no_paragraph, "id",
                               ["claims.csv", claim, "'paragraph'", "foreign key"]),
        "duplicate_id": ("claims.csv", ids[2], "id", ids[1], "id", ["claims.csv", ids[1], "'id'", "unique"]),
        "impossible_date": (date[0], date[2], date[3], "2025-02-30", date[1],
                            [date[0], date[2], f"'{date[3]}'", "date", "2025-02-30"]),
        "malformed_date": ("claims.csv", dated, "event_date", "18/02/2025", "id",
                           ["claims.csv", dated, "'event_date'"]),
        "negative_amount": (least[0], least[2], least[3], below, least[1], [least[0], f"'{least[3]}'", "minimum"]),
    }


# One cell broken on purpose: the loader fails, naming the file, the row or id, the field and the rule.
@pytest.mark.parametrize("case", ["missing_required_field", "unknown_enum_value", "dangling_foreign_key",
                                  "dangling_list_reference", "dangling_paragraph", "duplicate_id", "impossible_date",
                                  "malformed_date", "negative_amount"])
def test_one_broken_cell_fails_its_rule(briefing, data_copy, case):
    file, row, field, value, key, parts = _cells(paths.root())[case]
    edit_csv(data_copy.parent / file, row, field, value, key=key)
    _fails(data_copy, *parts)


def test_not_utf8(briefing, data_copy):
    path = data_copy.parent / "sources.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    _fails(data_copy, "sources.csv", "encoding", "UTF-8")


def test_wrong_header(briefing, data_copy):
    path = data_copy.parent / "developments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("category", "kind", 1), encoding="utf-8")
    _fails(data_copy, "developments.csv", "header", "category")


def test_changed_article_breaks_the_hash(briefing, data_copy):
    article = data_copy.parent / "source" / "article.zh.txt"
    article.write_bytes(article.read_bytes() + b"\n")
    _fails(data_copy, "article.zh.txt", "hash")


def test_validate_fails_and_names_the_problem(briefing, data_copy, capsys):
    from briefing import validate

    claim = picks.a("fact")
    edit_csv(data_copy.parent / "claims.csv", claim, "claim_type", "opinion")
    assert validate.main(data_copy.parent.parent) == 1
    stderr = capsys.readouterr().err
    assert "claims.csv" in stderr and claim in stderr and "claim_type" in stderr


def test_descriptor_is_json_with_licence_and_sources():
    pkg = descriptor()
    assert pkg["licenses"] and pkg["sources"]
    for res in pkg["resources"]:
        assert res.get("description"), res["name"]
        for field in res.get("schema", {}).get("fields", []):
            assert field.get("description"), (res["name"], field["name"])


# -- the kit owns its tables (issue 28) ---------------------------------------------------------------------------
# The register's table schemas ship with the kit (briefing/schemas/); a briefing's datapackage.json names the kit
# tables it has and describes its own datasets. The enums that are a briefing's own vocabulary come from its
# briefing.yml, here read as plain YAML (not through briefing.config), for this briefing and the fictional second one.
SECOND = ROOT / "tests" / "fixtures" / "second_briefing"


def _from_briefing_yml(raw: dict, resources: list[str]) -> dict[tuple[str, str], list[str]]:
    """What a briefing.yml says each of the kit's configured fields may hold."""
    sections = raw["sections"]
    pages = [s["chapter"] for s in sections if s.get("chapter")] + list(raw.get("chapters") or {})
    return {
        ("claims", "section"): [s["key"] for s in sections],
        # the opening, the sections that have a heading in the text, then the reference list and scraping leftovers
        ("article_paragraphs", "heading_section"): ["opening", *(s["key"] for s in sections if s.get("headings")),
                                                    "sources", "artifacts"],
        ("developments", "category"): list(raw["datasets"]["developments.category"]["labels"]),
        ("sweeps", "track"): list(raw["themes"]),
        ("sweeps", "dataset"): resources,
        ("briefing_calls", "chapter"): pages,
        ("watch_indicators", "chapter"): pages,
        ("findings", "page"): ["index", *pages],  # index: the landing page
    }


@pytest.mark.parametrize("root", [ROOT, SECOND], ids=["this briefing", "second briefing"])
def test_the_briefings_own_enums_come_from_its_briefing_yml(root):
    raw = yaml.safe_load((root / "briefing.yml").read_text(encoding="utf-8"))
    merged = descriptor(root / "data" / "datapackage.json", config.load(root / "briefing.yml"))
    resources = {r["name"]: r for r in merged["resources"]}
    checked = []
    for (name, field), expected in _from_briefing_yml(raw, list(resources)).items():
        if name in resources:
            spec = next(f for f in resources[name]["schema"]["fields"] if f["name"] == field)
            assert spec["constraints"]["enum"] == expected, f"{name}.{field}: not as briefing.yml says"
            checked.append(name)
    assert {"claims", "article_paragraphs", "developments"} <= set(checked)


@pytest.mark.parametrize("root", [ROOT, SECOND], ids=["this briefing", "second briefing"])
def test_a_briefing_describes_its_own_datasets_and_names_the_kits_tables(root):
    own = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    kit = kit_tables()
    named = [r for r in own["resources"] if r["name"] in kit]
    assert {"claims", "sources", "claim_sources", "article_paragraphs", "developments"} <= {r["name"] for r in named}
    assert not [r["name"] for r in named if {"path", "schema"} & set(r)]
    assert all("x-enum" not in f for r in descriptor(root / "data" / "datapackage.json",
                                                      config.load(root / "briefing.yml"))["resources"]
               for f in r.get("schema", {}).get("fields", []))


def test_a_kit_field_labelled_nowhere_in_briefing_yml_names_the_missing_key(data_copy):
    yml = data_copy.parent.parent / "briefing.yml"
    raw = yaml.safe_load(yml.read_text(encoding="utf-8"))
    del raw["datasets"]["developments.category"]
    yml.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"briefing.yml, field 'datasets.developments.category': required: .*category"):
        Package(data_copy, config.load(yml))


def test_a_briefing_cannot_redefine_a_kit_table(data_copy):
    own = json.loads(data_copy.read_text(encoding="utf-8"))
    stub = next(r for r in own["resources"] if r["name"] == "claims")
    stub["schema"] = kit_tables()["claims"]["schema"]
    data_copy.write_text(json.dumps(own), encoding="utf-8")
    _fails(data_copy, "data/datapackage.json", "id claims", "kit table", "without schema")


def test_a_resource_without_a_path_must_be_a_kit_table(data_copy):
    own = json.loads(data_copy.read_text(encoding="utf-8"))
    own["resources"].append({"name": "claimz"})
    data_copy.write_text(json.dumps(own), encoding="utf-8")
    _fails(data_copy, "data/datapackage.json", "id claimz", "kit table", "no path")

