"""The {claim} and {call} roles (``briefing.roles``): each id resolves against the register, an unknown one fails.

The strict build's own failure on an unknown id (the page and the id named) is shown in
``tests/test_build_strict.py``.
"""

import pytest

from briefing.roles import UnknownId, known_ids, resolve


def test_every_claim_and_call_of_the_register_resolves():
    claims, calls = known_ids("claim"), known_ids("call")
    assert "c017" in claims and "b03" in calls
    assert all(resolve("claim", c, claims) == c for c in claims)
    assert all(resolve("call", b, calls) == b for b in calls)


@pytest.mark.parametrize("kind,ident,why", [
    ("claim", "c999", "no claim c999 in data/claims.csv"),
    ("call", "b99", "no call b99 in data/briefing_calls.csv"),
    ("claim", "b03", "not a claim id"),   # a call cited as a claim
    ("call", "c017", "not a call id"),    # and the other way round
    ("claim", "register.html#c017", "not a claim id"),
])
def test_an_unknown_id_is_an_error_that_names_it(kind, ident, why):
    with pytest.raises(UnknownId) as err:
        resolve(kind, ident, known_ids(kind))
    assert why in str(err.value) and ident in str(err.value)

