"""Project codes: labelled codes first, then codes known by their shape; a call's reference is not one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import codes as codes_module
from pipeline.extract import phrases as phrases_module
from pipeline.extract.codes import extract_project_codes
from pipeline.lexicon import LexiconError


def codes(text: str, language: str) -> list[str]:
    return [mention.value for mention in extract_project_codes(text, language)]


CS_CASES = [
    ("Číslo projektu: CZ03-0097", ["CZ03-0097"]),
    ("Registrační číslo projektu: CZ.03.2.63/0.0/0.0/15_007/0001234.", ["CZ.03.2.63/0.0/0.0/15_007/0001234"]),
    ("Reg. č. CZ.03.02.01/00/22_005/0000123", ["CZ.03.02.01/00/22_005/0000123"]),
    ("Kód projektu: 2020-1-CZ01-KA204-078328", ["2020-1-CZ01-KA204-078328"]),
    ("Číslo projektu:\n\nAMIF/12/04", ["AMIF/12/04"]),
    ("Projekt CZ.03.2.63/0.0/0.0/15_007/0001234 navazuje na předchozí.", ["CZ.03.2.63/0.0/0.0/15_007/0001234"]),
    # a call's number lacks the project part; a call's label is not a project label
    ("Výzva č. 03_15_007, registrační číslo výzvy CZ.03.2.63/0.0/0.0/15_007", []),
    ("Číslo projektu: 12. 3. 2019", []),
    ("Výzva HROVA1B podporuje romské poradce.", []),
]

SK_CASES = [
    ("ITMS2014+ kód: 312041A123", ["312041A123"]),
    ("Kód projektu v ITMS2014+: 312041A123 Stav: ukončený", ["312041A123"]),
    ("Registračné číslo projektu: SK09-0123", ["SK09-0123"]),
    ("Číslo projektu 2019-1-SK01-KA204-060712", ["2019-1-SK01-KA204-060712"]),
    # a call's reference: null in the gold
    ("vyhlásilo otvorenú výzvu na predkladanie žiadostí o grant ref. číslo SK 2016 AMIF SC2.1 v súlade", []),
    # ... unless it has a project code's shape
    ("výzva ref. č. SK09-0123", ["SK09-0123"]),
    ("na cieľovú skupinu A, kód B", []),
]

EN_CASES = [
    ("Project Number:\nCZ03-0097\nTarget groups", ["CZ03-0097"]),
    ("Project code: LT04-0001", ["LT04-0001"]),
    ("Reference: AMIF/12/04.", ["AMIF/12/04"]),
    ("Project number: CZ03 0097, status completed", ["CZ03 0097"]),
    ("Project number:  CZ03-0097 EEA Grants", ["CZ03-0097"]),
    ("Projects SK09-0123 and LT04-0001.", ["SK09-0123", "LT04-0001"]),
    # not a beneficiary state of the EEA and Norway Grants
    ("Model XX04-0001 was sold.", []),
    ("With reference to the 2019 report", []),
    ("The call reference CZ03-0097 stays open.", ["CZ03-0097"]),
    ("Call reference: ACF 2020/3", []),
]


@pytest.mark.parametrize(("text", "expected"), CS_CASES)
def test_cs(text: str, expected: list[str]) -> None:
    assert codes(text, "cs") == expected


@pytest.mark.parametrize(("text", "expected"), SK_CASES)
def test_sk(text: str, expected: list[str]) -> None:
    assert codes(text, "sk") == expected


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_en(text: str, expected: list[str]) -> None:
    assert codes(text, "en") == expected


def test_labelled_code_ranks_first() -> None:
    text = "Partner project CZ03-0011 is related.\nProject number: CZ03-0097"
    mentions = extract_project_codes(text, "en")
    assert [(m.value, m.rule) for m in mentions] == [("CZ03-0097", "code.label"), ("CZ03-0011", "code.eea_grants")]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("CZ.03.2.63/0.0/0.0/15_007/0001234", "code.eu_registration"),
        ("2021-1-CZ01-KA220-ADU-000033344", "code.erasmus"),
        ("SK09-0123", "code.eea_grants"),
    ],
)
def test_shape_rules(text: str, rule: str) -> None:
    [mention] = extract_project_codes(f"Kód {text} platí.", "cs")
    assert (mention.value, mention.rule) == (text, rule)


def test_whitespace_is_normalised_and_evidence_kept() -> None:
    text = "Project number: CZ03  0097"
    [mention] = extract_project_codes(text, "en")
    assert mention.value == "CZ03 0097"
    assert mention.evidence.text == "CZ03  0097" == text[mention.evidence.start : mention.evidence.end]


_FRAGMENTS = [
    "Číslo projektu:", "Project number", "ITMS2014+ kód:", "ref. číslo", "výzva", "CZ03-0097", " ", "\n",
    "CZ.03.2.63/0.0/0.0/15_007/0001234", "2019-1-SK01-KA204-060712", "312041A123", ".", ",", "Status",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=16))
def test_evidence_is_the_text_at_its_offsets(parts: list[str]) -> None:
    text = "".join(parts)
    found = extract_project_codes(text, "cs")
    for mention in found:
        assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text
        assert " ".join(mention.evidence.text.split()) == mention.value
    assert len({mention.value for mention in found}) == len(found)


def test_malformed_data_names_file_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    codes_module.code_data.cache_clear()
    monkeypatch.setattr(phrases_module, "load_data", lambda name: {"cs": {"labels": ["Číslo projektu"]}})
    try:
        with pytest.raises(LexiconError, match=r"^codes\.toml: cs\.call_cues must be a list"):
            codes_module.code_data()
    finally:
        monkeypatch.undo()
        codes_module.code_data.cache_clear()


# --- the shape pattern ------------------------------------------------------------------------------

_PLAIN_SHAPE = re.compile(
    r"(?<![\w./-])(?:(?P<eu>[A-Z]{2}\.\d{2}(?:\.\d{1,3}){1,3}(?:/[\d.]{1,5}){0,3}/\d{2}_\d{3}/\d{4,7})"
    r"|(?P<erasmus>\d{4}-\d-[A-Z]{2}\d{2}-KA\d{3}(?:-[A-Z]{3})?-\d{6,9})"
    r"|(?P<eea>[A-Z]{2}\d{2}[-–]\d{4}))(?![\w/-])"
)
_SHAPE_PIECES = ["CZ03-0097", "CZ.03.2.63/0.0/0.0/15_007/0001234", "2021-1-CZ01-KA220-ADU-000033344",
                 "x", "/", ".", "-", " ", "A", "1", "SK"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SHAPE_PIECES), max_size=8))
def test_shape_pattern_is_the_plain_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = [(m.span(), m.lastgroup) for m in codes_module._SHAPE.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in _PLAIN_SHAPE.finditer(text)]


def test_eea_code_country_is_its_first_two_letters() -> None:
    values = [mention.value for mention in extract_project_codes("Projekty CZ03-0097 a US03-0097.", "cs")]
    assert values == ["CZ03-0097"]


_MARK_PIECES = [*_SHAPE_PIECES, "–", "CZ03–0097", "2021-1-", "KA2", "_", "9", "Z", "CZ.", ".0", "0/", "١"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_MARK_PIECES), max_size=12))
def test_shape_matches_found_from_marks_are_the_full_scan(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = [(m.span(), m.lastgroup) for m in codes_module.shape_matches(text)]
    assert found == [(m.span(), m.lastgroup) for m in codes_module._SHAPE.finditer(text)]


_CALL_PIECES = ["call", "Calls", "call for proposals", "open", "grant", "výzva", "výzvy", "výzev", "grantové",
                "výziev", "grantovej", "VÝZVA", "ref.", "Číslo projektu", " ", "\n", "(", "x", "ſ", "\U0001d400"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CALL_PIECES), max_size=12), st.integers(0, 12), st.integers(0, 12))
def test_call_cues_are_found_where_their_alternation_is(pieces: list[str], first: int, last: int) -> None:
    text = "".join(pieces)
    bounds = [len("".join(pieces[:count])) for count in range(len(pieces) + 1)]
    start, end = bounds[min(first, len(pieces))], bounds[min(last, len(pieces))]
    cues = [cue for language in ("cs", "sk", "en")
            for cue in phrases_module.DataTable.load("codes").table(language).phrases("call_cues")]
    plain = re.compile(phrases_module.alternation(cues))
    assert codes_module.code_data().call_cues.found_in(text, start, end) == (plain.search(text, start, end) is not None)
