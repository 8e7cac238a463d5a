"""Official project codes: "CZ03-0097", "CZ.03.2.63/0.0/0.0/15_007/0001234", "2019-1-SK01-KA204-060712",
and whatever code follows a project-number label ("Číslo projektu:", "ITMS kód:", "Project number").

A call's reference is not a project code: after a label that stands in a sentence about a call ("výzvu
... ref. číslo SK 2016 AMIF SC2.1") only a value with a project code's shape is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pipeline.extract.phrases import (
    LANGUAGES, DataTable, PhraseIndex, PhraseSearch, build_index, occurrences, sentence_start,
)
from pipeline.models import Mention
from pipeline.spans import make_evidence

_DATA = "codes"

# Each shape as its first character and the rest.
_SHAPES = {
    # EU funds registration numbers, 2014-2020 "CZ.03.2.63/0.0/0.0/15_007/0001234" and 2021-2027
    # "CZ.03.02.01/00/22_005/0000123"; a call's number lacks the final project part
    "eu": (r"[A-Z]", r"[A-Z]\.\d{2}(?:\.\d{1,3}){1,3}(?:/[\d.]{1,5}){0,3}/\d{2}_\d{3}/\d{4,7}"),
    # Erasmus+: year, round, national agency, key action, number ("2021-1-CZ01-KA220-ADU-000033344")
    "erasmus": (r"\d", r"\d{3}-\d-[A-Z]{2}\d{2}-KA\d{3}(?:-[A-Z]{3})?-\d{6,9}"),
    # EEA and Norway Grants: beneficiary country (the first two letters), programme number, project
    # number ("CZ03-0097")
    "eea": (r"[A-Z]", r"[A-Z]\d{2}[-–]\d{4}"),
}
_SHAPE_RULES = {"eu": "code.eu_registration", "erasmus": "code.erasmus", "eea": "code.eea_grants"}
# One pattern, so that the text is scanned once: a first character not after a word character, ".", "/"
# or "-", then the rest of one shape (group "eu", "erasmus" or "eea"). The look-behind comes after the
# first character (it spans it), so that the pattern opens with a character set and the engine skips
# straight to the next capital or digit instead of testing the look-behind at every character.
_SHAPE = re.compile(
    r"[A-Z\d](?<![\w./-][A-Z\d])(?:"
    + "|".join(rf"(?<={first})(?P<{name}>{rest})" for name, (first, rest) in _SHAPES.items())
    + r")(?![\w/-])"
)

# Each shape holds a rarer character at a fixed offset from its start: "." after two capitals ("CZ.03"), a
# dash after four characters ("2021-1-", "CZ03-0097"). A pattern opening with one literal character lets the
# engine find those fast, where a pattern opening with a set ([A-Z\d]) enters at every capital and digit;
# the shape is then matched from the start each implies. Each mark pattern checks what the shapes need
# around the mark, so only the rare places where a shape may start are tried. Dashes are rare in prose:
# ``str.find`` skips to them many times faster than the engine's search, and each is then matched on its
# own; full stops end every sentence, and the engine's search passes over them in less time than a match
# call for each.
_FULL_STOP_MARK = (re.compile(r"\.(?<=[A-Z]{2}\.)(?=\d{2})"), 2)  # eu
_DASH_MARKS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("-", re.compile(r"-(?<=\d{4}-|[A-Z]{2}\d{2}-)(?=\d)"), 4),  # erasmus, eea
    ("–", re.compile(r"–(?<=[A-Z]{2}\d{2}–)(?=\d{4})"), 4),  # eea
)

# After a label: ":" or a dash, at most one blank line, then a code: one token, maybe followed by a few
# upper-case tokens holding a digit ("SK 2016"), never by a word of prose ("312041A123 Status").
_TOKEN_END = r"(?![^\s,;)\]])"
_LABEL_VALUE = re.compile(
    r"(?:[ \t]*[:–-])?[ \t]*(?:\n[ \t]*){0,2}"
    rf"(?P<value>[A-Za-z0-9][A-Za-z0-9./_+–-]{{0,60}}{_TOKEN_END}"
    rf"(?:[ \t]{{1,3}}[A-Z]{{0,6}}\d[A-Z0-9./_–-]{{0,40}}{_TOKEN_END}){{0,3}})"
)
_DIGIT = re.compile(r"\d")
_NOT_A_CODE = re.compile(r"(?:\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{4})?|(?:19|20)\d\d)")
_TRAILING = ".,;:/–-"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CodeData:
    labels: PhraseIndex
    call_cues: PhraseSearch
    eea_countries: frozenset[str]
    call_window: int


@cache
def code_data() -> CodeData:
    """Labels and call cues of all languages, checked and compiled once."""
    raw = DataTable.load(_DATA)
    labels: list[str] = []
    call_cues: list[str] = []
    for language in LANGUAGES:
        section = raw.table(language)
        labels += section.phrases("labels")
        call_cues += section.phrases("call_cues")
    shapes = raw.table("shapes")
    countries = shapes.phrases("eea_countries")
    if not all(re.fullmatch(r"[A-Z]{2}", country) for country in countries):
        raise shapes.error("eea_countries", "must hold ISO 3166-1 alpha-2 codes")
    return CodeData(
        labels=build_index([(label, "label", True) for label in labels], _DATA, shared=True),
        call_cues=PhraseSearch.of(call_cues),
        eea_countries=frozenset(countries),
        call_window=raw.table("limits").positive_int("call_window"),
    )


def _has_code_shape(text: str, start: int, end: int, data: CodeData) -> bool:
    found = _SHAPE.match(text, start, end)
    return found is not None and found.end() == end and _accepted_shape(found, data)


def _accepted_shape(found: re.Match[str], data: CodeData) -> bool:
    return found.group("eea") is None or found.group()[:2] in data.eea_countries


def _value_span(found: re.Match[str]) -> tuple[int, int]:
    start, end = found.span("value")
    while end > start and found.string[end - 1] in _TRAILING:
        end -= 1
    return start, end


def _labelled_codes(text: str, data: CodeData) -> Iterator[Mention]:
    for label in data.labels.scan(text):
        found = _LABEL_VALUE.match(text, label.end)
        if found is None:
            continue
        start, end = _value_span(found)
        value = _SPACES.sub(" ", text[start:end])
        if not _DIGIT.search(value) or _NOT_A_CODE.fullmatch(value):
            continue
        window_start = sentence_start(text, label.start, data.call_window)
        in_call_sentence = data.call_cues.found_in(text, window_start, label.start)
        if in_call_sentence and not _has_code_shape(text, start, end, data):
            continue
        yield Mention(value=value, evidence=make_evidence(text, start, end), rule="code.label")


def _shape_starts(text: str) -> list[int]:
    """Where a shape may start, in text order: before each mark its pattern accepts."""
    full_stop, offset = _FULL_STOP_MARK
    starts = {mark.start() - offset for mark in full_stop.finditer(text)}
    for dash, pattern, offset in _DASH_MARKS:
        starts.update(place - offset for place in occurrences(text, dash) if pattern.match(text, place) is not None)
    return sorted(starts)


def shape_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_SHAPE.finditer(text)``, found from the shapes' marks (see ``_shape_starts``)."""
    starts = _shape_starts(text)
    end = 0  # matches do not overlap: the next one starts after the previous one
    for start in starts:
        if start < end:
            continue
        found = _SHAPE.match(text, start)
        if found is not None:
            end = found.end()
            yield found


def _shaped_codes(text: str, data: CodeData) -> Iterator[Mention]:
    for found in shape_matches(text):
        if _accepted_shape(found, data) and found.lastgroup is not None:
            rule = _SHAPE_RULES[found.lastgroup]
            yield Mention(value=found.group(), evidence=make_evidence(text, found.start(), found.end()), rule=rule)


def extract_project_codes(text: str, language: str) -> list[Mention]:
    """Project codes, best first: labelled codes in text order, then codes known by their shape.

    Each value appears once (its first, best-ranked mention). ``language`` is a hint only.
    """
    data = code_data()
    codes: dict[str, Mention] = {}
    for mention in (*_labelled_codes(text, data), *_shaped_codes(text, data)):
        codes.setdefault(mention.value, mention)
    return list(codes.values())
