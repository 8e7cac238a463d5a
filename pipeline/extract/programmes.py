"""Funding programmes a text names as funding the work it reports on, as the contract's names.

Listed programmes (EEA Grants, Erasmus+, AMIF ...) are found by their names in the three languages and
every grammatical case (``pipeline/data/programmes.toml``). Any other named funder becomes "Other", but
only after a funding cue ("financováno z", "podporený z", "funded by", "Financování:"). A programme named
after a future-plan cue in the same sentence ("will be submitted to the Active Citizens Fund") is left
out: it does not fund the work.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from pipeline.extract.phrases import (
    LANGUAGES,
    LOWER_LETTERS,
    UPPER_LETTERS,
    DataTable,
    PhraseHit,
    PhraseIndex,
    PhraseSearch,
    build_index,
    line_opening,
    lowered_condition,
    sentence_start,
)
from pipeline.folding import lower_same_length
from pipeline.models import FUNDING_PROGRAMMES, Mention
from pipeline.spans import make_evidence

OTHER = "Other"
_CUE = "funding cue"
_DATA = "programmes"


# --- data ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgrammeData:
    # programme names (tag: "EEA Grants", "EEA Grants + Norway Grants") and funding cues (tag: _CUE), in
    # one index so that the text is scanned once
    phrases: PhraseIndex
    # "Financování:" at a line start of the lower-cased text (``lower_same_length``): at the text's start
    # (matched there), or after a line break (searched for: a pattern opening with the break lets the engine
    # skip from line to line)
    label: re.Pattern[str]
    label_after_break: re.Pattern[str]
    future: PhraseSearch
    fillers: frozenset[str]
    heads: tuple[str, ...]
    generic: tuple[str, ...]
    max_name_words: int
    head_window: int
    max_fillers: int
    future_window: int
    sub_fund_window: int


def _programme_values(key: str) -> tuple[str, ...]:
    return tuple(key.split(" + "))


def _name_entries(names: DataTable, ignore_case: bool) -> list[tuple[str, str, bool]]:
    entries = []
    for key in names.keys():
        if not all(value in FUNDING_PROGRAMMES for value in _programme_values(key)):
            raise names.error(key, "is not a funding programme of the contract (or two joined by ' + ')")
        entries += [(phrase, key, ignore_case) for phrase in names.phrases(key)]
    return entries


def _label_line(labels: list[str]) -> str:
    """A funding label and its colon at the start of a line of the lower-cased text, maybe as a bullet
    ("• financování:"): where ``[ \\t]*(?:•[ \\t]*)?`` + ``any_phrase(labels)`` + ``[ \\t]*:`` matches the text.

    The labels as a trie (``lowered_condition``): where a label and its colon stand, no other label does
    (labels are whole words without a colon), so the match is the one of their alternation. Case-sensitive
    in the lower-cased text, the engine skips the trie's branches of other letters by one test each. A
    label follows a line start, blanks or a bullet (``line_opening``), never a word character.
    """
    return line_opening(lowered_condition(labels) + r"[ \t]*:")


@cache
def programme_data() -> ProgrammeData:
    """The programme names and cues of all languages, checked and compiled once."""
    raw = DataTable.load(_DATA)
    common = raw.table("common")
    entries = _name_entries(common.table("names"), True) + _name_entries(common.table("exact"), False)
    cues: list[str] = []
    labels: list[str] = []
    future: list[str] = []
    fillers: set[str] = set()
    heads: list[str] = []
    generic: list[str] = []
    for language in LANGUAGES:
        section = raw.table(language)
        entries += _name_entries(section.table("names"), True)
        cues += section.phrases("funding_cues")
        labels += section.phrases("funding_labels")
        future += section.phrases("future_cues")
        fillers.update(word.lower() for word in section.phrases("fillers"))
        heads += [head.lower() for head in section.phrases("funder_heads")]
        generic += [phrase.lower() for phrase in section.phrases("generic_funders")]
    limits = raw.table("limits")
    return ProgrammeData(
        phrases=build_index(entries + [(cue, _CUE, True) for cue in cues], _DATA, shared=True),
        label=re.compile(_label_line(labels)),
        label_after_break=re.compile("\n" + _label_line(labels)),
        future=PhraseSearch.of(future),
        fillers=frozenset(fillers),
        heads=tuple(heads),
        generic=tuple(generic),
        max_name_words=limits.positive_int("max_name_words"),
        head_window=limits.positive_int("head_window"),
        max_fillers=limits.positive_int("max_fillers"),
        future_window=limits.positive_int("future_window"),
        sub_fund_window=limits.positive_int("sub_fund_window"),
    )


# --- future plans -------------------------------------------------------------------------------------

def _is_future_plan(text: str, start: int, data: ProgrammeData) -> bool:
    return data.future.found_in(text, sentence_start(text, start, data.future_window), start)


# --- "Other": a named funder after a funding cue --------------------------------------------------------

# a name runs to the next comma, bracket, quote or line end ...
_CLAUSE = re.compile(r"[^,;:()\[\]\n\"„“«»]{1,200}")
# ... or to a sentence end (not the dot of a short lower-case abbreviation: "hl. m. Prahy"), or a dash:
# "(?<![ ][a-z])(?<![ ][a-z]{2})[.!?](?=\s+[A-Z]|\s*$)|\s[-–—]\s" (with all letters), written to open with
# one set of characters (which the engine skips to) and to look back from after it
_CLAUSE_END = re.compile(
    rf"[.!?\s](?:(?<=[.!?])(?<![ ][{LOWER_LETTERS}].)(?<![ ][{LOWER_LETTERS}]{{2}}.)(?=\s+[{UPPER_LETTERS}]|\s*$)"
    rf"|(?<=\s)[-–—]\s)"
)
_NAME_TOKEN = re.compile(r"\S+")
_TRAILING = ".'\"-–—"
# funders listed in a label's value: "Financování: Evropský fond ..., Magistrát hlavního města Praha"
_ITEM_SEPARATOR = re.compile(r"[,;]")


class FunderName(NamedTuple):  # a tuple: made for every name after a cue, in less time than a frozen class
    start: int
    end: int
    words: tuple[str, ...]


def _skip_fillers(text: str, position: int, data: ProgrammeData) -> tuple[int, list[str]]:
    """Position of the first word after the fillers that follow a cue, and the fillers.

    A filler is written in lower case: a capitalised "Fondu" already starts the name.
    """
    skipped: list[str] = []
    position = _skip_blanks(text, position)
    while len(skipped) < data.max_fillers:
        word = _NAME_TOKEN.match(text, position)
        if word is None or word.group() not in data.fillers:
            break
        skipped.append(word.group())
        position = _skip_blanks(text, word.end())
    return position, skipped


def _skip_blanks(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t":
        position += 1
    return position


def _funder_name(text: str, position: int, data: ProgrammeData) -> FunderName | None:
    """The capitalised name starting at ``position``, cut at the clause end and the word limit."""
    position = _skip_blanks(text, position)
    clause = _CLAUSE.match(text, position)
    if clause is None or not text[position].isupper():
        return None
    end = clause.end()
    clause_end = _CLAUSE_END.search(text, position, end)
    if clause_end is not None:
        end = clause_end.start()
    words, name_end = _first_words(text, position, end, data.max_name_words)
    if not words:
        return None
    while name_end > position and text[name_end - 1] in _TRAILING:
        name_end -= 1
    return FunderName(position, name_end, words)


def _first_words(text: str, start: int, end: int, count: int) -> tuple[tuple[str, ...], int]:
    """The first ``count`` words (``_NAME_TOKEN``) of ``text[start:end]``, and where the last of them ends.

    ``str.split`` splits at the white space ``\\S`` excludes (the same Unicode test); one call reads the
    words, where the engine would be entered once for each.
    """
    piece = text[start:end]
    words = piece.split(None, count)
    if len(words) > count:  # the rest of the piece, after the white space that follows the last word
        piece = piece[: len(piece) - len(words.pop())]
    return tuple(words), start + len(piece.rstrip())


def _names_a_funder(name: FunderName, fillers: list[str], text: str, data: ProgrammeData) -> bool:
    lowered = text[name.start : name.end].lower()
    if lowered.startswith(data.generic):
        return False
    window = [word.lower() for word in (*fillers, *name.words[: data.head_window])]
    return any(word.startswith(data.heads) for word in window)


def _cue_name_starts(
    text: str, data: ProgrammeData, cue_hits: list[PhraseHit]
) -> Iterator[tuple[int, list[str], str]]:
    """(name position, fillers, rule) after every prose cue and in every funding-label value."""
    for hit in cue_hits:
        position, fillers = _skip_fillers(text, hit.end, data)
        yield position, fillers, "programme.other_cue"
    for label_end in _label_ends(text, data):
        line_start, line_end = _label_value_line(text, label_end)
        item_start = line_start
        for separator in _ITEM_SEPARATOR.finditer(text, line_start, line_end):
            yield item_start, [], "programme.other_label"
            item_start = separator.end()
        yield item_start, [], "programme.other_label"


def _label_ends(text: str, data: ProgrammeData) -> Iterator[int]:
    """Where the funding labels at line starts end, in text order (labels never overlap)."""
    lowered = lower_same_length(text)  # lower_same_length keeps the document's copy
    position = 0
    first = data.label.match(lowered)
    if first is not None:
        position = first.end()
        yield position
    for label in data.label_after_break.finditer(lowered, position):
        yield label.end()


def _label_value_line(text: str, position: int) -> tuple[int, int]:
    """The label's value: the rest of its line, or the next non-blank line, past one blank line at most.

    "Financování:\n\nEvropský fond pro integraci ..." puts the funders two lines below the label.
    """
    for _ in range(3):  # the label's own line, the next one, one after a blank line
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if text[position:end].strip() or end == len(text):
            return position, end
        position = end + 1
    return position, position


def _is_sub_fund(name: FunderName, text: str, listed: _ListedIndex, cues: _CueIndex, window: int) -> bool:
    """A fund that a listed programme finances ("..., ktorý je financovaný z Finančného mechanizmu EHP")."""
    for mention in listed.starting_in(name.end, name.end + window):
        start = mention.evidence.start
        if mention.value == OTHER or "\n" in text[name.end : start]:
            continue
        if cues.any_within(name.end, start):
            return True
    return False


class _ListedIndex:
    """The listed programmes' mentions (in text order) by start, for the few near a name."""

    def __init__(self, mentions: list[Mention]) -> None:
        self._mentions = mentions
        self._starts = [mention.evidence.start for mention in mentions]

    def starting_in(self, low: int, high: int) -> list[Mention]:
        """The mentions that start in ``low..high`` (both included)."""
        return self._mentions[bisect_left(self._starts, low) : bisect_right(self._starts, high)]


class _CueIndex:
    """Funding-cue hits (in text order, never overlapping, so their ends rise too)."""

    def __init__(self, hits: list[PhraseHit]) -> None:
        self._starts = [hit.start for hit in hits]
        self._ends = [hit.end for hit in hits]

    def any_within(self, start: int, end: int) -> bool:
        """Some cue lies wholly inside ``start..end``: the first one starting there ends first."""
        index = bisect_left(self._starts, start)
        return index < len(self._starts) and self._ends[index] <= end


class _Coverage:
    """Which characters of the text some kept span covers: an overlap test in the span's own length,
    not in the number of spans (a text with thousands of cues and names stays linear)."""

    def __init__(self, length: int) -> None:
        self._covered = bytearray(length)

    def add(self, start: int, end: int) -> None:
        self._covered[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._covered.find(1, start, end) >= 0


def _other_mentions(
    text: str, listed: list[Mention], cue_hits: list[PhraseHit], data: ProgrammeData
) -> list[Mention]:
    found: list[Mention] = []
    # listed and kept names are never empty spans, so covered characters are an exact overlap test
    taken = _Coverage(len(text))
    for mention in listed:
        taken.add(mention.evidence.start, mention.evidence.end)
    listed_index, cue_index = _ListedIndex(listed), _CueIndex(cue_hits)
    for position, fillers, rule in _cue_name_starts(text, data, cue_hits):
        name = _funder_name(text, position, data)
        if name is None or not _names_a_funder(name, fillers, text, data):
            continue
        if taken.overlaps(name.start, name.end):
            continue
        if _is_sub_fund(name, text, listed_index, cue_index, data.sub_fund_window):
            continue
        if _is_future_plan(text, name.start, data):
            continue
        evidence = make_evidence(text, name.start, name.end)
        found.append(_new_mention({"value": OTHER, "evidence": evidence, "rule": rule}))
        taken.add(evidence.start, evidence.end)
    return found


# the model's validator given a dict: the same checks as the keyword constructor, in less time per mention
_new_mention = Mention.__pydantic_validator__.validate_python


# --- public -------------------------------------------------------------------------------------------


def _listed_mentions(text: str, name_hits: list[PhraseHit], data: ProgrammeData) -> list[Mention]:
    mentions: list[Mention] = []
    for hit in name_hits:
        if _is_future_plan(text, hit.start, data):
            continue
        evidence = make_evidence(text, hit.start, hit.end)
        for value in _programme_values(hit.tag):
            rule = "programme.other_name" if value == OTHER else "programme.name"
            mentions.append(_new_mention({"value": value, "evidence": evidence, "rule": rule}))
    return mentions


def extract_programmes(text: str, language: str) -> list[Mention]:
    """Every mention of a funding programme, in text order; a value repeats once per mention.

    ``language`` is a hint only: names and cues of all three languages apply, as documents mix them.
    "EEA and Norway Grants" yields two mentions (EEA Grants, Norway Grants) with one evidence span.
    """
    data = programme_data()
    hits = list(data.phrases.scan(text))
    listed = _listed_mentions(text, [hit for hit in hits if hit.tag != _CUE], data)
    mentions = listed + _other_mentions(text, listed, [hit for hit in hits if hit.tag == _CUE], data)
    return sorted(mentions, key=lambda mention: (mention.evidence.start, FUNDING_PROGRAMMES.index(mention.value)))


def programme_values(mentions: list[Mention]) -> list[str]:
    """The distinct programme values of ``mentions``, in first-mention order."""
    return list(dict.fromkeys(mention.value for mention in mentions))
