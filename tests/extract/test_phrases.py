"""The phrase index: keys found at word starts, the longer key first, and scans of tagged phrases."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import phrases as phrases_module
from pipeline.extract.codes import code_data
from pipeline.extract.contacts import contact_data
from pipeline.extract.phrases import (
    PhraseSearch,
    alternation,
    any_phrase,
    build_index,
    key_regex,
    leftmost_matches,
    lowered_char,
    lowered_condition,
    phrase_regex,
    sentence_start,
)
from pipeline.extract.programmes import programme_data
from pipeline.folding import lower_same_length
from pipeline.lexicon import load_data

_KEYS = dict.fromkeys(["pr", "po", "s", "su", "sp", "z", "za", "čí", "č", "kľ"], "")


def _plain_key_regex(keys: dict[str, str]) -> str:
    """The flat alternation the grouped regex must agree with."""
    return r"\b(?:" + "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True)) + ")"


def _keys(keys: dict[str, str], text: str) -> list[tuple[int, str]]:
    """(start, key) of the keys found in ``text``, as ``PhraseIndex.scan`` reads them."""
    return [(m.start(), m.group()[1:]) for m in re.finditer(key_regex(keys), " " + text)]


def test_key_regex_prefers_the_longer_key() -> None:
    found = [key for _, key in _keys(_KEYS, "sp s su za z čísla č kľúč")]
    assert found == ["sp", "s", "su", "za", "z", "čí", "č", "kľ"]


def test_key_regex_only_at_word_starts() -> None:
    assert [start for start, _ in _keys(_KEYS, "asp pro xpo po")] == [4, 12]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="prosuzačíkľ .-x", max_size=60))
def test_key_regex_agrees_with_the_plain_alternation(text: str) -> None:
    plain = [(match.start(), match.group()) for match in re.finditer(_plain_key_regex(_KEYS), text)]
    assert _keys(_KEYS, text) == plain


def test_scan_takes_the_longest_phrase_and_skips_overlaps() -> None:
    index = build_index(
        [("fond{,u} pro azyl", "asylum", True), ("fond", "fund", True), ("pro azyl", "inner", True),
         ("EEA", "exact", False)],
        "test",
    )
    text = "Fondu pro azyl, fond a eea nebo EEA."
    hits = [(text[hit.start : hit.end], hit.tag) for hit in index.scan(text)]
    assert hits == [("Fondu pro azyl", "asylum"), ("fond", "fund"), ("EEA", "exact")]


def test_key_regex_keeps_a_key_only_where_its_condition_holds() -> None:
    keys = {"pr": "(?:program|projekt)", "s": "s(?!\\w)", "su": "(?:suma)"}
    assert [start for start, _ in _keys(keys, "pro program s projekt sum suma")] == [4, 12, 14, 26]


def test_a_failed_longer_key_does_not_fall_back_to_the_shorter() -> None:
    # at "sum" the key "su" is found and its condition fails: "s" is not tried there
    keys = {"s": "(?:s)", "su": "(?:suma)"}
    assert [start for start, _ in _keys(keys, "sum s")] == [4]


def test_lowered_condition_holds_where_a_phrase_matches() -> None:
    condition = re.compile(lowered_condition(["fond{,u} pro azyl", "EEA"]))
    for text in ["Fondu  pro AZYL", "FOND pro azyl", "EEA", "eea"]:
        assert condition.match(lower_same_length(text)) is not None
    assert condition.match("fondy pro azyl") is None


def test_lower_casing_keeps_every_letter_in_its_case_blind_class() -> None:
    """What ``lowered_condition`` rests on: a letter and its lower-cased form (as ``lower_same_length``
    makes it) match the same letters case-blind, so a phrase matching the text, case-blind or not,
    matches the lower-cased text case-blind."""
    for code in range(0x110000):
        char = chr(code)
        lowered = char.lower()
        if lowered == char or len(lowered) != 1:  # a longer lower case is kept as it is
            continue
        assert re.fullmatch("(?i)" + re.escape(lowered), char), hex(code)
        assert re.fullmatch("(?i)" + re.escape(char), lowered), hex(code)
    # a final sigma is lower-cased by its place in the word
    assert re.fullmatch("(?i)ς", "Σ") and re.fullmatch("(?i)Σ", "ς")


def _plain_scan(tagged: list[tuple[str, str, bool]], text: str) -> list[tuple[int, int, str]]:
    """What a scan of the ``tagged`` phrases finds, read from every key the plain key regex finds without
    conditions: the key's phrases, the longest first, each case-blind or exact as tagged, matched in the
    text itself."""
    by_key: dict[str, list[tuple[str, str, bool]]] = {}
    for entry in tagged:
        head = re.match(r"\w+", entry[0])
        assert head is not None
        by_key.setdefault(head.group()[:2].lower(), []).append(entry)
    plain = re.compile(_plain_key_regex(dict.fromkeys(by_key, "")))
    expected = []
    resume = 0
    for key in plain.finditer(lower_same_length(text)):
        if key.start() < resume:
            continue
        for phrase, tag, ignore_case in sorted(by_key[key.group()], key=lambda entry: len(entry[0]), reverse=True):
            flags = "i" if ignore_case else "-i"
            found = re.compile(f"(?{flags}:{phrase_regex(phrase)})(?!\\w)").match(text, key.start())
            if found is not None:
                resume = found.end()
                expected.append((key.start(), found.end(), tag))
                break
    return expected


# phrases under keys of case-blind phrases only ("fo", "ko", "pr"), of an exact one ("ee"), of both ("ek")
_TAGGED = [("fond{,u} pro azyl", "asylum", True), ("fond", "fund", True), ("EEA", "exact", False),
           ("ko{,k}", "short", True), ("Ekk", "exact ekk", False), ("ek{,o}", "blind ek", True)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="fondFONDuUpr azylAZYLeEkKſıİ\u212a\n", max_size=40))
def test_scan_with_conditions_is_the_scan_without(text: str) -> None:
    index = build_index(_TAGGED, "test")
    assert [(hit.start, hit.end, hit.tag) for hit in index.scan(text)] == _plain_scan(_TAGGED, text)


def test_phrases_that_all_ignore_case_are_matched_in_the_lower_cased_text() -> None:
    index = build_index(_TAGGED, "test")
    assert index.lowered_keys == {"fo", "ko"}
    text = "FONDU PRO AZYL, Ekk, EKO, ekk, eea, EEA, ſ KOK"
    assert [(hit.start, hit.end, hit.tag) for hit in index.scan(text)] == _plain_scan(_TAGGED, text) == [
        (0, 14, "asylum"), (16, 19, "exact ekk"), (21, 24, "blind ek"), (36, 39, "exact"), (43, 46, "short")
    ]


# every kind of character that may stand before a word: space, line break, others in and beyond the Basic
# Multilingual Plane, and word characters beyond it ("𝐀"), before which no word starts
_BEFORE_WORDS = " \n\t.,(„-_\xa0\u2028\U0001f600\U0001d400١"
_TAGGED_TWO = [*_TAGGED, ("pr", "two", True)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_BEFORE_WORDS, "fond", "Fondu", "pro", "azyl", "EEA", "eea", "kok", "pr", "x", "EKO",
                                 "ekk", "Ekk", "KOK"]), max_size=12))
def test_scan_finds_keys_after_every_kind_of_non_word_character(pieces: list[str]) -> None:
    text = "".join(pieces)
    index = build_index(_TAGGED_TWO, "test")
    assert [(hit.start, hit.end, hit.tag) for hit in index.scan(text)] == _plain_scan(_TAGGED_TWO, text)


_SOME_PATTERNS = ["ab", "b", "abc", "a(?=b)", "ba+", "c(?<=bc)a", "a{2,3}", "[ab]c", "cb|bb"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SOME_PATTERNS), min_size=1, max_size=4), st.text(alphabet="abc ", max_size=30))
def test_leftmost_matches_are_the_matches_of_the_alternation(sources: list[str], text: str) -> None:
    alternation_ = re.compile("|".join(f"(?:{source})" for source in sources))
    expected = [(m.span(), m.group()) for m in alternation_.finditer(text)]
    patterns = [re.compile(source) for source in sources]
    assert [(m.span(), m.group()) for m in leftmost_matches(patterns, text)] == expected


def _shared_indexes() -> list[phrases_module.PhraseIndex]:
    """The indexes of the stages that share their scan (their data loaded)."""
    code_data()
    contact_data()
    programme_data()
    return list(phrases_module._SHARED)


_SHARED_PIECES = [
    "Číslo projektu", "Project number", "ITMS2014+ kód", "kontaktujte", "Contact person", "obraťte se na",
    "Fond pro azyl, migraci a integraci", "EEA Grants", "Fondy EHP", "s podporou", "z prostředků", "financováno z",
    "Erasmus+", "sp", "s", "pr", "Programu", "ko", ":", " ", "\n", "(", "„", "\U0001d400", "\U0001f600", "-", "x",
    "FONDY EHP", "ſ podporou", "ČÍSLO PROJEKTU", "İ", "ı", "\t", "\xa0", "Kontaktujte",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SHARED_PIECES), max_size=14))
def test_shared_scan_finds_what_each_index_finds_alone(pieces: list[str]) -> None:
    text = "".join(pieces)
    for index in _shared_indexes():
        alone = dataclasses.replace(index, shared=False)
        assert list(index.scan(text)) == list(alone.scan(text))


_CONDITION_PHRASES = ["fond{,u} pro azyl", "Fond pro azyl", "fondy", "EEA", "s podporou", "s finanční podporou",
                      "Program{em,u,} Aktivní občané", "Programme", "s{,e} pomocí", "İstanbul"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CONDITION_PHRASES), min_size=1, max_size=5),
       st.lists(st.sampled_from(["fond", "FONDU", "Fondy", " ", "  ", "\n", "pro", "azyl", "eea", "s", "se",
                                 "podporou", "finanční", "programem", "aktivní", "občané", "pomocí", "x",
                                 "i̇stanbul", "İstanbul", "ſ", "s  podporou", "Fond\npro  azyl", "FONDU pro azyl",
                                 "se pomocí", "programem  aktivní\tobčané", "s finanční\npodporou"]), max_size=10))
def test_lowered_condition_holds_where_one_of_its_phrases_does(phrases: list[str], pieces: list[str]) -> None:
    text = lower_same_length("".join(pieces))
    condition = re.compile(lowered_condition(phrases))
    plain = re.compile("(?:" + "|".join(f"(?i:{phrase_regex(phrase)})(?!\\w)" for phrase in phrases) + ")")
    for start in range(len(text) + 1):
        assert (condition.match(text, start) is None) == (plain.match(text, start) is None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CONDITION_PHRASES), min_size=1, max_size=5),
       st.lists(st.sampled_from(["fond", "FONDU", "Fondy", " ", "  ", "\n", "pro", "azyl", "eea", "s", "se", "x",
                                 "podporou", "programem", "aktivní", "občané", "s  podporou", "Fond\npro  azyl"]),
                max_size=10))
def test_any_phrase_is_found_where_the_alternation_is(phrases: list[str], pieces: list[str]) -> None:
    text = "".join(pieces)
    found, plain = re.compile(any_phrase(phrases)), re.compile(alternation(phrases))
    for start in range(len(text) + 1):
        assert (found.search(text, start) is None) == (plain.search(text, start) is None)
        assert (found.match(text, start) is None) == (plain.match(text, start) is None)


def _characters_before_a_word_start(source: str) -> list[int]:
    """The code points a character set matches, out of all of them."""
    every = "".join(map(chr, range(0x110000)))
    return [found.start() for found in re.finditer(source, every)]


def test_non_word_class_is_every_non_word_character_but_space_and_line_feed() -> None:
    # as defined: not a word character of the Basic Multilingual Plane, nor " " or "\n"
    expected = [
        code
        for code in range(0x110000)
        if code > 0xFFFF or (chr(code) not in " \n" and re.fullmatch(r"\W", chr(code)) is not None)
    ]
    assert _characters_before_a_word_start(phrases_module._NON_WORD_CLASS) == expected


def test_any_non_word_class_is_every_non_word_character() -> None:
    # as defined: not a word character of the Basic Multilingual Plane
    expected = [code for code in range(0x110000) if code > 0xFFFF or re.fullmatch(r"\W", chr(code)) is not None]
    assert _characters_before_a_word_start(phrases_module._ANY_NON_WORD_CLASS) == expected


def _data_characters() -> set[str]:
    """Every character of the data files whose phrases the phrase patterns read."""
    chars: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            chars.update(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                chars.update(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in ("programmes", "codes", "contacts", "dates", "amounts", "target_groups"):
        walk(load_data(name))
    return chars


# every character that lower-cased text may hold (``lower_same_length``), surrogates aside
_LOWERED_CHARACTERS = "".join(
    sorted({char.lower() if len(char.lower()) == 1 else char for char in map(chr, range(0x110000))} - {
        chr(code) for code in range(0xD800, 0xE000)
    })
)


def test_lowered_char_matches_the_lowered_characters_that_match_case_blind() -> None:
    """``lowered_char`` against the engine, over every character lower-cased text may hold: for the
    letters of the data, the letters the engine folds together ("ſ", "ı", "İ", Greek, Cyrillic) and more."""
    chars = _data_characters() | set("İıiIſsSkKK\u212bÅåµμΣσςϐβθϑсᲃтᲄᲅﬅﬆẛṡ") | set(map(chr, range(0x20, 0x250)))
    for char in sorted(chars):
        expected = re.findall("(?i)" + re.escape(char), _LOWERED_CHARACTERS)
        assert re.findall(lowered_char(char), _LOWERED_CHARACTERS) == expected, repr(char)



def test_lowered_char_without_the_engines_case_table_matches_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a Python without ``re._casefix``, each character is matched ignoring case: the same characters."""
    monkeypatch.setattr(phrases_module, "REGEX_EXTRA_CASES", None)
    for char in "İıiIſsSkK\u212bÅåσςčČ-. ":
        expected = re.findall("(?i)" + re.escape(char), _LOWERED_CHARACTERS)
        assert re.findall(lowered_char.__wrapped__(char), _LOWERED_CHARACTERS) == expected, repr(char)


_SEARCH_PHRASES = ["fond{,u} pro azyl", "Fond pro azyl", "EEA", "s podporou", "Program{em,u,} Aktivní občané",
                   "İstanbul", "will be submitted to", "bude{me,} žádat"]
_SEARCH_PIECES = ["fond", "FONDU", "Fond", " ", "  ", "\n", "\t", "pro", "azyl", "eea", "EEA", "s", "ſ", "podporou",
                  "programem", "aktivní", "občané", "i̇stanbul", "İstanbul", "ıstanbul", "will", "be", "submitted",
                  "to", "budeme", "žádat", "x", ".", "(", "„", "-", "\U0001d400", "\U0001f600", "١", "\xa0"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_SEARCH_PHRASES), min_size=1, max_size=3),
       st.lists(st.sampled_from(_SEARCH_PIECES), max_size=10), st.integers(0, 10), st.integers(0, 10))
def test_phrase_search_finds_what_the_search_of_any_phrase_finds(
    phrases: list[str], pieces: list[str], first: int, last: int
) -> None:
    # the window runs between the starts of two pieces (a phrase may start right at its start, or end at its end)
    text = "".join(pieces)
    bounds = [len("".join(pieces[:count])) for count in range(len(pieces) + 1)]
    start, end = bounds[min(first, len(pieces))], bounds[min(last, len(pieces))]
    plain = re.compile(any_phrase(phrases))
    assert PhraseSearch.of(phrases).found_in(text, start, end) == (plain.search(text, start, end) is not None)


@pytest.mark.parametrize(
    ("text", "start", "found"),
    [("EEA", 0, True), ("x eea", 2, True), ("xeea", 1, False), ("\U0001d400eea", 0, False), ("\U0001d400eea", 1, False),
     ("\U0001f600eea", 0, True), ("(ſ podporou", 0, True), ("\xa0ıstanbul", 0, True), ("eea\nx", 0, True)],
)
def test_phrase_search_at_the_window_start_and_after_every_kind_of_character(text: str, start: int, found: bool) -> None:
    search = PhraseSearch.of(_SEARCH_PHRASES)
    assert (re.compile(any_phrase(_SEARCH_PHRASES)).search(text, start) is not None) == found
    assert search.found_in(text, start, len(text)) == found


def _plain_sentence_start(text: str, position: int, window: int) -> int:
    start = max(0, position - window)
    for boundary in re.finditer(r"[.!?](?=\s)|\n", text[:position]):
        if boundary.start() >= start:
            start = boundary.end()
    return start


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab .!?\n\t\u2028\xa0", max_size=40), st.integers(0, 45), st.integers(0, 45))
def test_sentence_start_is_after_the_last_break_of_the_window(text: str, position: int, window: int) -> None:
    position = min(position, len(text))
    assert sentence_start(text, position, window) == _plain_sentence_start(text, position, window)
