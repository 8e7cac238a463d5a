"""Faster forms of the organisation rules against the straightforward forms they replace."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.organisations import _same_key

# folded keys: few letters and single spaces, so that similar names are frequent
keys = st.lists(st.sampled_from(["a", "b", "c", "z", "s", "centrum", "nadacia", "pontis", "pro"]), max_size=6).map(" ".join)
near_keys = st.text(alphabet="abcde ", max_size=14)


def _same_key_reference(fa: str, fb: str) -> bool:
    if fa == fb:
        return True
    short, long = sorted((fa, fb), key=len)
    if len(short.split()) >= 2 and (long.startswith(short + " ") or long.endswith(" " + short)):
        return True
    if len(short) < 6 or 2.0 * len(short) / (len(fa) + len(fb)) < 0.9:
        return False
    matcher = difflib.SequenceMatcher(None, fa, fb)
    return matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


@settings(max_examples=500, deadline=None)
@given(st.one_of(keys, near_keys), st.one_of(keys, near_keys))
def test_same_key_equals_the_difflib_reference(fa: str, fb: str) -> None:
    assert _same_key(fa, fb) == _same_key_reference(fa, fb)
    assert _same_key(fa + "x", fa + "y") == _same_key_reference(fa + "x", fa + "y")
