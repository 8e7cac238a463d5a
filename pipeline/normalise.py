"""Normalise decoded text, keeping a map from every normalised character back to the raw text.

What the later stages may rely on: line ends are ``\\n``; the text is NFC; mojibake (UTF-8 read as
Windows-1250/1252 or Latin-1) is repaired; every space character is an ASCII space; zero-width
characters, soft hyphens and stray control characters are gone; curly and low quotes are ``"`` and
``'``; a bullet at line start is ``• `` with no indentation; no line ends in a space; there is never
more than one blank line in a row, none at either end; page furniture (navigation, logo captions,
share buttons, cookie notices, see ``data/boilerplate.toml``) is dropped as whole lines.
Dashes are left as they are.

The work is done line by line, and ``NormalisedText.raw_offsets`` maps every character back to the
decoded raw text: one for one where nothing changed, to the misread bytes of a repaired letter
(computed from its UTF-8 length), to the base letter of a composed one. Removed lines are listed in
``NormalisedText.removed`` with their raw spans and the rule that removed them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from typing import Any, NamedTuple, overload

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs)

from pipeline.folding import strip_diacritics
from pipeline.lexicon import LexiconError, load_data

BOILERPLATE_DATA = "boilerplate"

# Line ends: CRLF, CR, LF, the Unicode line and paragraph separators, and the vertical tab and form
# feed that text converted from PDF or Word keeps between pages.
_LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\u2028\u2029]")
_OTHER_LINE_BREAKS = "\r\x0b\x0c\u2028\u2029"

# Removed outright: control characters (tab and line ends are handled apart), soft hyphen, zero-width
# and direction marks, word joiners, byte-order marks, and lone surrogates (which cannot be written).
_REMOVED_CHARS = (
    "\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
)
_REMOVED_RE = re.compile(f"[{_REMOVED_CHARS}]")  # one character: a search is three times faster
_REMOVED_RUN_RE = re.compile(f"[{_REMOVED_CHARS}]+")

# One character for one: every space separator (Unicode Zs) and the tab become a space; double and
# single quotation marks, low quotes, guillemets and primes become straight quotes.
_SPACE_CHARS = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u2035"
# (str.translate with a dict is ten times slower than these substitutions on non-ASCII text.)
_ONE_FOR_ONE_RE = re.compile(f"[{_SPACE_CHARS}{_DOUBLE_QUOTES}{_SINGLE_QUOTES}]")
_ONE_FOR_ONE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(f"[{_SPACE_CHARS}]"), " "),
    (re.compile(f"[{_DOUBLE_QUOTES}]"), '"'),
    (re.compile(f"[{_SINGLE_QUOTES}]"), "'"),
)

# A list bullet at line start: the usual bullet glyphs, the hyphen, asterisk and en dash used as
# bullets, and U+F0B7 / U+F0A7 that Word's Symbol-font bullets become. Must be followed by a space.
BULLET = "•"
_BULLET_CHARS = "•●▪◦‣∙·*–\\-○■□▫►▸➢➤◆♦✓✔❖\uf0b7\uf0a7"
_BULLET_RE = re.compile(f" *([{_BULLET_CHARS}])( ) *")


def _mojibake_characters() -> tuple[str, str]:
    """The characters a lead byte of a UTF-8 sequence and a continuation byte become in misread
    single-byte text.

    Leads are restricted to the bytes that start the characters these documents use (Latin-1 and
    Latin Extended-A letters, general punctuation, Greek, Cyrillic, BOM), so that genuine Czech pairs
    such as "íš" or "ěž" do not send every line to ftfy.
    """
    lead_bytes = bytes([0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xCB, 0xCE, 0xCF, 0xD0, 0xD1, 0xE2, 0xEF])
    continuation_bytes = bytes(range(0x80, 0xC0))
    leads: set[str] = set()
    continuations: set[str] = set()
    for codec in ("latin-1", "cp1252", "cp1250", "iso-8859-2"):
        leads.update(lead_bytes.decode(codec, errors="ignore"))
        continuations.update(continuation_bytes.decode(codec, errors="ignore"))
    return "".join(sorted(leads)), "".join(sorted(continuations))


_MOJIBAKE_LEADS, _MOJIBAKE_CONTINUATIONS = _mojibake_characters()
# A lead followed by a continuation: mojibake.
_MOJIBAKE_RE = re.compile(f"[{re.escape(_MOJIBAKE_LEADS)}][{re.escape(_MOJIBAKE_CONTINUATIONS)}]")
# The same for one lead at a time: a search that opens with one character skips to it at once, where
# one for a set of characters tests every character of the text against the set.
_MOJIBAKE_AFTER_LEAD = {
    lead: re.compile(f"{re.escape(lead)}[{re.escape(_MOJIBAKE_CONTINUATIONS)}]") for lead in _MOJIBAKE_LEADS
}


def _has_mojibake(text: str) -> bool:
    """``_MOJIBAKE_RE.search(text) is not None``, read lead by lead: most texts hold none of them,
    and ``in`` finds that out for each far faster than one search for all."""
    return any(_MOJIBAKE_AFTER_LEAD[lead].search(text) for lead in _MOJIBAKE_LEADS if lead in text)


# ftfy is rerun on its own output until nothing changes; real text settles after one round.
_MAX_REPAIR_ROUNDS = 3
# Code pages that UTF-8 text is misread with, tried in turn before ftfy.
_REENCODE_CODECS = ("sloppy-windows-1250", "sloppy-windows-1252", "latin-1")
_C1_OR_REPLACEMENT_RE = re.compile("[\x80-\x9f\ufffd]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")
# Byte-for-byte steps of a ftfy repair plan, whose character map can be computed exactly.
_SINGLE_BYTE_CODECS = frozenset(
    {"latin-1", "sloppy-windows-1252", "sloppy-windows-1250", "iso-8859-2", "sloppy-windows-1251", "macroman", "cp437"}
)


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line of page furniture dropped from the text: its raw span and the rule that matched."""

    start: int
    end: int
    rule: str


Runs = list[tuple[int, int]]
"""A character map in runs: (target offset where the run starts, source offset there); within a run
the source advances one character per target character. The first run starts at target 0."""


@dataclass(frozen=True, slots=True)
class OffsetMap(Sequence[int]):
    """Read-only sequence of raw offsets, stored as runs: O(log runs) look-up, a few runs per line.

    A document without changes inside its lines is one run.
    """

    starts: tuple[int, ...]
    raw_starts: tuple[int, ...]
    length: int

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self.length)))
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(f"offset {index} outside 0..{self.length - 1}")
        run = bisect_right(self.starts, index) - 1
        return self.raw_starts[run] + index - self.starts[run]

    def __iter__(self) -> Iterator[int]:
        bounds = (*self.starts[1:], self.length)
        for start, raw_start, end in zip(self.starts, self.raw_starts, bounds):
            yield from range(raw_start, raw_start + end - start)


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """Normalised text and, for each of its characters, the offset in the raw text it came from.

    ``raw_offsets`` has ``len(text) + 1`` entries (the last one for the end of the text) and is
    non-decreasing. ``removed`` lists the furniture lines that were dropped.
    """

    text: str
    raw_offsets: OffsetMap
    removed: tuple[RemovedLine, ...] = ()

    def __post_init__(self) -> None:
        if len(self.raw_offsets) != len(self.text) + 1:
            raise ValueError("raw_offsets must have one entry per character plus one for the end")

    def to_raw(self, offset: int) -> int:
        """Raw offset for a normalised offset in ``0..len(text)`` (a span's start or end)."""
        if not 0 <= offset <= len(self.text):
            raise IndexError(f"offset {offset} outside 0..{len(self.text)}")
        return self.raw_offsets[offset]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw (start, end) of the normalised span ``text[start:end]``."""
        return self.to_raw(start), self.to_raw(end)


class _Line(NamedTuple):
    """One normalised line: its text, its map into the raw text, and where its raw content ends."""

    text: str
    runs: Runs
    raw_end: int


def normalise(raw: str) -> NormalisedText:
    """Normalise ``raw`` (see the module doc); pure and idempotent."""
    # Mojibake can only be present, or appear once invisible characters go and accents compose, when
    # one of these holds; most documents take the plain path, without any per-line mojibake check.
    if unicodedata.is_normalized("NFC", raw) and not _has_mojibake(raw):
        plain = _normalise_plain(raw)
        if plain is not None:
            return plain
    return _normalise_lines(raw, True)


def _normalise_lines(raw: str, may_have_mojibake: bool) -> NormalisedText:
    """``normalise`` one line at a time, each line through every step (the general path)."""
    rules = furniture_rules()
    lines: list[_Line] = []
    removed: list[RemovedLine] = []
    for raw_start, raw_end in _line_spans(raw):
        raw_line = raw[raw_start:raw_end]
        text, runs, repaired = _normalise_line(raw_line, may_have_mojibake)
        rule = rules.match(text)
        if rule is not None:
            removed.append(RemovedLine(raw_start, raw_end, rule))
            continue
        absolute = [(target, raw_start + source) for target, source in (runs or _IDENTITY)]
        if repaired:
            end = len(raw_line)
        elif runs is None:
            end = len(text)  # one for one: the raw line starts with the text
        else:
            end = _content_end(raw_line, text, runs)
        lines.append(_Line(text, absolute, raw_start + end))
    return _assemble(_drop_extra_blank_lines(lines), tuple(removed))


_IDENTITY: Runs = [(0, 0)]
_TRAILING_BLANKS = frozenset(" " + _SPACE_CHARS)
# The first character of a line the bullet rule can match (the backslash only escapes the hyphen).
_BULLET_LINE_STARTS = frozenset(" " + _BULLET_CHARS.replace("\\", ""))


def _normalise_plain(raw: str) -> NormalisedText | None:
    """``normalise`` of text without invisible characters, in NFC and without mojibake; None when
    the text has an invisible character (found line by line: most lines are printable).

    Such text needs only the one-for-one replacements (done on the whole text: they keep every
    offset), the bullet rule, trailing spaces, furniture and blank lines; the map is built as runs
    directly. A line's raw content end is where its replaced text ends without trailing spaces.
    """
    rules = furniture_rules()
    text = _replace_one_for_one(raw)
    starts: list[int] = []
    sources: list[int] = []
    kept: list[str] = []
    removed: list[RemovedLine] = []
    position = 0  # length of the kept text so far, line feeds included
    previous_end = -1  # raw content end of the last kept line; -1 before the first
    blank_start = -1  # raw start of a blank line to keep if a non-blank line follows
    for line_start, line in _lines(raw, text):
        if not line.isprintable() and _REMOVED_RE.search(line):
            return None
        content = line.rstrip(" ")
        content_end = line_start + len(content)
        bullet = _BULLET_RE.match(line) if line[:1] in _BULLET_LINE_STARTS else None
        if bullet is not None:
            content = (BULLET + " " + line[bullet.end() :]).rstrip(" ")
        if not content:
            if previous_end >= 0 and blank_start < 0:
                blank_start = line_start
            continue
        rule = rules.match(content)
        if rule is not None:
            removed.append(RemovedLine(line_start, line_start + len(line), rule))
            continue
        if previous_end >= 0:
            if blank_start >= 0:  # the blank line: its line feed, then its own (empty) content
                _add_run(starts, sources, position, previous_end)
                kept.append("")
                position += 1
                previous_end = blank_start
                blank_start = -1
            _add_run(starts, sources, position, previous_end)  # the line feed stands for the raw line end
            position += 1
        if bullet is None:
            _add_run(starts, sources, position, line_start)
        else:
            for target, source in ((0, bullet.start(1)), (1, bullet.start(2)), (2, bullet.end())):
                if target < len(content):
                    _add_run(starts, sources, position + target, line_start + source)
        kept.append(content)
        position += len(content)
        previous_end = content_end
    _add_run(starts, sources, position, max(previous_end, 0))
    offsets = OffsetMap(tuple(starts), tuple(sources), position + 1)
    return NormalisedText("\n".join(kept), offsets, tuple(removed))


def _add_run(starts: list[int], sources: list[int], target: int, source: int) -> None:
    """Append a run unless it merely continues the one before (targets only grow here)."""
    if starts and source - sources[-1] == target - starts[-1]:
        return
    starts.append(target)
    sources.append(source)


# On a whole text, a str.replace per character is three times faster than the three substitutions.
_ONE_FOR_ONE_PAIRS: tuple[tuple[str, str], ...] = (
    *((char, " ") for char in _SPACE_CHARS),
    *((char, '"') for char in _DOUBLE_QUOTES),
    *((char, "'") for char in _SINGLE_QUOTES),
)


def _replace_one_for_one(text: str) -> str:
    """Spaces and quotes replaced one for one (the offsets stay)."""
    if text.isascii():
        return text.replace("\t", " ")
    for char, replacement in _ONE_FOR_ONE_PAIRS:
        text = text.replace(char, replacement)
    return text


def _lines(raw: str, text: str) -> Iterator[tuple[int, str]]:
    """(raw start, line of ``text``) for every line; ``text`` has the raw text's line ends at the same offsets."""
    if not any(char in raw for char in _OTHER_LINE_BREAKS):
        start = 0
        for line in text.split("\n"):
            yield start, line
            start += len(line) + 1
        return
    for start, end in _line_spans(raw):
        yield start, text[start:end]


def _content_end(raw_line: str, text: str, runs: Runs) -> int:
    """End of the raw line without the trailing blanks that normalising drops, so that a span ending
    at a line end maps to a raw span without them; never before the last character's source.

    Not for a repaired line, where a trailing no-break space or soft hyphen may be half of a misread
    letter ("Ă\xad" is "í").
    """
    end = len(raw_line)
    while end and (raw_line[end - 1] in _TRAILING_BLANKS or _REMOVED_RE.match(raw_line[end - 1])):
        end -= 1
    if text:
        target, source = next(run for run in reversed(runs) if run[0] < len(text))
        end = max(end, source + len(text) - target)
    return min(end, len(raw_line))


def _line_spans(raw: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, line ends excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    if not any(char in raw for char in _OTHER_LINE_BREAKS):
        for line in raw.split("\n"):
            spans.append((start, start + len(line)))
            start += len(line) + 1
        return spans
    for match in _LINE_BREAK_RE.finditer(raw):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(raw)))
    return spans


def _drop_extra_blank_lines(lines: list[_Line]) -> list[_Line]:
    """No blank line at either end, never two in a row."""
    kept: list[_Line] = []
    for line in lines:
        if not line.text and (not kept or not kept[-1].text):
            continue
        kept.append(line)
    while kept and not kept[-1].text:
        kept.pop()
    return kept


def _assemble(lines: list[_Line], removed: tuple[RemovedLine, ...]) -> NormalisedText:
    runs: Runs = []
    position = 0
    for index, line in enumerate(lines):
        if index:
            runs.append((position, lines[index - 1].raw_end))  # the line feed stands for the raw line end
            position += 1
        runs.extend((position + target, source) for target, source in line.runs if target < len(line.text))
        position += len(line.text)
    runs.append((position, lines[-1].raw_end if lines else 0))
    merged = _merge_runs(runs)
    offsets = OffsetMap(tuple(t for t, _ in merged), tuple(s for _, s in merged), position + 1)
    return NormalisedText("\n".join(line.text for line in lines), offsets, removed)


def _merge_runs(runs: Runs) -> Runs:
    """Drop empty runs and runs that merely continue the one before."""
    merged: Runs = []
    for target, source in runs:
        if merged and merged[-1][0] == target:
            merged.pop()
        if merged and source - merged[-1][1] == target - merged[-1][0]:
            continue
        merged.append((target, source))
    return merged


def _runs_from_offsets(offsets: Sequence[int]) -> Runs:
    """Runs of a per-character map."""
    runs: Runs = []
    expected = -1
    for target, source in enumerate(offsets):
        if source != expected:
            runs.append((target, source))
        expected = source + 1
    return runs or [(0, 0)]


def _chain(outer: Runs | None, inner: Runs | None, length: int) -> Runs | None:
    """The map ``outer(inner(i))`` for ``i`` in ``0..length``; None stands for one for one."""
    if outer is None:
        return inner
    if inner is None:
        return outer
    outer_starts = [target for target, _ in outer]
    chained: Runs = []
    for index, (target, source) in enumerate(inner):
        end = inner[index + 1][0] if index + 1 < len(inner) else max(length, target + 1)
        source_end = source + end - target
        run = bisect_right(outer_starts, source) - 1
        while True:
            outer_target, outer_source = outer[run]
            first = max(source, outer_target)
            chained.append((target + first - source, outer_source + first - outer_target))
            run += 1
            if run >= len(outer) or outer[run][0] >= source_end:
                break
    return _merge_runs(chained)


def _normalise_line(raw_line: str, may_have_mojibake: bool) -> tuple[str, Runs | None, bool]:
    """Normalised line, its map into the raw line (None: one for one), and whether mojibake was repaired."""
    if not may_have_mojibake:
        return (*_clean(raw_line), False)
    repaired = _repair_mojibake(raw_line) if _MOJIBAKE_RE.search(raw_line) else None
    if repaired is None:
        text, runs = _clean(raw_line)
    else:
        fixed, fixed_runs = repaired
        text, runs = _clean(fixed)
        runs = _chain(fixed_runs, runs, len(text))
    settled = _settle(text)
    if settled is not None:
        # Cleaning made a new repair possible: map the final line to the raw one by alignment.
        return settled, _runs_from_offsets(_align(raw_line, settled)), True
    return text, runs, repaired is not None


def _settle(text: str) -> str | None:
    """Repair and clean again until nothing changes (so that normalising twice changes nothing)."""
    current = text
    for _ in range(_MAX_REPAIR_ROUNDS):
        if not _MOJIBAKE_RE.search(current):
            break
        repaired = _repair_mojibake(current)
        if repaired is None:
            break
        cleaned, _ = _clean(repaired[0])
        if cleaned == current:
            break
        current = cleaned
    return None if current == text else current


def _clean(line: str) -> tuple[str, Runs | None]:
    """Character-level clean-up of one line: remove, compose, replace one for one, bullets, trailing spaces.

    The order matters for idempotence: invisible characters go before NFC (a zero-width space between
    a letter and its accent must not block composition), and NFC goes before the bullet rule (NFC
    turns U+0387 into the middle dot, a bullet).
    """
    runs: Runs | None = None
    # isprintable() is False for every control, format and non-ASCII space character, so a printable
    # ASCII line (most lines) skips the searches.
    printable = line.isprintable()
    if not printable and _REMOVED_RE.search(line):
        line, runs = _remove_invisible(line)
    if not line.isascii():
        if not unicodedata.is_normalized("NFC", line):
            line, composed = _compose(line)
            runs = _chain(runs, _runs_from_offsets(composed), len(line))
        if _ONE_FOR_ONE_RE.search(line):
            for pattern, replacement in _ONE_FOR_ONE:
                line = pattern.sub(replacement, line)
    elif not printable:
        line = line.replace("\t", " ")
    bullet = _BULLET_RE.match(line)
    if bullet is not None:
        kept = [(0, bullet.start(1)), (1, bullet.start(2)), (2, bullet.end())]
        line = BULLET + " " + line[bullet.end() :]
        runs = _chain(runs, kept, len(line))
    return line.rstrip(" "), runs


def _remove_invisible(line: str) -> tuple[str, Runs]:
    """The line without control, zero-width and other invisible characters, and its map."""
    runs: Runs = []
    kept = 0
    previous_end = 0
    for match in _REMOVED_RUN_RE.finditer(line):
        if match.start() > previous_end:
            runs.append((kept, previous_end))
            kept += match.start() - previous_end
        previous_end = match.end()
    runs.append((kept, previous_end))
    return _REMOVED_RUN_RE.sub("", line), _merge_runs(runs)


def _compose(line: str) -> tuple[str, list[int]]:
    """NFC of the line, composed per base character so each result maps to the base it came from.

    Scripts that compose across base characters (Hangul jamo, some Indic vowels) fall back to an
    alignment of the whole line.
    """
    expected = unicodedata.normalize("NFC", line)
    starts = [index for index, char in enumerate(line) if not unicodedata.combining(char)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(line)]
    pieces: list[str] = []
    offsets: list[int] = []
    for start, end in zip(bounds, bounds[1:]):
        piece = unicodedata.normalize("NFC", line[start:end])
        pieces.append(piece)
        offsets.extend(start + min(k, end - start - 1) for k in range(len(piece)))
    if "".join(pieces) != expected:
        return expected, _align(line, expected)
    return expected, offsets


def _repair_mojibake(line: str) -> tuple[str, Runs] | None:
    """ftfy's repair of the line and its map into the line, or None if unchanged.

    A repair that would create a line break is refused: it would change the line structure on the
    next run.
    """
    # A line that is misread UTF-8 throughout is repaired by re-encoding alone, a hundred times faster
    # than ftfy, which handles the rest (mixed lines, doubly misread text, lost bytes).
    fixed, plan = _reencode(line)
    if fixed == line:
        fixed, plan = ftfy.fix_encoding_and_explain(line)
    if fixed == line or _LINE_BREAK_RE.search(fixed):
        return None
    runs = _plan_runs(line, fixed, plan or [])
    return fixed, runs if runs is not None else _runs_from_offsets(_align(line, fixed))


def _reencode(line: str) -> tuple[str, list[tuple[str, str]]]:
    """The line re-encoded with a single-byte code page and decoded as UTF-8, when that is valid UTF-8.

    A whole line that re-encodes to valid UTF-8 is misread UTF-8 beyond doubt; ftfy's heuristics even
    let some of it through ("IntegraÄŤnĂ\xad centrum", from "Integrační").
    """
    for codec in _REENCODE_CODECS:
        try:
            decoded = line.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if decoded != line and not _C1_OR_REPLACEMENT_RE.search(decoded):
            return decoded, [("encode", codec), ("decode", "utf-8")]
    return line, []


def _plan_runs(line: str, fixed: str, plan: Sequence[tuple[str, str]]) -> Runs | None:
    """Exact map of the repaired line when the plan is encode / same-length transcode / decode UTF-8
    (what a misread UTF-8 text needs): each character stands for as many source characters as its
    UTF-8 bytes. None for any other plan."""
    if [step[0] for step in plan] not in (["encode", "decode"], ["encode", "transcode", "decode"]):
        return None
    if plan[0][1] not in _SINGLE_BYTE_CODECS or plan[-1][1] != "utf-8":
        return None
    runs: Runs = [(0, 0)]
    source = 0
    target = 0
    for match in _NON_ASCII_RE.finditer(fixed):
        source += match.start() - target  # ASCII before it: one byte each
        target = match.start()
        runs.append((target, source))
        source += len(match.group().encode("utf-8", errors="surrogatepass"))
        target += 1
        runs.append((target, source))
    if source + len(fixed) - target != len(line):
        return None
    return _merge_runs(runs)


def _align(source: str, target: str) -> list[int]:
    """Index in ``source`` for each character of ``target``: equal stretches map exactly, changed ones
    spread evenly over the source characters they replace."""
    offsets: list[int] = []
    matcher = SequenceMatcher(None, source, target, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            offsets.extend(range(i1, i2))
        elif tag in ("replace", "insert"):
            width = j2 - j1
            offsets.extend(i1 + (k * (i2 - i1)) // width for k in range(width))
    last = max(len(source) - 1, 0)  # text added at the very end maps to the last source character
    return [min(offset, last) for offset in offsets]


# --- page furniture -------------------------------------------------------------------------------

_FOLD_SPLIT_RE = re.compile(r"[\W_]+")
# Combining marks of the Latin, Greek and Cyrillic letters in these documents.
_CAMEL_CASE_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SENTENCE_ENDS = ".!?"
_YEAR_RANGE = r"(?: *\d{4}(?: *[-–] *\d{4})?)?"
# Only a cookie notice can be longer than this; longer lines are content.
_MAX_SHORT_LINE = 200


def fold(text: str) -> str:
    """Case, diacritics and punctuation folded away: "Přeskočit na obsah:" -> "preskocit na obsah"."""
    folded = text.casefold()
    if folded.isascii():
        return _ascii_words(folded.encode("ascii"))
    if _not_latin_letter_or_mark().search(folded) is None:
        # decomposed, such text is ASCII and Latin marks: dropping what is not ASCII drops the marks
        return _ascii_words(unicodedata.normalize("NFD", folded).encode("ascii", "ignore"))
    return _FOLD_SPLIT_RE.sub(" ", _strip_diacritics(folded)).strip()


# In ASCII, ``_FOLD_SPLIT_RE`` matches every byte but letters and digits.
_ASCII_SEPARATORS = bytes(byte if chr(byte).isalnum() else ord(" ") for byte in range(256))


def _ascii_words(ascii_text: bytes) -> str:
    """``_FOLD_SPLIT_RE.sub(" ", text).strip()`` of an ASCII text, as its bytes: a byte-for-byte
    translation and a split, where the substitution makes a string per separator."""
    return b" ".join(ascii_text.translate(_ASCII_SEPARATORS).split()).decode("ascii")


# The combining diacritical marks block without U+034F (the grapheme joiner is not a combining mark).
_LATIN_MARKS = "".join(chr(code) for code in range(0x300, 0x370) if unicodedata.combining(chr(code)))
_LATIN_MARKS_RE = re.compile(f"[{_LATIN_MARKS}]+")


@cache
def _not_latin_letter_or_mark() -> re.Pattern[str]:
    """A character outside ASCII whose canonical decomposition holds more than ASCII and Latin marks
    (so not "ř", "é", a Latin mark itself)."""
    simple = frozenset(_LATIN_MARKS) | frozenset(map(chr, range(0x80)))
    decomposing = "".join(
        chr(code)
        for code in range(0x80, 0x10000)
        if simple.issuperset(unicodedata.normalize("NFD", chr(code)))
    )
    return re.compile(f"[^\x00-\x7f{re.escape(decomposing)}]")


def _strip_diacritics(text: str) -> str:
    """``strip_diacritics(text)``: one substitution when the letters are Latin with the usual marks."""
    stripped = _LATIN_MARKS_RE.sub("", unicodedata.normalize("NFD", text))
    # ASCII left means every removed character was a mark and no other mark is there
    return stripped if stripped.isascii() else strip_diacritics(text)


@dataclass(frozen=True, slots=True)
class FurnitureRules:
    """Compiled furniture rules from ``data/boilerplate.toml`` (all languages together).

    Word sets hold folded words (see ``fold``). Each rule is gated by a cheap test on the line (its
    last character, a substring) so that content lines cost a few string operations.
    """

    phrases: frozenset[str]
    max_phrase_length: int
    logo_words: frozenset[str]
    logo_stems: re.Pattern[str]  # any of the stems, in a case-folded line
    image_words: frozenset[str]
    image_extensions: frozenset[str]
    image_file_re: re.Pattern[str]
    link_arrows: frozenset[str]
    copyright_starts: frozenset[str]
    copyright_re: re.Pattern[str]
    share_verbs: frozenset[str]
    social_networks: frozenset[str]
    social_network_stems: re.Pattern[str]
    cookie_words: frozenset[str]
    cookie_hints: re.Pattern[str]
    max_caption_words: int
    max_prompt_words: int
    max_cookie_words: int

    def match(self, line: str) -> str | None:
        """Name of the rule that makes ``line`` (already cleaned) page furniture, or None."""
        stripped = line.strip()
        if not stripped:
            return None
        lowered = stripped.casefold()
        if self.cookie_hints.search(lowered) and self._is_cookie_notice(stripped):
            return "furniture.cookie"
        if len(stripped) > _MAX_SHORT_LINE:
            return None
        if stripped[0] in self.copyright_starts and self.copyright_re.fullmatch(stripped):
            return "furniture.copyright"
        if lowered.rpartition(".")[2] in self.image_extensions and self.image_file_re.fullmatch(stripped):
            return "furniture.image_file"
        if len(stripped) <= self.max_phrase_length and fold(stripped) in self.phrases:
            return "furniture.phrase"
        if stripped[-1] in _SENTENCE_ENDS:
            return None
        if stripped[-1] in self.link_arrows and _word_count(stripped) <= self.max_caption_words:
            return "furniture.link_button"
        if self.logo_stems.search(lowered) and self._is_logo_caption(stripped):
            return "furniture.logo"
        if self.social_network_stems.search(lowered) and self._is_share_prompt(stripped):
            return "furniture.share_prompt"
        return None

    def _is_logo_caption(self, line: str) -> bool:
        words = fold(_CAMEL_CASE_RE.sub(" ", line)).split()
        if len(words) > self.max_caption_words:
            return False
        logo_positions = [index for index, word in enumerate(words) if word in self.logo_words]
        if not logo_positions:
            return False
        at_edge = logo_positions[0] == 0 or logo_positions[-1] == len(words) - 1
        return at_edge or not self.image_words.isdisjoint(words)

    def _is_share_prompt(self, line: str) -> bool:
        words = fold(line).split()
        return (
            len(words) <= self.max_prompt_words
            and not self.share_verbs.isdisjoint(words)
            and not self.social_networks.isdisjoint(words)
        )

    def _is_cookie_notice(self, line: str) -> bool:
        words = fold(line).split()
        return len(words) <= self.max_cookie_words and not self.cookie_words.isdisjoint(words)


@cache
def furniture_rules() -> FurnitureRules:
    """The furniture rules, loaded and checked once."""
    return build_furniture_rules(load_data(BOILERPLATE_DATA))


def build_furniture_rules(data: dict[str, Any]) -> FurnitureRules:
    """Check the parsed ``boilerplate.toml`` and compile it; raises LexiconError naming the bad key."""
    common = _table(data, "common")
    languages = [name for name in data if name != "common"]
    if not languages:
        raise LexiconError(f"{BOILERPLATE_DATA}.toml: no language table ([cs], [sk], [en])")
    tables = {name: _table(data, name) for name in languages}

    def gathered(key: str, optional: bool = False) -> frozenset[str]:
        words: set[str] = set()
        for name, table in tables.items():
            if key in table or not optional:
                words.update(fold(word) for word in _strings(table, name, key))
        return frozenset(words)

    def common_list(key: str) -> list[str]:
        return _strings(common, "common", key)

    phrases = gathered("lines")
    logo_words = gathered("logo_words")
    social_networks = frozenset(fold(word) for word in common_list("social_networks"))
    cookie_words = frozenset(fold(word) for word in common_list("cookie_words"))
    extensions = frozenset(extension.casefold() for extension in common_list("image_extensions"))
    extension_pattern = "|".join(re.escape(extension) for extension in sorted(extensions))
    marks = common_list("copyright_marks")
    mark_pattern = "|".join(re.escape(mark) for mark in marks)
    return FurnitureRules(
        phrases=phrases,
        # Room for punctuation, arrows or icons around a listed phrase ("Menu ☰", "Hore ^").
        max_phrase_length=max(len(phrase) for phrase in phrases) + 12,
        logo_words=logo_words,
        logo_stems=_any_of(_stems(logo_words, 3)),
        image_words=gathered("image_words", optional=True),
        image_extensions=extensions,
        # A file name of at most four space-separated parts: "erasmus_1603208363.jpg", "IMG 0042.JPG".
        image_file_re=re.compile(rf"[^\s/\\]+(?: [^\s/\\]+){{0,3}}\.(?:{extension_pattern})", re.IGNORECASE),
        link_arrows=frozenset(common_list("link_arrows")),
        copyright_starts=frozenset(mark[0] for mark in marks),
        copyright_re=re.compile(rf"(?:{mark_pattern}){_YEAR_RANGE}"),
        share_verbs=gathered("share_verbs", optional=True),
        social_networks=social_networks,
        social_network_stems=_any_of(_stems(social_networks, 5)),
        cookie_words=cookie_words,
        # "cookie" is in "cookies": look for the words that contain no other listed word.
        cookie_hints=_any_of(_shortest_forms(cookie_words)),
        max_caption_words=_positive_int(common, "max_caption_words"),
        max_prompt_words=_positive_int(common, "max_prompt_words"),
        max_cookie_words=_positive_int(common, "max_cookie_words"),
    )


def _any_of(substrings: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern found wherever one of ``substrings`` is (one search instead of one per substring)."""
    return re.compile("|".join(re.escape(substring) for substring in substrings) or "(?!)")


def _stems(folded_words: frozenset[str], length: int) -> tuple[str, ...]:
    """Prefixes to look for in a case-folded line before folding it: short enough to be free of
    diacritics and endings (logo / logá -> "log", facebooku -> "faceb")."""
    return tuple(sorted({word[:length] for word in folded_words}))


def _shortest_forms(words: frozenset[str]) -> tuple[str, ...]:
    """The words that contain no other listed word ("cookie" covers "cookies")."""
    return tuple(sorted(word for word in words if not any(other != word and other in word for other in words)))


def _word_count(line: str) -> int:
    return len(fold(line).split())


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise LexiconError(f"{BOILERPLATE_DATA}.toml: missing table [{name}]")
    return table


def _strings(table: dict[str, Any], name: str, key: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
        raise LexiconError(f"{BOILERPLATE_DATA}.toml: [{name}] {key} must be a non-empty list of non-empty strings")
    return value


def _positive_int(table: dict[str, Any], key: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise LexiconError(f"{BOILERPLATE_DATA}.toml: [common] {key} must be a positive integer")
    return value
