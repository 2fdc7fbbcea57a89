"""The {claim} and {call} roles (``briefing.roles``): each id resolves against the register, an unknown one fails.

The strict build's own failure on an unknown id (the page and the id named) is shown in
``tests/build/test_build_strict.py``.
"""

import pytest

from briefing.roles import UnknownId, known_ids, resolve

import picks

# A claim and a call of the register, picked from the data, and ids no claim or call has.
CLAIM, CALL = picks.any_claim(), picks.any_call()
NO_CLAIM, NO_CALL = picks.absent("c", picks.reg().claims["id"]), picks.absent("b", picks.calls()["id"], width=2)


def test_every_claim_and_call_of_the_register_resolves():
    claims, calls = known_ids("claim"), known_ids("call")
    assert CLAIM in claims and CALL in calls
    assert set(claims) == set(picks.reg().claims["id"]) and set(calls) == set(picks.calls()["id"])
    assert all(resolve("claim", c, claims) == c for c in claims)
    assert all(resolve("call", b, calls) == b for b in calls)


@pytest.mark.parametrize("kind,ident,why", [
    ("claim", NO_CLAIM, f"no claim {NO_CLAIM} in data/claims.csv"),
    ("call", NO_CALL, f"no call {NO_CALL} in data/briefing_calls.csv"),
    ("claim", CALL, "not a claim id"),   # a call cited as a claim
    ("call", CLAIM, "not a call id"),    # and the other way round
    ("claim", f"register.html#{CLAIM}", "not a claim id"),
])
def test_an_unknown_id_is_an_error_that_names_it(kind, ident, why):
    with pytest.raises(UnknownId) as err:
        resolve(kind, ident, known_ids(kind))
    assert why in str(err.value) and ident in str(err.value)

