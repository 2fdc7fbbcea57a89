"""briefing.yml: this briefing's own facts, loaded and checked by ``briefing.config``.

The repository's file loads and agrees with the data; a broken file fails with one message naming the file, the key
and the rule; ``python -m briefing.validate`` reports a broken file in one line. The configuration is a value: nothing
is read at import, and two briefings (this one and tests/fixtures/second_briefing) are used in one process.
"""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from briefing import article, config, validate
from briefing.datapackage import package
from briefing.paths import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "second_briefing"


def _raw() -> dict:
    return yaml.safe_load((ROOT / "briefing.yml").read_text(encoding="utf-8"))


def test_the_briefings_file_loads():
    b = config.load(ROOT / "briefing.yml")
    assert b.sections and b.themes and b.article_date
    assert set(b.section_themes.values()) <= set(b.themes)


def test_every_configured_heading_opens_its_section_in_the_article():
    headings = {p.text: p.heading_section for p in article.paragraphs() if p.kind == "heading"}
    assert headings == config.HEADINGS


def test_the_cited_sources_are_counted_in_the_file():
    reg_sources = package().table("sources")
    assert (reg_sources["kind"] == "cited_by_article").sum() == config.CITED_SOURCES


# (what to break, the key the error names, the rule it names)
BROKEN = [
    (lambda r: r["article"].pop("date"), "article.date", "required"),
    (lambda r: r["article"].__setitem__("date", "2025-02-30"), "article.date", "date"),
    (lambda r: r["article"].__setitem__("date", "early March"), "article.date", "date"),
    (lambda r: r["article"]["key_dates"].__setitem__("Bad Name", "2025-01-01"), "article.key_dates.Bad Name",
     "identifier"),
    (lambda r: r["article"].__setitem__("cited_sources", "four"), "article.cited_sources", "count"),
    (lambda r: r["sections"][2].__setitem__("theme", "trade"), "sections[2].theme", "unknown theme"),
    (lambda r: r["sections"][1].__setitem__("key", r["sections"][0]["key"]), "sections[1].key", "unique"),
    (lambda r: r["sections"][0].__setitem__("key", "opening"), "sections[0].key", "reserved"),
    (lambda r: r["sections"][0].pop("label"), "sections[0].label", "required"),
    (lambda r: r["sections"][1]["headings"].append(r["sections"][0]["headings"][0]), "sections[1].headings[1]",
     "unique"),
    (lambda r: r["sections"][0].__setitem__("chapter", "chapters/thaw.ipynb"), "sections[0].chapter", "page name"),
    (lambda r: r["sections"][0].__setitem__("colour", "red"), "sections[0].colour", "unknown key"),
    (lambda r: r.__setitem__("section", []), "section", "unknown key"),
    (lambda r: r.pop("themes"), "themes", "required"),
    (lambda r: r["datasets"]["developments.category"]["colours"].pop("tourism"),
     "datasets.developments.category.colours", "same values"),
    (lambda r: r["datasets"]["developments.category"]["colours"].__setitem__("tourism", "#12345"),
     "datasets.developments.category.colours.tourism", "colour"),
    (lambda r: r["calls"].__setitem__("max", 3), "calls.max", "range"),
    (lambda r: r["calls"].__setitem__("min", "eight"), "calls.min", "count"),
    (lambda r: r["calls"].__setitem__("most", 9), "calls.most", "unknown key"),
    (lambda r: r["datasets"]["developments.category"].__setitem__("name", "category"),
     "datasets.developments.category.name", "name"),
    (lambda r: r["datasets"]["events_us_russia_dprk.track"].__setitem__("name", "CATEGORY"),
     "datasets.events_us_russia_dprk.track.name", "unique"),
    # actors (issue 20): an upper-case code and a #RRGGBB colour; a dataset's colour names a listed actor
    (lambda r: r["actors"].__setitem__("usa", "#000000"), "actors.usa", "actor code"),
    (lambda r: r["actors"].__setitem__(next(iter(r["actors"])), "blue"), f"actors.{next(iter(_raw()['actors']))}",
     "colour"),
    (lambda r: r["datasets"]["developments.category"]["colours"].__setitem__("tourism", "XYZ"),
     "datasets.developments.category.colours.tourism", "actor"),
    (lambda r: r.__setitem__("actors", ["USA"]), "actors", "mapping"),
    # a field labelled by one of the vocabulary's own tables names nothing else
    (lambda r: r["datasets"].__setitem__("x.vote", {"vocabulary": "VOTE", "labels": {"yes": "Yes"}}),
     "datasets.x.vote.vocabulary", "alone"),
    (lambda r: r["datasets"].__setitem__("x.vote", {"vocabulary": "vote"}), "datasets.x.vote.vocabulary", "name"),
    # a theme written as a mapping: its label, and whether the scorecard shows it always or only when scored
    (lambda r: r["themes"].__setitem__("framing", {"label": "Framing", "scorecard": "never"}),
     "themes.framing.scorecard", "scorecard"),
    (lambda r: r["themes"].__setitem__("framing", {"scorecard": "always"}), "themes.framing.label", "required"),
    # the pages that hold the claims, calls, sources and annotated article: page names, no others
    (lambda r: r.__setitem__("pages", {"claims": "chapters/register.html"}), "pages.claims", "page name"),
    (lambda r: r.__setitem__("pages", {"register": "register"}), "pages.register", "unknown key"),
    (lambda r: r["themes"].__setitem__("framing", ""), "themes.framing.label", "text"),
    (lambda r: r.pop("sections") and r.__setitem__("sections", []), "sections", "empty"),
    (lambda r: r["themes"].__setitem__("framing", {"label": "Framing", "colour": "red"}), "themes.framing.colour",
     "unknown key"),
]


def test_the_vocabulary_names_each_dataset_as_the_file_says():
    """``name: TRACK`` in briefing.yml makes ``vocabulary.TRACK_LABELS`` and ``TRACK_COLOURS`` (colours resolved
    from actors' codes), and the field's entry in ``vocabulary.FIELDS``."""
    from briefing import vocabulary

    assert config.BRIEFING.dataset_names
    for key, name in config.BRIEFING.dataset_names.items():
        labels, colours = vocabulary.FIELDS[key]
        assert getattr(vocabulary, f"{name}_LABELS") is labels and getattr(vocabulary, f"{name}_COLOURS") is colours
        assert labels == config.BRIEFING.datasets[key][0]
        assert colours is None or all(c.startswith("#") for c in colours.values())


@pytest.mark.parametrize("breaks, key, rule", BROKEN, ids=[f"{k}:{r}" for _, k, r in BROKEN])
def test_a_broken_file_names_the_file_the_key_and_the_rule(tmp_path, breaks, key, rule):
    raw = _raw()
    breaks(raw)
    path = tmp_path / "briefing.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(config.ConfigError) as caught:
        config.load(path)
    err = caught.value
    assert (err.key, err.rule) == (key, rule), str(err)
    assert str(err).startswith(f"{path}: {key}: {rule}: ")


def test_a_missing_file_and_broken_yaml_are_named(tmp_path):
    with pytest.raises(config.ConfigError, match=r"briefing\.yml: \(file\): missing"):
        config.load(tmp_path / "briefing.yml")
    (tmp_path / "briefing.yml").write_text("article:\n  date: [2025\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"briefing\.yml: line \d+: yaml"):
        config.load(tmp_path / "briefing.yml")


def test_the_actors_colours_come_from_the_file_with_grey_for_everyone_else():
    """``vocabulary.ACTOR_COLOURS`` is the file's actors in its order, then ``other``; a dataset's colour that
    names an actor is that actor's colour."""
    from briefing import vocabulary

    assert list(vocabulary.ACTOR_COLOURS) == [*_raw()["actors"], config.OTHER_ACTOR]
    assert all(vocabulary.ACTOR_COLOURS[a] == c for a, c in _raw()["actors"].items())
    named = [c for _, colours in config.BRIEFING.datasets.values() for c in (colours or {}).values()
             if not c.startswith("#")]
    assert named, "no dataset colour names an actor: the resolution below would go untested"
    for key, (_, colours) in config.BRIEFING.datasets.items():
        resolved = vocabulary.DATASETS[key][1]
        for value, colour in (colours or {}).items():
            assert resolved[value] == (colour if colour.startswith("#") else vocabulary.ACTOR_COLOURS[colour])


def test_actors_are_optional(tmp_path):
    """A briefing that colours no actor (hex colours or ``other`` only) lists none."""
    raw = _raw()
    raw.pop("actors")
    raw["datasets"] = {"developments.category": {"labels": {"a": "A", "b": "B"}, "colours": {"a": "#000000",
                                                                                          "b": "other"}}}
    path = tmp_path / "briefing.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert config.load(path).actors == {}


def test_a_field_the_vocabulary_labels_itself_is_bound_by_the_file():
    """``vocabulary: VOTE`` binds a dataset's field to the vocabulary's generic vote labels and colours."""
    from briefing import vocabulary

    assert config.BRIEFING.dataset_vocabularies, "nothing bound: the check below would check nothing"
    for key, name in config.BRIEFING.dataset_vocabularies.items():
        assert vocabulary.FIELDS[key] == (getattr(vocabulary, f"{name}_LABELS"), getattr(vocabulary, f"{name}_COLOURS",
                                                                                        None))
    with pytest.raises(config.ConfigError, match=r"datasets\.x\.y\.vocabulary: unknown table"):
        vocabulary.generic_vocabulary("x", "y", "NO_SUCH")


def test_a_theme_shown_only_when_scored_drops_out_of_the_scorecard_when_empty():
    """``scorecard: when_scored`` hides a theme's row when it holds no scored claim; any other theme shows,
    zeros and all."""
    import pandas as pd

    from briefing.scoring import outcome_summary

    hidden = set(config.THEMES_WHEN_SCORED)
    assert hidden, "this briefing shows some theme only when scored"
    shown = [t for t in config.THEME_LABELS if t not in hidden]
    section = next(k for k, t in config.THEMES.items() if t == shown[0])
    claims = pd.DataFrame({"section": [section], "claim_type": ["forecast"], "outcome": ["borne_out"]})
    table = outcome_summary(claims)
    assert list(table.index) == [*shown, "all"]
    assert table.loc[shown[-1], "total"] == 0 or len(shown) == 1


def test_validate_reports_a_broken_briefing_yml_in_one_line(tmp_path):
    """The command's exit status and its one line (a real process: what `make book` sees)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    raw = _raw()
    raw["sections"][0]["theme"] = "trade"
    (tmp_path / "briefing.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "briefing.validate"], capture_output=True, text=True,
                         env={"BRIEFING_ROOT": str(tmp_path), "PATH": ""}, cwd=ROOT)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1, run.stderr
    assert "briefing.yml: sections[0].theme: unknown theme: 'trade'" in run.stderr


def test_nothing_is_configured_at_import(tmp_path):
    """Importing the whole kit reads no briefing.yml (here there is none at BRIEFING_ROOT): a fresh process, since
    import time is what is tested."""
    code = ("import briefing.validate, briefing.claims, briefing.render, briefing.analysis, briefing.charts, "
            "briefing.scaffold, briefing.computation, briefing.cache, briefing.sphinx_ext, briefing.roles\n"
            "from briefing import config\nassert not config._LOADED, config._LOADED\n"
            "try:\n    config.current()\nexcept config.ConfigError as err:\n    print(err)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "BRIEFING_ROOT": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert f"{tmp_path / 'briefing.yml'}: (file): missing" in run.stdout


def test_two_briefings_in_one_process():
    """``config.use`` switches the briefing the kit works on (its configuration, vocabulary and files) and back."""
    from briefing import paths, vocabulary
    from briefing.claims import register

    ours = config.current()
    with config.use(FIXTURE) as second:
        assert config.current() is second and paths.root() == FIXTURE.resolve()
        assert list(vocabulary.SECTION_LABELS)[1:3] == ["harbour_talks", "grain_prices"]
        assert vocabulary.REGISTER_PAGE == "harbour.html" and second.doc("claims") == "chapters/harbour"
        assert set(register().claims["section"]) <= set(second.sections)
        assert {p.heading_section for p in article.paragraphs()} >= {"harbour_talks", "grain_prices"}
    assert config.current() is ours and vocabulary.REGISTER_PAGE == "register.html"
    assert set(ours.sections).isdisjoint(second.sections)
    assert vocabulary.of(second).SECTION_LABELS != vocabulary.of(ours).SECTION_LABELS


@pytest.mark.parametrize("folder", [ROOT, FIXTURE], ids=["this", "second"])
def test_each_briefing_validates_in_process(folder, capsys):
    assert validate.main(folder) == 0, capsys.readouterr().err
    assert "claims register valid" in capsys.readouterr().out


def test_validate_names_a_broken_briefing_yml_in_process(tmp_path, capsys):
    shutil.copytree(FIXTURE / "data", tmp_path / "data")
    raw = yaml.safe_load((FIXTURE / "briefing.yml").read_text(encoding="utf-8"))
    raw["pages"]["claims"] = "Harbour.html"
    (tmp_path / "briefing.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert validate.main(tmp_path) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{tmp_path / 'briefing.yml'}: pages.claims: page name: " in err, err


def test_an_edit_to_briefing_yml_re_executes_the_notebooks(tmp_path):
    """The execution cache's stamp covers briefing.yml: every notebook reads it through the kit."""
    from briefing import cache

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "briefing.yml", tmp_path / "briefing.yml")
    before = cache.digests(tmp_path / "data")
    with (tmp_path / "briefing.yml").open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    assert cache.digests(tmp_path / "data")["package"] != before["package"]


def test_a_claim_in_a_section_briefing_yml_does_not_know_fails_validation(tmp_path, capsys):
    """A claim's section is a section of briefing.yml: the claims table's enum is filled from it (the kit's schema,
    briefing/schemas/claims.json), so a section the configuration has dropped fails the claim's row."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    raw = _raw()
    raw["sections"] = [s for s in raw["sections"] if s["key"] != "framing"]
    (tmp_path / "briefing.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert validate.main(tmp_path) == 1
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1, stderr
    rows = list(package().table("claims").itertuples())
    n, first = next((n, c.id) for n, c in enumerate(rows, start=1) if c.section == "framing")
    assert f"claims.csv: row {n} (id {first}), field 'section': enum: 'framing' is not one of " in stderr


def test_no_page_name_is_typed_in_the_kit():
    """The pages that hold claims, calls, sources and the annotated article are settings (``pages`` of
    briefing.yml, defaults in ``config.DEFAULT_PAGES``): no module's code (docstrings aside) and no template of
    ``src/briefing`` types one as a link."""
    import ast
    import re

    from support import string_constants

    names = "|".join(config.DEFAULT_PAGES.values())
    typed = re.compile(rf"\bchapters/(?:{names})\b|(?<![\w-])(?:{names})\.html\b")
    package = ROOT / "src" / "briefing"
    found = []
    for f in sorted(package.rglob("*.py")):
        code = ast.parse(f.read_text(encoding="utf-8"))
        found += [f"{f.name}:{n.lineno}: {n.value!r}" for n in string_constants(code) if typed.search(n.value)]
    for f in sorted(package.rglob("*.html")):
        found += [f"{f.relative_to(package)}: {m.group(0)!r}" for m in
                  re.finditer(rf'(?:href|page)="?[^"\s>]*?(?<![\w-])(?:{names})\.html', f.read_text(encoding="utf-8"))]
    assert found == []
