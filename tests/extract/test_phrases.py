"""The phrase index: keys found at word starts, the longer key first, and scans of tagged phrases."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.phrases import build_index, key_regex

_KEYS = ["pr", "po", "s", "su", "sp", "z", "za", "čí", "č", "kľ"]


def _plain_key_regex(keys: list[str]) -> str:
    """The flat alternation the grouped regex must agree with."""
    return r"\b(?:" + "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True)) + ")"


def test_key_regex_prefers_the_longer_key() -> None:
    found = [match.group() for match in re.finditer(key_regex(_KEYS), "sp s su za z čísla č kľúč")]
    assert found == ["sp", "s", "su", "za", "z", "čí", "č", "kľ"]


def test_key_regex_only_at_word_starts() -> None:
    assert [match.start() for match in re.finditer(key_regex(_KEYS), "asp pro xpo po")] == [4, 12]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="prosuzačíkľ .-x", max_size=60))
def test_key_regex_agrees_with_the_plain_alternation(text: str) -> None:
    grouped = [match.span() for match in re.finditer(key_regex(_KEYS), text)]
    plain = [match.span() for match in re.finditer(_plain_key_regex(_KEYS), text)]
    assert grouped == plain


def test_scan_takes_the_longest_phrase_and_skips_overlaps() -> None:
    index = build_index(
        [("fond{,u} pro azyl", "asylum", True), ("fond", "fund", True), ("pro azyl", "inner", True),
         ("EEA", "exact", False)],
        "test",
    )
    text = "Fondu pro azyl, fond a eea nebo EEA."
    hits = [(text[hit.start : hit.end], hit.tag) for hit in index.scan(text)]
    assert hits == [("Fondu pro azyl", "asylum"), ("fond", "fund"), ("EEA", "exact")]
