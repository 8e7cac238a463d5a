"""Funding programmes a text names as funding the work it reports on, as the contract's names.

Listed programmes (EEA Grants, Erasmus+, AMIF ...) are found by their names in the three languages and
every grammatical case (``pipeline/data/programmes.toml``). Any other named funder becomes "Other", but
only after a funding cue ("financováno z", "podporený z", "funded by", "Financování:"). A programme named
after a future-plan cue in the same sentence ("will be submitted to the Active Citizens Fund") is left
out: it does not fund the work.

The module also holds what the extractors reading phrase lists from data share: the phrase notation
(``phrase_regex``), checked access to a data file (``DataTable``) and a fast index of many phrases
(``PhraseIndex``); codes, contacts and target groups import them from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.lexicon import LexiconError, load_data
from pipeline.models import FUNDING_PROGRAMMES, Mention
from pipeline.spans import make_evidence

LANGUAGES: tuple[str, ...] = ("cs", "sk", "en")
OTHER = "Other"
_CUE = "funding cue"
_DATA = "programmes"

# Latin letters by case, for patterns that need a capital ("Magistrátem", "Ľudské"); \w has no case.
UPPER_LETTERS = "".join(chr(code) for code in range(0x41, 0x250) if chr(code).isalpha() and chr(code).isupper())
LOWER_LETTERS = "".join(chr(code) for code in range(0x61, 0x250) if chr(code).isalpha() and chr(code).islower())

# --- phrase notation ----------------------------------------------------------------------------------
# "{a,b,}" picks one alternative (the empty one too); a space stands for any run of white space.

_BRACES = re.compile(r"\{([^{}]*)\}")
_SPACES = re.compile(r" +")


def _literal_regex(literal: str) -> str:
    if "{" in literal or "}" in literal:
        raise ValueError(f"unbalanced brace in {literal!r}")
    return r"\s+".join(re.escape(word) for word in _SPACES.split(literal))


def phrase_regex(phrase: str) -> str:
    """Regex source for a data phrase: ``fond{,u,em} pro azyl`` -> fond, fondu, fondem pro azyl."""
    parts: list[str] = []
    position = 0
    for braces in _BRACES.finditer(phrase):
        parts.append(_literal_regex(phrase[position : braces.start()]))
        options = sorted((_literal_regex(option) for option in braces.group(1).split(",")), key=len, reverse=True)
        parts.append("(?:" + "|".join(options) + ")")
        position = braces.end()
    parts.append(_literal_regex(phrase[position:]))
    return "".join(parts)


def alternation(phrases: list[str], ignore_case: bool = True) -> str:
    """One regex source matching any of the phrases, longest first, as whole words."""
    flags = "i" if ignore_case else "-i"
    ordered = sorted(phrases, key=len, reverse=True)
    return rf"(?<!\w)(?{flags}:" + "|".join(phrase_regex(phrase) for phrase in ordered) + r")(?!\w)"


@dataclass(frozen=True, slots=True)
class DataTable:
    """A table of a data file, read through checks that name the file and the key on malformed data."""

    file: str
    path: str
    data: Mapping[str, Any]

    @classmethod
    def load(cls, name: str) -> DataTable:
        return cls(name, "", load_data(name))

    def error(self, key: str, problem: str) -> LexiconError:
        """An error about ``key`` of this table: "programmes.toml: cs.fillers must be ..."."""
        where = f"{self.path}.{key}" if self.path else key
        return LexiconError(f"{self.file}.toml: {where} {problem}")

    def table(self, key: str) -> DataTable:
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            raise self.error(key, "must be a table")
        return DataTable(self.file, f"{self.path}.{key}" if self.path else key, value)

    def keys(self) -> list[str]:
        return list(self.data)

    def phrases(self, key: str) -> list[str]:
        """A list of phrases in valid notation."""
        value = self.data.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self.error(key, "must be a list of non-empty strings")
        for item in value:
            try:
                phrase_regex(item)
            except ValueError as exc:
                raise self.error(key, str(exc)) from exc
        return value

    def positive_int(self, key: str) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise self.error(key, "must be a positive integer")
        return value


# --- phrase index -------------------------------------------------------------------------------------
# Hundreds of inflected names in one alternation cost a try per phrase at every word start; indexing the
# phrases by the first two letters of their first word tries only the few that can start at a given word.

_WORD = re.compile(r"\w+")
_KEY_LENGTH = 2


def _lower_same_length(text: str) -> str:
    """``text`` lower-cased, offsets kept (a few letters, such as "İ", lower-case to two characters)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(char.lower()[0] for char in text)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    start: int
    end: int
    tag: str


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Tagged phrases, indexed by the first two letters of their first word (lower-cased)."""

    keys: re.Pattern[str]  # a key at a word start of the lower-cased text, the longer key first
    patterns: Mapping[str, re.Pattern[str]]  # key -> the phrases under it
    tags: Mapping[str, str]  # group name -> tag

    def scan(self, text: str) -> Iterator[PhraseHit]:
        """Non-overlapping hits in text order; at one word start the longest phrase wins."""
        resume = 0
        for key in self.keys.finditer(_lower_same_length(text)):
            start = key.start()
            if start < resume:
                continue
            found = self.patterns[key.group()].match(text, start)
            if found is not None and found.lastgroup is not None:
                resume = found.end()
                yield PhraseHit(start, found.end(), self.tags[found.lastgroup])


def build_index(tagged: list[tuple[str, str, bool]], file: str) -> PhraseIndex:
    """Index of (phrase, tag, ignore_case) triples; a phrase's first two letters must be literal."""
    by_key: dict[str, list[tuple[str, str, bool]]] = {}
    for phrase, tag, ignore_case in tagged:
        head = _WORD.match(phrase)
        if head is None or (len(head.group()) < _KEY_LENGTH and phrase[head.end() : head.end() + 1] == "{"):
            raise LexiconError(f"{file}.toml: phrase {phrase!r} must start with two literal letters")
        by_key.setdefault(head.group()[:_KEY_LENGTH].lower(), []).append((phrase, tag, ignore_case))
    patterns: dict[str, re.Pattern[str]] = {}
    tags: dict[str, str] = {}
    for key, entries in by_key.items():
        branches = []
        for phrase, tag, ignore_case in sorted(entries, key=lambda entry: len(entry[0]), reverse=True):
            group = f"p{len(tags)}"
            tags[group] = tag
            flags = "i" if ignore_case else "-i"
            branches.append(f"(?P<{group}>(?{flags}:{phrase_regex(phrase)}))(?!\\w)")
        patterns[key] = re.compile("|".join(branches))
    keys = re.compile(r"\b(?:" + "|".join(re.escape(key) for key in sorted(patterns, key=len, reverse=True)) + ")")
    return PhraseIndex(keys, patterns, tags)


# --- data ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgrammeData:
    # programme names (tag: "EEA Grants", "EEA Grants + Norway Grants") and funding cues (tag: _CUE), in
    # one index so that the text is scanned once
    phrases: PhraseIndex
    labels: re.Pattern[str]  # "Financování:" at a line start
    future: re.Pattern[str]
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
        phrases=build_index(entries + [(cue, _CUE, True) for cue in cues], _DATA),
        labels=re.compile(r"^[ \t]*(?:•[ \t]*)?" + alternation(labels) + r"[ \t]*:", re.MULTILINE),
        future=re.compile(alternation(future)),
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

_SENTENCE_BREAK = re.compile(r"[.!?](?=\s)|\n")


def sentence_start(text: str, position: int, window: int) -> int:
    """Start of the sentence holding ``position``, looking back at most ``window`` characters."""
    start = max(0, position - window)
    for boundary in _SENTENCE_BREAK.finditer(text, start, position):
        start = boundary.end()
    return start


def _is_future_plan(text: str, start: int, data: ProgrammeData) -> bool:
    return data.future.search(text, sentence_start(text, start, data.future_window), start) is not None


# --- "Other": a named funder after a funding cue --------------------------------------------------------

# a name runs to the next comma, bracket, quote or line end ...
_CLAUSE = re.compile(r"[^,;:()\[\]\n\"„“«»]{1,200}")
# ... or to a sentence end (not the dot of a short lower-case abbreviation: "hl. m. Prahy"), or a dash
_CLAUSE_END = re.compile(
    rf"(?<![ ][{LOWER_LETTERS}])(?<![ ][{LOWER_LETTERS}]{{2}})[.!?](?=\s+[{UPPER_LETTERS}]|\s*$)|\s[-–—]\s"
)
_NAME_TOKEN = re.compile(r"\S+")
_TRAILING = ".'\"-–—"
# funders listed in a label's value: "Financování: Evropský fond ..., Magistrát hlavního města Praha"
_ITEM_SEPARATOR = re.compile(r"[,;]")


@dataclass(frozen=True, slots=True)
class FunderName:
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
    words = list(_NAME_TOKEN.finditer(text, position, end))[: data.max_name_words]
    if not words:
        return None
    name_end = words[-1].end()
    while name_end > position and text[name_end - 1] in _TRAILING:
        name_end -= 1
    return FunderName(position, name_end, tuple(word.group() for word in words))


def _names_a_funder(name: FunderName, fillers: list[str], text: str, data: ProgrammeData) -> bool:
    lowered = text[name.start : name.end].lower()
    if any(lowered.startswith(generic) for generic in data.generic):
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
    for label in data.labels.finditer(text):
        line_start, line_end = _label_value_line(text, label.end())
        item_start = line_start
        for separator in _ITEM_SEPARATOR.finditer(text, line_start, line_end):
            yield item_start, [], "programme.other_label"
            item_start = separator.end()
        yield item_start, [], "programme.other_label"


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


def _is_sub_fund(
    name: FunderName, text: str, listed: list[Mention], cue_hits: list[PhraseHit], window: int
) -> bool:
    """A fund that a listed programme finances ("..., ktorý je financovaný z Finančného mechanizmu EHP")."""
    for mention in listed:
        start = mention.evidence.start
        if mention.value == OTHER or not name.end <= start <= name.end + window:
            continue
        if "\n" in text[name.end : start]:
            continue
        if any(name.end <= cue.start and cue.end <= start for cue in cue_hits):
            return True
    return False


def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(mention.evidence.start < end and start < mention.evidence.end for mention in mentions)


def _other_mentions(
    text: str, listed: list[Mention], cue_hits: list[PhraseHit], data: ProgrammeData
) -> list[Mention]:
    found: list[Mention] = []
    for position, fillers, rule in _cue_name_starts(text, data, cue_hits):
        name = _funder_name(text, position, data)
        if name is None or not _names_a_funder(name, fillers, text, data):
            continue
        if _overlaps(name.start, name.end, listed) or _overlaps(name.start, name.end, found):
            continue
        if _is_sub_fund(name, text, listed, cue_hits, data.sub_fund_window):
            continue
        if _is_future_plan(text, name.start, data):
            continue
        found.append(Mention(value=OTHER, evidence=make_evidence(text, name.start, name.end), rule=rule))
    return found


# --- public -------------------------------------------------------------------------------------------


def _listed_mentions(text: str, name_hits: list[PhraseHit], data: ProgrammeData) -> list[Mention]:
    mentions: list[Mention] = []
    for hit in name_hits:
        if _is_future_plan(text, hit.start, data):
            continue
        evidence = make_evidence(text, hit.start, hit.end)
        for value in _programme_values(hit.tag):
            rule = "programme.other_name" if value == OTHER else "programme.name"
            mentions.append(Mention(value=value, evidence=evidence, rule=rule))
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
