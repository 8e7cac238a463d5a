"""What the extractors reading phrase lists from data share.

The phrase notation of the data files (``phrase_regex``: ``fond{,u,em} pro azyl``), checked access to a
data file (``DataTable``) and a fast index of many phrases (``PhraseIndex``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import repeat
from operator import itemgetter
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from pipeline.folding import LONGER_IN_LOWER_CASE, REGEX_EXTRA_CASES, lower_same_length
from pipeline.lexicon import LexiconError, load_data

LANGUAGES: tuple[str, ...] = ("cs", "sk", "en")

# Latin letters by case, for patterns that need a capital ("Magistrátem", "Ľudské"); \w has no case.
UPPER_LETTERS = "".join(chr(code) for code in range(0x41, 0x250) if chr(code).isalpha() and chr(code).isupper())
LOWER_LETTERS = "".join(chr(code) for code in range(0x61, 0x250) if chr(code).isalpha() and chr(code).islower())

# --- phrase notation ----------------------------------------------------------------------------------
# "{a,b,}" picks one alternative (the empty one too); a space stands for any run of white space.

_BRACES = re.compile(r"\{([^{}]*)\}")
_SPACES = re.compile(r" +")


def _literal_regex(literal: str, char_regex: Callable[[str], str] = re.escape) -> str:
    if "{" in literal or "}" in literal:
        raise ValueError(f"unbalanced brace in {literal!r}")
    return r"\s+".join("".join(map(char_regex, word)) for word in _SPACES.split(literal))


def phrase_regex(phrase: str, char_regex: Callable[[str], str] = re.escape) -> str:
    """Regex source for a data phrase: ``fond{,u,em} pro azyl`` -> fond, fondu, fondem pro azyl; each
    character written by ``char_regex``."""
    parts: list[str] = []
    position = 0
    for braces in _BRACES.finditer(phrase):
        parts.append(_literal_regex(phrase[position : braces.start()], char_regex))
        options = sorted(
            (_literal_regex(option, char_regex) for option in braces.group(1).split(",")), key=len, reverse=True
        )
        parts.append("(?:" + "|".join(options) + ")")
        position = braces.end()
    parts.append(_literal_regex(phrase[position:], char_regex))
    return "".join(parts)


@cache
def lowered_char(char: str) -> str:
    """A case-sensitive regex for the characters of lower-cased text (``lower_same_length``) that match
    ``char`` case-blind: its lower case, and the few the engine folds together with it ("ſ" with "s",
    "ı" and "İ" with "i").

    The engine cannot skip an alternative opening with a case-blind letter by one test of the character at
    hand, as it does one opening with a plain character or a set: in lower-cased text, a case-sensitive
    pattern finds the same places in less time.
    """
    if REGEX_EXTRA_CASES is None:  # without the engine's table, the character is matched ignoring case
        return "(?i:" + re.escape(char) + ")"
    near = {variant for variant in (char, char.lower(), char.upper(), "i", LONGER_IN_LOWER_CASE) if len(variant) == 1}
    # the lower-case letters the engine treats as one letter under case-blind matching (its own table)
    candidates = near | {chr(code) for variant in near for code in REGEX_EXTRA_CASES.get(ord(variant), ())}
    blind = re.compile("(?i)" + re.escape(char))
    found = sorted(
        candidate for candidate in candidates if _stays_in_lower_case(candidate) and blind.fullmatch(candidate)
    )
    if len(found) == 1:
        return re.escape(found[0])
    return "[" + "".join(map(re.escape, found)) + "]"


def _stays_in_lower_case(char: str) -> bool:
    """The character may stand in lower-cased text: its lower case is itself, or longer (kept as it is)."""
    lowered = char.lower()
    return lowered == char or len(lowered) != 1


def alternation(phrases: list[str], ignore_case: bool = True) -> str:
    """One regex source matching any of the phrases, longest first, as whole words."""
    flags = "i" if ignore_case else "-i"
    ordered = sorted(phrases, key=len, reverse=True)
    return rf"(?<!\w)(?{flags}:" + "|".join(phrase_regex(phrase) for phrase in ordered) + r")(?!\w)"


def any_phrase(phrases: list[str]) -> str:
    """A regex matching where one of the phrases starts, as whole words, case-blind: the places of
    ``alternation(phrases)``, not always its matched text. For searches that ask only whether one is there,
    as a trie (``lowered_condition``) that tests a shared opening once."""
    return r"(?<!\w)" + _case_blind_condition(phrases)


@dataclass(frozen=True, slots=True)
class PhraseSearch:
    """Whether ``any_phrase(phrases)`` finds one of the phrases in a window of a text
    (``search(text, start, end)``).

    ``any_phrase`` opens with a look-behind, so its search enters the engine's matcher at every character
    of the window, and its case-blind letters cannot be skipped by one test each. Here the phrases are
    looked for in the text's lower-cased copy, case-sensitive (``lowered_condition``), and a word start is
    found by the character before it (as in ``key_patterns``), taken by one listed set: the engine tests
    each character of the window against it in one step. The window's first character has its character
    before it outside the window: the search starts there (at the text's start, the phrases are matched
    there).
    """

    at_start: re.Pattern[str]  # the phrases after no word character
    after: re.Pattern[str]  # the phrases after a non-word character

    @classmethod
    def of(cls, phrases: list[str]) -> PhraseSearch:
        condition = lowered_condition(phrases)
        # the listed set holds the word characters beyond the Basic Multilingual Plane too: a look-behind
        # over the character taken drops them
        after = _ANY_NON_WORD_CLASS + r"(?<!\w)" + condition
        return cls(re.compile(r"(?<!\w)" + condition), re.compile(after))

    def found_in(self, text: str, start: int, end: int) -> bool:
        lowered = lower_same_length(text)  # lower_same_length keeps the document's copy
        if start > 0:
            return self.after.search(lowered, start - 1, end) is not None
        return self.at_start.match(lowered, start, end) is not None or self.after.search(lowered, start, end) is not None


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
_WORD_CHAR = re.compile(r"\w")
_KEY_LENGTH = 2


def listed_ranges(members: str, besides: str = "") -> str:
    """The inside of a regex character set listing the characters of the Basic Multilingual Plane that the
    one-character regex ``members`` matches, and those of ``besides``, as ranges ("\\u0030-\\u0039...")."""
    plane = "".join(map(chr, range(0x10000)))
    codes = sorted({ord(char) for char in re.findall(members, plane)} | set(map(ord, besides)))
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges)


def _non_word_class(besides: str = "") -> str:
    r"""A character set of the characters before a word start other than those ``besides`` (" " and "\n"
    for ``key_patterns``): the non-word characters of the Basic Multilingual Plane, and every character
    beyond it.

    Written as the complement of a listed set (the plane's word characters, and ``besides``): a listed set is
    a table the engine tests a character against in one step, where ``\W`` is a lookup in the Unicode
    database for each character, and the complement needs that one table only (a set of non-word
    characters would need a second test for the characters beyond the plane). Characters beyond the
    plane are rare, and ``PhraseIndex.scan`` drops the word characters among them.
    """
    return "[^" + listed_ranges(r"\w", besides) + "]"


class PhraseHit(NamedTuple):  # a tuple: made for every hit of a scan, in less time than a frozen class
    start: int
    end: int
    tag: str


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Tagged phrases, indexed by the first two letters of their first word (lower-cased)."""

    # a key at a word start of the lower-cased text, the longer key first, where one of its phrases may
    # start: ``key_regex`` split by the character before the word start (see ``key_patterns``)
    keys: tuple[re.Pattern[str], ...]
    key_at: re.Pattern[str]  # ``key_regex`` itself, matched at one place
    conditions: Mapping[str, str]  # key -> what the text must hold from the word start on (``key_regex``)
    patterns: Mapping[str, re.Pattern[str]]  # key -> the phrases under it, matched in the text or (below) its copy
    lowered_keys: frozenset[str]  # keys whose phrases all ignore case: matched in the lower-cased text
    tags: Mapping[str, str]  # group name -> tag
    shared: bool  # its keys are looked for in the scan shared with the other shared indexes

    def scan(self, text: str) -> Iterator[PhraseHit]:
        """Non-overlapping hits in text order; at one word start the longest phrase wins."""
        # the key patterns take the character before the word start: a space in front of the text stands
        # before the first word, and shifts each key's start back onto the text's offsets
        lowered_text = lower_same_length(text)  # lower_same_length keeps the document's copy
        lowered = " " + lowered_text
        keys = _shared_keys(self, text, lowered) if self.shared else self.own_keys(lowered)
        resume = 0
        for key in keys:
            start = key.start()
            if start < resume or (lowered[start] > "\uffff" and _WORD_CHAR.match(lowered, start)):
                continue
            letters = key.group()[1:]
            found = self.patterns[letters].match(lowered_text if letters in self.lowered_keys else text, start)
            if found is not None and found.lastgroup is not None:
                resume = found.end()
                yield PhraseHit(start, found.end(), self.tags[found.lastgroup])

    def own_keys(self, lowered: str) -> list[re.Match[str]]:
        """The matches of ``key_regex`` in ``lowered``, in order (a word character beyond the Basic
        Multilingual Plane before a key is left for ``scan`` to drop)."""
        keys = [key for pattern in self.keys for key in pattern.finditer(lowered)]
        keys.sort(key=re.Match.start)
        return keys


# Indexes built with ``shared=True`` (codes, contacts, programmes): the first of them to scan a document
# looks for the keys of all of them in one pass, which costs little more than a pass for one (the engine
# spends its time finding the word starts). One entry, for the document at hand.
_SHARED: list[PhraseIndex] = []
_shared_patterns: tuple[int, tuple[re.Pattern[str], ...]] = (0, ())
_last_keys: tuple[str, int, dict[int, list[re.Match[str]]]] = ("", 0, {})


def _shared_keys(index: PhraseIndex, text: str, lowered: str) -> list[re.Match[str]]:
    """``index.own_keys(lowered)``, from the shared scan of ``text`` (``lowered`` is made from it)."""
    global _last_keys, _shared_patterns
    last = _last_keys
    count = len(_SHARED)
    if last[0] is not text or last[1] != count:
        if _shared_patterns[0] != count:
            _shared_patterns = (count, _any_key_patterns([shared.conditions for shared in _SHARED]))
        # where some index has a key: each index's own keys are among these places
        places = sorted({place.start() for pattern in _shared_patterns[1] for place in pattern.finditer(lowered)})
        keys = {
            id(shared): list(filter(None, map(shared.key_at.match, repeat(lowered, len(places)), places)))
            for shared in _SHARED
        }
        last = _last_keys = (text, count, keys)
    return last[2][id(index)]


def build_index(tagged: list[tuple[str, str, bool]], file: str, shared: bool = False) -> PhraseIndex:
    """Index of (phrase, tag, ignore_case) triples; a phrase's first two letters must be literal.

    A ``shared`` index joins the scan shared by all shared indexes (see ``_shared_keys``): for the few
    indexes every document is scanned with.
    """
    by_key: dict[str, list[tuple[str, str, bool]]] = {}
    for phrase, tag, ignore_case in tagged:
        head = _WORD.match(phrase)
        if head is None or (len(head.group()) < _KEY_LENGTH and phrase[head.end() : head.end() + 1] == "{"):
            raise LexiconError(f"{file}.toml: phrase {phrase!r} must start with two literal letters")
        by_key.setdefault(head.group()[:_KEY_LENGTH].lower(), []).append((phrase, tag, ignore_case))
    patterns: dict[str, re.Pattern[str]] = {}
    conditions: dict[str, str] = {}
    tags: dict[str, str] = {}
    for key, entries in by_key.items():
        patterns[key] = _key_pattern(entries, tags)
        conditions[key] = lowered_condition([phrase for phrase, _, _ in entries])
    lowered_keys = frozenset(key for key, entries in by_key.items() if _all_ignore_case(entries))
    index = PhraseIndex(
        key_patterns(conditions), re.compile(key_regex(conditions)), conditions, patterns, lowered_keys, tags, shared
    )
    if shared:
        _SHARED.append(index)
    return index


def _all_ignore_case(entries: list[tuple[str, str, bool]]) -> bool:
    return all(ignore_case for _, _, ignore_case in entries)


def _key_pattern(entries: list[tuple[str, str, bool]], tags: dict[str, str]) -> re.Pattern[str]:
    """The phrases under one key, longest first, each in a group named in ``tags`` (added to it).

    Phrases that all ignore case are matched in the lower-cased text, case-sensitive (each character as
    ``lowered_char`` writes it): the engine skips the branches of other letters by one test each, where a
    case-blind letter enters every branch. Under a key with an exact phrase, all are matched in the text.
    """
    lowered = _all_ignore_case(entries)
    branches = []
    for phrase, tag, ignore_case in sorted(entries, key=lambda entry: len(entry[0]), reverse=True):
        group = f"p{len(tags)}"
        tags[group] = tag
        if lowered:
            branches.append(f"(?P<{group}>(?:{phrase_regex(phrase, lowered_char)}))(?!\\w)")
        else:
            flags = "i" if ignore_case else "-i"
            branches.append(f"(?P<{group}>(?{flags}:{phrase_regex(phrase)}))(?!\\w)")
    return re.compile("|".join(branches))


def lowered_condition(phrases: list[str]) -> str:
    """A regex source that matches the lower-cased text wherever one of the phrases matches the text.

    A letter that matches a phrase's letter, in any case, still matches it once lower-cased (see
    tests/extract/test_phrases.py), so the phrases themselves, case-blind, are the condition: each of their
    characters as ``lowered_char`` writes it, case-sensitive. Their literal openings (up to the first "{")
    are merged into a trie: the condition is tested at every word start with the phrases' key, and a trie
    tests a shared opening once instead of once per phrase.
    """
    return "(?:" + _condition_trie(_opening_trie(phrases), lowered_char) + ")"


def _case_blind_condition(phrases: list[str]) -> str:
    """``lowered_condition`` for the text itself: the same trie, case-blind."""
    return "(?i:" + _condition_trie(_opening_trie(phrases), re.escape) + ")"


def _opening_trie(phrases: list[str]) -> dict[str | None, Any]:
    """The phrases' literal openings as a trie of lower-case characters (a space for any white space); a
    node's None holds the rests of the phrases whose openings end there."""
    trie: dict[str | None, Any] = {}
    for phrase in dict.fromkeys(phrases):
        opening, brace, rest = phrase.partition("{")
        node = trie
        for char in _SPACES.sub(" ", opening):
            # case-blind, a letter and its lower case match the same letters: "Fond" and "fond" share a path
            lowered = char.lower()
            node = node.setdefault(lowered if len(lowered) == 1 else char, {})
        node.setdefault(None, set()).add(brace + rest)
    return trie


def _condition_trie(node: dict[str | None, Any], char_regex: Callable[[str], str]) -> str:
    """A trie node of ``lowered_condition``: its characters (a space is any white space), then the rests of
    the phrases whose openings end there, each followed by no word character."""
    branches = [f"{phrase_regex(rest, char_regex)}(?!\\w)" for rest in sorted(node.get(None, ()))]
    for char in sorted(key for key in node if key is not None):
        head = r"\s+" if char == " " else char_regex(char)
        branches.append(head + _condition_trie(node[char], char_regex))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def key_regex(keys: Mapping[str, str]) -> str:
    """A regex for the keys at word starts of lower-cased text, the longer key first; ``keys`` maps a key to
    the condition (a regex source, "" for none) the text must meet from the word start on.

    The match takes in the character before the word start, which is no word character: a pattern opening
    with a character set lets the engine skip through words instead of testing for a word boundary at
    every character. The keys are grouped under their first letter ("p(?:r|o)|s(?:u|p|)"): the engine then
    skips the groups of other first letters with one character test each, instead of trying every key.
    Testing the condition inside the regex passes over the many word starts where no phrase starts ("pro",
    "po") without a call each.
    """
    return r"\W" + _keys_body(keys)


def key_patterns(keys: Mapping[str, str]) -> tuple[re.Pattern[str], ...]:
    """``key_regex(keys)`` as three patterns, by the character before the word start: a space, a line break,
    another one (or a word character beyond the Basic Multilingual Plane, which the caller drops).

    A pattern opening with one literal character lets the engine find its next place in a fast loop; one
    opening with a set of characters tests each character in turn, several times slower. Most words
    follow a space or a line break.
    """
    return _split_by_character_before(_keys_body(keys))


def _split_by_character_before(body: str) -> tuple[re.Pattern[str], ...]:
    return re.compile(" " + body), re.compile("\n" + body), re.compile(_NON_WORD_CLASS + body)


def _any_key_patterns(indexes: Sequence[Mapping[str, str]]) -> tuple[re.Pattern[str], ...]:
    """Patterns like ``key_patterns``, for the places where one of several indexes (their keys and
    conditions) has a key: each index's ``key_regex`` matches at some of them, and nowhere else.

    A key holds where one of its indexes' conditions holds; where a longer key stands, the shorter one
    still counts (one index may have the shorter key alone). The keys are grouped under their first letter.
    A match takes the character before the word start and the key: the key's letters are word characters,
    so no other place lies among them (a look-ahead for the key would cost the engine one more step at
    every word start).
    """
    merged: dict[str, set[str]] = {}
    for conditions in indexes:
        for key, condition in conditions.items():
            merged.setdefault(key, set()).add(condition)
    same_first: dict[str, list[str]] = {}
    for key in sorted(merged):
        rest = re.escape(key[1:])
        if "" not in merged[key]:  # a key without a condition holds wherever it stands
            either = "|".join(sorted(merged[key]))
            rest += f"(?<=(?=(?:{either})){'.' * len(key)})"
        same_first.setdefault(key[0], []).append(rest)
    groups = [re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in same_first.items()]
    return _split_by_character_before("(?:" + "|".join(groups) + ")")


def _keys_body(keys: Mapping[str, str]) -> str:
    """The keys of ``key_regex``, grouped under their first letter."""
    same_first: dict[str, list[str]] = {}
    for key in sorted(keys, key=len, reverse=True):
        same_first.setdefault(key[0], []).append(key)
    groups = [
        re.escape(first) + "(?:" + "|".join(_key_rest(key, grouped, keys[key]) for key in grouped) + ")"
        for first, grouped in same_first.items()
    ]
    return "(?:" + "|".join(groups) + ")"


_NON_WORD_CLASS = _non_word_class(" \n")
_ANY_NON_WORD_CLASS = _non_word_class()  # " " and "\n" too


def _key_rest(key: str, same_first: list[str], condition: str) -> str:
    """The key after its first letter, then its condition."""
    rest = re.escape(key[1:])
    # where a longer key stands, only the longer key's phrases are tried: the shorter key is not there
    longer = [other[len(key) :] for other in same_first if len(other) > len(key) and other.startswith(key)]
    if longer:
        rest += "(?!" + "|".join(re.escape(tail) for tail in longer) + ")"
    if condition:
        # back at the word start (a look-behind over the key's letters) the condition looks ahead
        rest += f"(?<=(?={condition}){'.' * len(key)})"
    return rest


def leftmost_matches(patterns: Sequence[re.Pattern[str]], text: str) -> Iterator[re.Match[str]]:
    """What ``finditer`` of the alternation of ``patterns`` finds in ``text`` (none may match the empty string):
    at the leftmost place where one of them matches, the first of them that matches there, then on from its end.

    Split into patterns that each open with one literal character, a scan lets the engine find their places
    in a fast loop; one pattern opening with a set of characters tests every character in turn.
    """
    pending = [pattern.search(text) for pattern in patterns]
    while True:
        best: re.Match[str] | None = None
        for found in pending:
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        if best is None:
            return
        yield best
        end = best.end()
        # a pattern's next match from ``end`` on: the one found before, unless that one started earlier
        pending = [found if found is None or found.start() >= end else found.re.search(text, end) for found in pending]


def occurrences(text: str, needle: str) -> Iterator[int]:
    """The offsets of ``needle`` in ``text``, ascending (overlapping ones too)."""
    place = text.find(needle)
    while place >= 0:
        yield place
        place = text.find(needle, place + 1)


# a literal run, the pattern matched where the run stands, and how many characters before the run the
# pattern's find starts
Opening = tuple[str, re.Pattern[str], int]


def matches_at_openings(text: str, openings: Sequence[Opening]) -> Iterator[tuple[int, re.Match[str]]]:
    """(start, match) of each pattern where its opening run stands in ``text``: by start, the leftmost first,
    then on from the end of the last match, as ``finditer`` of the patterns' alternation finds them where no
    two openings share a start.

    ``str.find`` skips to rare runs ("@", "www.") many times faster than the engine's search does.
    """
    places = [(place - before, place, pattern) for run, pattern, before in openings for place in occurrences(text, run)]
    places.sort(key=itemgetter(0))
    end = 0
    for start, place, pattern in places:
        if start >= end and (found := pattern.match(text, place)) is not None:
            end = found.end()
            yield start, found


def line_opening(label: str) -> str:
    """A regex source for ``label`` at the start of a line, after blanks or a bullet ("• "): where
    ``[ \\t]*(?:•[ \\t]*)?`` + ``label`` matches. The bullet opens one of two branches: an optional group
    would enter the engine's repeat machinery at every line."""
    return r"[ \t]*(?:•[ \t]*" + label + "|" + label + ")"


# a sentence break ("[.!?](?=\s)|\n") after the longest run of characters before it: matched at the
# window's start, the last break of the window. The run is taken whole and given back from the window's
# end, so only the characters after the last break are tried; a search for every break would enter the
# engine's matcher at every character of the window (its two branches leave it no character to skip to)
_LAST_SENTENCE_BREAK = re.compile(r"(?s:.*)(?:[.!?](?=\s)|\n)")


def sentence_start(text: str, position: int, window: int) -> int:
    """Start of the sentence holding ``position``, looking back at most ``window`` characters."""
    start = max(0, position - window)
    last_break = _LAST_SENTENCE_BREAK.match(text, start, position)
    return start if last_break is None else last_break.end()
