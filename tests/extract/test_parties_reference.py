"""Partner cue phrases searched in the lower-cased text find what the case-insensitive search finds."""

from __future__ import annotations

import _sre  # the regex engine's own case mapping, to check the assumptions against
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.extract.parties import CaselessPhrases, _ends_with_colon, _factored, _label_kind, parties_data
from pipeline.folding import LONGER_IN_LOWER_CASE
from pipeline.lexicon import load_data

PHRASES = ["in cooperation with", "spolu s", "v spolupráci", "v spolupráci s", "co-organised with", "Ŝpolu"]
# letters of the phrases in other cases, the engine's extra case pairs, sigma, dotted/dotless i
_PIECES = st.sampled_from(
    ["in cooperation with", "IN COOPERATION WITH", "ſpolu s", "SPOLU S", "v spolupráci", "V SPOLUPRÁCI", "ı", "İ",
     "Σ", "σ", "ς", "ŝpolu", "co-organised WITH", "K", " ", "\n", "x", "-", ".", "s", "Spolu"]
)


def spans(matches) -> list[tuple[int, int]]:
    return [match.span() for match in matches]


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_lower_cased_search_finds_the_case_insensitive_matches(text: str) -> None:
    for phrases in (CaselessPhrases(PHRASES), parties_data().partner_cue):
        assert spans(phrases.finditer(text)) == spans(phrases.ignoring_case.finditer(text))


# phrases that overlap one another, within a first letter and across first letters
OVERLAPPING = ["alpha beta", "beta gamma", "gamma", "beta beta", "beta", "al", "gamma alpha beta"]
_OVERLAPPING_PIECES = st.sampled_from(["alpha", "beta", "gamma", "al", "Beta", "GAMMA", " ", "  ", "\n", "x", "-"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_OVERLAPPING_PIECES, max_size=14).map("".join))
@example("alpha beta beta beta")  # a "beta beta" inside another is taken once "alpha beta" ends
@example("gamma alpha beta beta gamma")
def test_overlapping_phrases_are_taken_as_finditer_takes_them(text: str) -> None:
    phrases = CaselessPhrases(OVERLAPPING)
    assert spans(phrases.finditer(text)) == spans(phrases.ignoring_case.finditer(text))


def test_lower_casing_keeps_what_the_engine_reads() -> None:
    # every character that lower-cases to one character: to the one the engine compares ignoring
    # case, to itself or a cased character, and a word character exactly when the original is one
    for code in range(0x110000):
        character = chr(code)
        lowered = character.lower()
        if len(lowered) != 1 or character == "\N{GREEK CAPITAL LETTER SIGMA}":
            continue
        assert ord(lowered) == _sre.unicode_tolower(code), hex(code)
        assert lowered == character or _sre.unicode_iscased(ord(lowered)), hex(code)
        assert (character.isalnum() or character == "_") == (lowered.isalnum() or lowered == "_"), hex(code)


def test_one_character_has_a_longer_lower_case() -> None:
    longer = [chr(code) for code in range(0x110000) if len(chr(code).lower()) != 1]
    assert longer == [LONGER_IN_LOWER_CASE]


@given(st.text(alphabet="ab: \n\t\u00a0", max_size=8), st.integers(0, 8), st.integers(0, 8))
def test_ends_with_colon_is_the_stripped_test(text: str, start: int, end: int) -> None:
    assert _ends_with_colon(text, start, end) == text[start:end].rstrip().endswith(":")


def _plain(phrases: list[str]) -> str:
    return "|".join(re.escape(phrase) for phrase in phrases)


# phrases sharing prefixes, one inside another, repeated, empty; letters the engine matches ignoring case
_FACTORED_PHRASES = st.lists(st.sampled_from(["lead", "leads", "leader", "le", "org", "organ", "organi", "ſa", "Sa", "s", "", "lead"]), max_size=8)
_FACTORED_TEXT = st.lists(st.sampled_from(["lead", "LEAD", "s", "ſ", "organ", "i", "er", " ", "x", "Le"]), max_size=8).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_FACTORED_PHRASES, _FACTORED_TEXT)
def test_factored_alternation_matches_where_the_plain_one_does(phrases: list[str], text: str) -> None:
    if not phrases:
        return
    factored = re.compile(rf"(?<!\w)(?:{_factored(phrases)})", re.IGNORECASE)
    plain = re.compile(rf"(?<!\w)(?:{_plain(phrases)})", re.IGNORECASE)
    for position in range(len(text) + 1):
        assert bool(factored.match(text, position)) == bool(plain.match(text, position))
    ending = re.compile(rf"(?<!\w)(?:{_factored(phrases)})\s+$", re.IGNORECASE)
    assert bool(ending.search(text)) == bool(re.search(rf"(?<!\w)(?:{_plain(phrases)})\s+$", text, re.IGNORECASE))


_PROMOTER_PIECES = st.sampled_from(
    ["announced by", "ORGANIZED BY", "run by", "realizuje", "realizovaného", "pořádá", "Pořádané", "the", " ", "\n", "x",
     "as the lead", "as the leader", "vyhlásilo", "Vyhlasuje", "starts", "organizoval", "ſtarted", "leads"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PROMOTER_PIECES, max_size=8).map("".join))
def test_promoter_cues_match_where_the_plain_alternations_do(text: str) -> None:
    data = parties_data()
    raw = load_data("parties")["promoter_cues"]
    before = re.compile(rf"(?<!\w)(?:{_plain(raw['before'])})\s+(?:the\s+)?$", re.IGNORECASE)
    after = re.compile(rf"(?<!\w)(?:{_plain(raw['after'])})", re.IGNORECASE)
    for end in range(len(text) + 1):
        assert bool(data.promoter_before.search(text[:end])) == bool(before.search(text[:end]))
        assert bool(data.promoter_after.match(text, end)) == bool(after.match(text, end))


# a phrase shorter than the others' shared beginnings, between two phrases that begin alike
SHORT_BETWEEN = ["al xx", "al", "al beta", "beta"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["al", "al beta", "al xx", "beta", " ", "x"]), max_size=10).map("".join))
@example("al beta")
def test_a_short_phrase_is_tried_in_its_place(text: str) -> None:
    phrases = CaselessPhrases(SHORT_BETWEEN)
    assert spans(phrases.finditer(text)) == spans(phrases.ignoring_case.finditer(text))


def _label_kind_reference(label: str, data) -> str | None:
    key = label.lower().strip()
    for kind, labels in (("promoter", data.promoter_labels), ("partners", data.partner_labels),
                         ("implementers", data.implementer_labels), ("organisations", data.organisation_labels)):
        if key in labels:
            return kind
    return None


def test_label_kinds_are_the_first_kind_listing_each_label() -> None:
    data = parties_data()
    labels = [*data.promoter_labels, *data.partner_labels, *data.implementer_labels, *data.organisation_labels]
    for label in [*labels, *(f" {label.upper()} " for label in labels), "Something else", ""]:
        assert _label_kind(label, data) == _label_kind_reference(label, data), label
