"""One vocabulary: every value the data may hold has its label (and colour) in ``briefing.vocabulary``."""

import json
import re

import pytest

from briefing import vocabulary
from briefing.paths import DATAPACKAGE

DESCRIPTOR = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))


def _enum(resource: str, field: str) -> list[str]:
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == resource)
    return next(f for f in res["schema"]["fields"] if f["name"] == field)["constraints"]["enum"]


@pytest.mark.parametrize("resource, field", list(vocabulary.FIELDS), ids=lambda v: str(v))
def test_every_value_of_the_field_has_a_label_and_colour(resource, field):
    labels, colours = vocabulary.FIELDS[(resource, field)]
    values = _enum(resource, field)
    assert not set(values) - set(labels), f"{resource}.{field}: no label for {sorted(set(values) - set(labels))}"
    if colours is not None:
        assert not set(values) - set(colours), f"{resource}.{field}: no colour for {set(values) - set(colours)}"
        assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colours.values())


def test_each_actor_keeps_one_colour():
    actors = vocabulary.ACTOR_COLOURS
    assert len(set(actors.values())) == len(actors), "two actors share a colour"


def test_the_vocabulary_imports_nothing():
    source = open(vocabulary.__file__, encoding="utf-8").read()
    assert not re.search(r"^(import|from) (?!__future__)", source, re.M)
