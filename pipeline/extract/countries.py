"""Countries a text names, as ISO 3166-1 alpha-2 codes, in English, Czech and Slovak.

Names and the rules that decline them live in ``pipeline/data/countries.toml``: Czech and Slovak names are
expanded through every grammatical case from stem + ending tables ("Norsko|neut_o" gives Norsko, Norska,
Norsku, Norskem), so "z Nórska", "v České republice" and "Ministerstvo vnútra Slovenskej republiky" are
found as well as "Czech Republic". Adjectives and demonyms ("Norwegian", "český", "Slovak NGOs") are not
names and are never listed.

How text is matched, and why:
- Case: a name counts as written in the data (capitalised: "Island" is Iceland, "island" is not) or in
  all capitals for headings ("CZECH REPUBLIC"); an all-caps single word needs five letters, since short
  all-caps words are acronyms ("CAD", "MALI" as a heading is rare). Later words of a name may differ in
  the case of their first letter ("Czech republic", "Česká Republika"), a frequent slip.
- Diacritics: a name also counts with every diacritic dropped ("Ceska republika", "Nemecku"), since some
  sources lose them, but only when that form has five letters or more: shorter stripped forms are
  ordinary words elsewhere ("Cine" from "Číně"). Partly stripped spellings do not count.
- Whole words only; a name glued to a domain or an address ("Slovensko.sk") is not a name, nor the first
  half of a compound adjective ("Česko-německý fond").
- Abbreviations (ČR, SR, USA, UK) are matched exactly as written and only as standalone tokens.
- Names that are everyday words or personal names in the document's language ("Island" in English,
  "Kuba" in Czech, "UK" for a Czech or Slovak university) count only inside a list of countries.
- Places whose names contain a country name ("Dolní Rakousko", "New South Wales") are matched first and
  dropped, so the country inside them is not taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from pipeline import folding
from pipeline.extract.phrases import leftmost_matches
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import Mention
from pipeline.spans import make_evidence

_DATA = "countries"
_FILE = f"{_DATA}.toml"
_LANGUAGE_KEYS = frozenset(
    {
        "cases",
        "patterns",
        "names",
        "abbreviations",
        "ordinary_words",
        "not_countries",
        "list_connectors",
        "compound_linking_vowels",
        "short_adjective_endings",
        "long_syllable_nuclei",
        "vowels",
    }
)
_CODE = re.compile(r"[A-Z]{2}")

# A token is a run of letters; names are sequences of tokens joined by a space, a hyphen or an apostrophe.
_TOKEN = re.compile(r"[^\W\d_]+")
# Between two words of a name: spaces, at most one line break (a name wrapped onto the next line).
_NAME_SPACE = re.compile(r"[ \t]*\n?[ \t]*")
_NAME_JOINERS = frozenset({"-", "'"})
_NEXT_NAME_WORD = re.compile(r"(?:[-']|[ \t]*\n?[ \t]*)([^\W\d_]+)")
# Latin capitals (\w has no case): a word that can start a name in running text.
_UPPER_LETTERS = "".join(chr(code) for code in range(0x41, 0x250) if chr(code).isupper())
_UPPER = f"[{re.escape(_UPPER_LETTERS)}]"
# A capital not after a letter, then letters; the look-behind comes after the capital (it spans it), so
# that the pattern opens with a character set and the engine skips straight to the next capital.
_CAPITALISED_TOKEN = re.compile(rf"{_UPPER}(?<![^\W\d_]{_UPPER})[^\W\d_]*")
# Lower-case letters of the Basic Multilingual Plane, listed (a table the engine tests in one step).
_LOWER = "[" + "".join(re.escape(chr(code)) for code in range(0x10000) if chr(code).islower()) + "]"

# Stripped forms and all-caps single words shorter than this are too often other words or acronyms.
_MIN_LETTERS_LOOSE = 5
# Punctuation that may stand between the items of a list of countries, besides the connector words.
_LIST_PUNCTUATION = frozenset(" \t\n,;/&()[]•·-–—:\"'")
_MAX_LIST_GAP = 40
_SENTENCE_END = frozenset(".!?\n•")
# A name glued to one of these on either side is part of an address or a domain ("Slovensko.sk").
_ADDRESS_GLUE = frozenset(".@")


@dataclass(frozen=True, slots=True)
class _Form:
    """One way of writing a name: its tokens as listed (for the case check) and what it stands for."""

    codes: tuple[str, ...]  # two for a shared name ("Czech and Slovak Republics"); none: not a country
    tokens: tuple[str, ...]
    language: str
    stripped: bool  # the form with its diacritics dropped


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Everything the matcher needs, built once from the data file."""

    codes: frozenset[str]
    forms: Mapping[str, tuple[_Form, ...]]  # key: case-folded form
    name_starts: re.Pattern[str]  # the capitalised words that may start a name or an abbreviation in running text
    max_tokens: Mapping[str, int]  # first case-folded token -> longest form starting with it
    abbreviations: Mapping[str, tuple[str, tuple[str, ...]]]  # exact text -> (code, languages listing it)
    abbreviation_patterns: tuple[re.Pattern[str], ...]  # by first letter (see ``_abbreviation_patterns``)
    # the first word of each abbreviation (its letters) -> the pattern of its first letter
    abbreviation_openings: Mapping[str, re.Pattern[str]]
    ordinary_keys: Mapping[str, frozenset[str]]  # language -> case-folded forms needing list context
    all_ordinary_keys: frozenset[str]
    list_connectors: frozenset[str]
    compound_linking_vowels: frozenset[str]
    short_adjective_endings: tuple[str, ...]
    long_syllable_nuclei: tuple[str, ...]
    nucleus_regex: re.Pattern[str] | None


# a named tuple: one is made for every name and abbreviation found, at a third of the cost of a frozen dataclass
class _Candidate(NamedTuple):
    codes: tuple[str, ...]
    start: int
    end: int
    key: str
    rule: str


# --- loading and checking the data ----------------------------------------------------------------------


def _fail(key: str, message: str) -> LexiconError:
    return LexiconError(f"{_FILE}: key {key!r}: {message}")


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise _fail(key, "must be a list of non-empty strings")
    return value


def _table(value: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(key, "must be a table")
    return value


@dataclass(frozen=True, slots=True)
class _Pattern:
    strip: str
    endings: tuple[str, ...]


def _patterns(language: Mapping[str, Any], lang: str) -> tuple[Mapping[str, _Pattern], int]:
    """The declension patterns of one language, and its number of cases (1 for an undeclined language)."""
    if "patterns" not in language:
        return {}, 1
    cases = _strings(language.get("cases"), f"{lang}.cases")
    patterns: dict[str, _Pattern] = {}
    for name, raw in _table(language["patterns"], f"{lang}.patterns").items():
        key = f"{lang}.patterns.{name}"
        pattern = _table(raw, key)
        strip = pattern.get("strip")
        endings = pattern.get("endings")
        if not isinstance(strip, str):
            raise _fail(key, "needs a string 'strip'")
        if not isinstance(endings, list) or not all(isinstance(ending, str) for ending in endings):
            raise _fail(key, "needs a list of strings 'endings'")
        if len(endings) != len(cases):
            raise _fail(key, f"has {len(endings)} endings for {len(cases)} cases")
        patterns[name] = _Pattern(strip, tuple(endings))
    return patterns, len(cases)


def _expand(name: str, patterns: Mapping[str, _Pattern], case_count: int, key: str) -> list[str]:
    """Every case form of a name written as words with optional "|pattern" marks."""
    columns: list[list[str]] = []
    for word in name.split(" "):
        base, mark, pattern_name = word.partition("|")
        if not base:
            raise _fail(key, f"empty word in {name!r}")
        if not mark:
            columns.append([base] * case_count)
            continue
        pattern = patterns.get(pattern_name)
        if pattern is None:
            raise _fail(key, f"unknown pattern {pattern_name!r} in {name!r}")
        if not base.endswith(pattern.strip):
            raise _fail(key, f"{base!r} does not end in {pattern.strip!r} (pattern {pattern_name!r})")
        stem = base[: len(base) - len(pattern.strip)]
        columns.append([stem + ending for ending in pattern.endings])
    return list(dict.fromkeys(" ".join(column[case] for column in columns) for case in range(case_count)))


def strip_diacritics(text: str) -> str:
    """``text`` without combining marks: "Česká republika" -> "Ceska republika"."""
    return unicodedata.normalize("NFC", folding.strip_diacritics(text))


def _normalised_gap(gap: str) -> str | None:
    """How the text between two words of a name is written in a key, or None if it ends the name."""
    if gap in _NAME_JOINERS:
        return gap
    if gap and _NAME_SPACE.fullmatch(gap):
        return " "
    return None


def _form_key(form: str, key: str) -> tuple[str, tuple[str, ...]]:
    """The case-folded lookup key of a written form and its tokens."""
    tokens = list(_TOKEN.finditer(form))
    if not tokens or tokens[0].start() != 0 or tokens[-1].end() != len(form):
        raise _fail(key, f"{form!r} must start and end with a letter")
    parts = [tokens[0].group().casefold()]
    for previous, token in zip(tokens, tokens[1:]):
        gap = _normalised_gap(form[previous.end() : token.start()])
        if gap is None:
            raise _fail(key, f"{form!r}: words may be joined only by a space, '-' or an apostrophe")
        parts.append(gap + token.group().casefold())
    return "".join(parts), tuple(token.group() for token in tokens)


def _letter_count(form: str) -> int:
    return sum(char.isalpha() for char in form)


def _written_forms(form: str) -> list[str]:
    """The form itself and, when long enough, its spelling without diacritics."""
    bare = strip_diacritics(form)
    if bare != form and _letter_count(bare) >= _MIN_LETTERS_LOOSE:
        return [form, bare]
    return [form]


class _FormTable:
    """Collects forms by key while the lexicon is built; refuses a key that would mean two things.

    Spellings without diacritics are added last and only where no real form of another country (or a
    place that is not one) already has the key: a real form always wins.
    """

    def __init__(self) -> None:
        self.forms: dict[str, list[_Form]] = {}
        self.owner: dict[str, tuple[tuple[str, ...], str]] = {}
        self.stripped: list[tuple[tuple[str, ...], str, str]] = []

    def add(self, code: tuple[str, ...], form: str, language: str, key: str) -> None:
        written = _written_forms(form)
        self._put(code, written[0], language, key)
        self.stripped.extend((code, bare, language) for bare in written[1:])

    def finish(self) -> Mapping[str, tuple[_Form, ...]]:
        for code, bare, language in self.stripped:
            lookup, tokens = _form_key(bare, "")
            owner = self.owner.get(lookup)
            if owner is None or owner[0] == code:
                self.owner.setdefault(lookup, (code, ""))
                self.forms.setdefault(lookup, []).append(_Form(code, tokens, language, True))
        return MappingProxyType({lookup: tuple(forms) for lookup, forms in self.forms.items()})

    def _put(self, code: tuple[str, ...], written: str, language: str, key: str) -> None:
        lookup, tokens = _form_key(written, key)
        owner = self.owner.get(lookup)
        if owner is not None and owner[0] != code:
            raise _fail(key, f"{written!r} is also listed under {owner[1]!r}")
        self.owner.setdefault(lookup, (code, key))
        self.forms.setdefault(lookup, []).append(_Form(code, tokens, language, False))


def _language_forms(
    lang: str, language: Mapping[str, Any], codes: frozenset[str], table: _FormTable
) -> frozenset[str]:
    """Add a language's names and non-country places to the table; return its ordinary-word keys."""
    patterns, case_count = _patterns(language, lang)
    for code_key, names in _table(language.get("names", {}), f"{lang}.names").items():
        key = f"{lang}.names.{code_key}"
        named = tuple(code_key.split("+"))  # "CZ+SK": one name for two countries
        if not all(code in codes for code in named):
            raise _fail(key, f"code {code_key!r} is not in [countries]")
        for name in _strings(names, key):
            for form in _expand(name, patterns, case_count, key):
                table.add(named, form, lang, key)
    places_key = f"{lang}.not_countries"
    for name in _optional_strings(language, lang, "not_countries"):
        for form in _expand(name, patterns, case_count, places_key):
            table.add((), form, lang, places_key)
    ordinary: set[str] = set()
    ordinary_key = f"{lang}.ordinary_words"
    for name in _optional_strings(language, lang, "ordinary_words"):
        for form in _expand(name, patterns, case_count, ordinary_key):
            ordinary.update(_form_key(written, ordinary_key)[0] for written in _written_forms(form))
    return frozenset(ordinary)


def _abbreviations(
    lang: str, language: Mapping[str, Any], codes: frozenset[str], found: dict[str, tuple[str, tuple[str, ...]]]
) -> None:
    for code, written in _table(language.get("abbreviations", {}), f"{lang}.abbreviations").items():
        key = f"{lang}.abbreviations.{code}"
        if code not in codes:
            raise _fail(key, f"code {code!r} is not in [countries]")
        for abbreviation in _strings(written, key):
            if abbreviation in found and found[abbreviation][0] != code:
                raise _fail(key, f"{abbreviation!r} already stands for {found[abbreviation][0]}")
            languages = found[abbreviation][1] if abbreviation in found else ()
            found[abbreviation] = (code, (*languages, lang))


def _abbreviation_patterns(abbreviations: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """The abbreviations, standalone only: "SR" in "MV SR" or "SR/ČR", not in "SR-01", "SRo", "R&D" or
    "SR.sk"; one pattern for each first letter, its abbreviations longest first (``leftmost_matches`` finds
    what their alternation finds: two of them never match at one place).

    Each pattern opens with its letter and checks the character before it after it (the look-behind spans
    the letter): the engine skips to the next such letter in a fast loop, where a pattern opening with a
    set of letters tests every character of the text against the set.
    """
    by_first: dict[str, list[str]] = {}
    for abbreviation in sorted(abbreviations, key=len, reverse=True):
        by_first.setdefault(abbreviation[0], []).append(re.escape(abbreviation[1:]))
    return tuple(
        re.compile(rf"{re.escape(first)}(?<![\w\-.&@].)(?:{'|'.join(rests)})(?![\w\-&@])(?!\.\w)")
        for first, rests in by_first.items()
    )


def _abbreviation_openings(
    abbreviations: Sequence[str], patterns: Sequence[re.Pattern[str]]
) -> Mapping[str, re.Pattern[str]]:
    """The first word of each abbreviation ("U" of "U.S.A.", "BiH") -> its first letter's pattern
    (``_abbreviation_patterns``): where a word of a text is one of these, the pattern is tried there.

    An abbreviation stands after no word character, so its first word is a word of the text; each must
    open with a capital, as the scan for them is the scan for the words that may start a name
    (``_name_starts``), and not every capital is followed by a word that continues one.
    """
    by_letter = {pattern.pattern[0]: pattern for pattern in patterns}
    openings: dict[str, re.Pattern[str]] = {}
    for abbreviation in abbreviations:
        if abbreviation[0] not in _UPPER_LETTERS:
            raise _fail("abbreviations", f"{abbreviation!r} must start with a capital letter")
        first = _TOKEN.match(abbreviation)
        assert first is not None  # a capital is a letter
        openings[first.group()] = by_letter[abbreviation[0]]
    return MappingProxyType(openings)


def _optional_strings(language: Mapping[str, Any], lang: str, name: str) -> list[str]:
    return _strings(language[name], f"{lang}.{name}") if language.get(name) else []


def _name_starts(forms: Mapping[str, tuple[_Form, ...]], abbreviation_words: Iterable[str]) -> re.Pattern[str]:
    """``_CAPITALISED_TOKEN`` for the words that can start a name in running text: written as the first word
    of a listed form, or not followed by a lower-case letter (all capitals). ``_case_fits`` lets no other
    word start one, and most capitalised words of a text are neither: they are passed over inside the scan.
    The first words of the abbreviations (``abbreviation_words``: "BiH") are listed too, so that the scan
    finds every place an abbreviation may stand at.
    """
    firsts: dict[str, Any] = {}
    for word in {form.tokens[0] for written in forms.values() for form in written} | set(abbreviation_words):
        node = firsts
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    # the condition looks ahead from the capital, in a look-behind over it: the pattern still opens with a
    # set of capitals, which the engine skips to
    condition = rf"(?:{_trie_source(firsts)})(?![^\W\d_])|{_UPPER}(?!{_LOWER})"
    return re.compile(rf"{_UPPER}(?<![^\W\d_]{_UPPER})(?<=(?={condition}).)[^\W\d_]*")


def _trie_source(node: Mapping[str, Any]) -> str:
    """A regex for the words of a character trie (a node's "" marks a word's end), longest first."""
    branches = [re.escape(char) + _trie_source(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def compile_country_data(data: Mapping[str, Any]) -> _Lexicon:
    """Check the parsed data file and build the matcher's tables; LexiconError naming the key if malformed."""
    countries = _table(data.get("countries"), "countries")
    for code, english in countries.items():
        if not _CODE.fullmatch(code) or not isinstance(english, str):
            raise _fail(f"countries.{code}", "must be a two-letter upper-case code = English name")
    codes = frozenset(countries)
    table = _FormTable()
    abbreviations: dict[str, tuple[str, tuple[str, ...]]] = {}
    ordinary: dict[str, frozenset[str]] = {}
    connectors: set[str] = set()
    linking: set[str] = set()
    endings: list[str] = []
    nuclei: list[str] = []
    vowels = ""
    for lang, raw in data.items():
        if lang == "countries":
            continue
        language = _table(raw, lang)
        unknown = set(language) - _LANGUAGE_KEYS
        if unknown:
            raise _fail(lang, f"unknown keys {sorted(unknown)}")
        ordinary[lang] = _language_forms(lang, language, codes, table)
        _abbreviations(lang, language, codes, abbreviations)
        connectors.update(word.casefold() for word in _optional_strings(language, lang, "list_connectors"))
        linking.update(vowel.casefold() for vowel in _optional_strings(language, lang, "compound_linking_vowels"))
        endings.extend(_optional_strings(language, lang, "short_adjective_endings"))
        nuclei.extend(_optional_strings(language, lang, "long_syllable_nuclei"))
        if language.get("vowels"):
            if not isinstance(language["vowels"], str):
                raise _fail(f"{lang}.vowels", "must be a string of letters")
            vowels += language["vowels"]
    if endings and not (nuclei and vowels):
        raise _fail("short_adjective_endings", "need long_syllable_nuclei and vowels beside them")
    nucleus_letters = "".join(dict.fromkeys(vowels + "".join(nucleus for nucleus in nuclei if len(nucleus) == 1)))
    forms_by_key = table.finish()
    max_tokens: dict[str, int] = {}
    for lookup, forms in forms_by_key.items():
        first = _TOKEN.match(lookup)
        assert first is not None  # every key starts with a letter (checked in _form_key)
        size = len(forms[0].tokens)
        max_tokens[first.group()] = max(max_tokens.get(first.group(), 0), size)
    abbreviation_patterns = _abbreviation_patterns(list(abbreviations))
    abbreviation_openings = _abbreviation_openings(list(abbreviations), abbreviation_patterns)
    return _Lexicon(
        codes=codes,
        forms=forms_by_key,
        name_starts=_name_starts(forms_by_key, abbreviation_openings),
        max_tokens=MappingProxyType(max_tokens),
        abbreviations=MappingProxyType(abbreviations),
        abbreviation_patterns=abbreviation_patterns,
        abbreviation_openings=abbreviation_openings,
        ordinary_keys=MappingProxyType(ordinary),
        all_ordinary_keys=frozenset().union(*ordinary.values()),
        list_connectors=frozenset(connectors),
        compound_linking_vowels=frozenset(linking),
        short_adjective_endings=tuple(sorted(set(endings), key=len, reverse=True)),
        long_syllable_nuclei=tuple(nuclei),
        nucleus_regex=re.compile(f"[{re.escape(nucleus_letters)}]+") if nucleus_letters else None,
    )


_LEXICON = compile_country_data(load_data(_DATA))


# --- matching -----------------------------------------------------------------------------------------


def _case_fits(matched: Sequence[str], listed: Sequence[str]) -> bool:
    """Written as listed, in all capitals, or with later words' first letters in the other case."""
    if all(token.isupper() for token in matched):
        return len(matched) > 1 or len(matched[0]) >= _MIN_LETTERS_LOOSE
    if matched[0] != listed[0]:
        return False
    return all(
        token == expected or (token[1:] == expected[1:] and token[0].casefold() == expected[0].casefold())
        for token, expected in zip(matched[1:], listed[1:])
    )


def _glued_to_address(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before == "@" or after == "@":
        return True
    if before in _ADDRESS_GLUE and start > 1 and text[start - 2].isalnum():
        return True
    return after in _ADDRESS_GLUE and end + 1 < len(text) and text[end + 1].isalnum()


def _compound_first_half(text: str, end: int, written: str) -> bool:
    """ "Česko-německý", "Rusko-ukrajinská": the name is the linking half of a compound adjective."""
    return (
        end + 1 < len(text)
        and text[end] == "-"
        and text[end + 1].islower()
        and written[-1:].casefold() in _LEXICON.compound_linking_vowels
    )


def _sentence_start(text: str, start: int) -> bool:
    position = start - 1
    while position >= 0 and text[position] in " \t\"'(":
        position -= 1
    return position < 0 or text[position] in _SENTENCE_END


def _next_word(text: str, end: int) -> str:
    following = _TOKEN.match(text, end + 1) if text[end : end + 1] == " " else None
    return following.group() if following else ""


@lru_cache(maxsize=4096)
def _has_short_adjective_shape(written: str) -> bool:
    """The case-folded form ends like a short adjective, after a long syllable: "nórska".
    Cached per form, as the same few names come back in every document."""
    ending = next((ending for ending in _LEXICON.short_adjective_endings if written.endswith(ending)), None)
    if ending is None or _LEXICON.nucleus_regex is None:
        return False
    nuclei = _LEXICON.nucleus_regex.findall(written[: -len(ending)])
    return bool(nuclei) and any(long in nuclei[-1] for long in _LEXICON.long_syllable_nuclei)


def _adjective_reading(text: str, start: int, end: int) -> bool:
    """A sentence-opening form that is also a short adjective, before a small-letter word: "Nórska vláda"."""
    if not _has_short_adjective_shape(text[start:end].casefold()):
        return False
    word = _next_word(text, end)
    return (
        bool(word)
        and word[0].islower()
        and word.casefold() not in _LEXICON.list_connectors
        and _sentence_start(text, start)
    )


def _choose_form(forms: Sequence[_Form], matched: Sequence[str], strict: bool, hint: str) -> _Form | None:
    fitting = [form for form in forms if not strict or _case_fits(matched, form.tokens)]
    if not fitting:
        return None
    return next((form for form in fitting if form.language == hint), fitting[0])


@lru_cache(maxsize=4096)
def _form_for(key: str, matched: tuple[str, ...], strict: bool, hint: str) -> _Form | None:
    """``_choose_form`` among the forms of ``key``; cached, as the same few names come back in every document."""
    return _choose_form(_LEXICON.forms[key], matched, strict, hint)


def _name_candidates(text: str, hint: str, strict: bool) -> list[_Candidate]:
    """Names found by looking up runs of words, longest first, at every word that can start a name."""
    # Every listed name starts with a capital, so in strict mode only capitalised words can start one, and
    # only those written as a listed name's first word or in capitals (see ``_name_starts``).
    starts = _LEXICON.name_starts if strict else _TOKEN
    first_tokens = _LEXICON.max_tokens
    candidates: list[_Candidate] = []
    covered = 0
    for first in starts.finditer(text):
        # most words start no name: they are passed over here, without a call each
        if first.start() < covered or first.group().casefold() not in first_tokens:
            continue
        covered = max(covered, _match_at(text, first, hint, strict, candidates))
    return candidates


def _words_from(
    text: str, first: re.Match[str], longest: int
) -> tuple[list[str], list[tuple[int, int]], list[str]]:
    """Lookup keys of the runs of 1..longest words starting at ``first``, each run's span, and the words as
    written (the tokens of the longest run: each is a whole run of letters, what ``_TOKEN`` finds)."""
    words = [first.group()]
    keys = [words[0].casefold()]
    spans = [first.span()]
    while len(keys) < longest:
        following = _NEXT_NAME_WORD.match(text, spans[-1][1])
        if following is None:
            break
        joiner = text[spans[-1][1]]
        words.append(following.group(1))
        keys.append(keys[-1] + (joiner if joiner in _NAME_JOINERS else " ") + words[-1].casefold())
        spans.append((spans[0][0], following.end()))
    return keys, spans, words


def _match_at(text: str, first: re.Match[str], hint: str, strict: bool, out: list[_Candidate]) -> int:
    """Try the names starting at word ``first``; append what is found; return where the match ends (0: none)."""
    longest = _LEXICON.max_tokens.get(first.group().casefold())
    if not longest:
        return 0
    keys, spans, words = _words_from(text, first, longest)
    for width in range(len(keys), 0, -1):
        forms = _LEXICON.forms.get(keys[width - 1])
        if not forms:
            continue
        start, end = spans[width - 1]
        matched = tuple(words[:width])
        form = _form_for(keys[width - 1], matched, strict, hint)
        if form is None or _glued_to_address(text, start, end) or _compound_first_half(text, end, matched[-1]):
            continue
        if strict and _adjective_reading(text, start, end):
            continue
        if form.codes:
            kind = "name_ascii" if form.stripped else "name"
            out.append(_Candidate(form.codes, start, end, keys[width - 1], f"country.{kind}.{form.language}"))
        return end
    return 0


def _strict_candidates(text: str, hint: str) -> tuple[list[_Candidate], list[_Candidate]]:
    """The names (``_name_candidates`` in strict mode) and the abbreviations (``_abbreviation_candidates``)
    of a text, from one scan of the words that may start either (``_name_starts``): a scan of its own for
    the abbreviations would pass over the whole text again for each of their first letters."""
    first_tokens = _LEXICON.max_tokens
    openings = _LEXICON.abbreviation_openings
    names: list[_Candidate] = []
    abbreviations: list[_Candidate] = []
    covered = 0
    for first in _LEXICON.name_starts.finditer(text):
        word = first.group()
        # looked for inside a name found before too, as the scan of its own did: overlaps are settled later
        opening = openings.get(word)
        if opening is not None:
            found = opening.match(text, first.start())
            if found is not None:
                abbreviations.append(_abbreviation_candidate(found, hint))
        if first.start() < covered or word.casefold() not in first_tokens:
            continue
        covered = max(covered, _match_at(text, first, hint, True, names))
    return names, abbreviations


def _abbreviation_candidates(text: str, hint: str) -> list[_Candidate]:
    return [_abbreviation_candidate(match, hint) for match in leftmost_matches(_LEXICON.abbreviation_patterns, text)]


def _abbreviation_candidate(match: re.Match[str], hint: str) -> _Candidate:
    code, languages = _LEXICON.abbreviations[match.group()]
    language = hint if hint in languages else languages[0]
    return _Candidate((code,), match.start(), match.end(), match.group().casefold(), f"country.abbreviation.{language}")


def _is_list_gap(gap: str) -> bool:
    """Only punctuation and connector words between two countries: "Island, Lichtenštajnsko a Nórsko"."""
    if len(gap) > _MAX_LIST_GAP:
        return False
    words = list(_TOKEN.finditer(gap))
    if any(word.group().casefold() not in _LEXICON.list_connectors for word in words):
        return False
    return all(char in _LIST_PUNCTUATION for char in _TOKEN.sub("", gap))


def _list_groups(text: str, candidates: Sequence[_Candidate]) -> list[list[_Candidate]]:
    groups: list[list[_Candidate]] = []
    for candidate in candidates:
        # most countries of a text stand far apart: their gap, too long for a list, is not cut out
        if (
            groups
            and candidate.start - groups[-1][-1].end <= _MAX_LIST_GAP
            and _is_list_gap(text[groups[-1][-1].end : candidate.start])
        ):
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    return groups


def _resolve_ordinary_words(text: str, candidates: Sequence[_Candidate], hint: str) -> list[_Candidate]:
    """Keep a name that is also an ordinary word only when it stands in a list with a plain country."""
    ordinary = _LEXICON.ordinary_keys.get(hint, _LEXICON.all_ordinary_keys)
    kept: list[_Candidate] = []
    for group in _list_groups(text, candidates):
        has_plain_country = any(candidate.key not in ordinary for candidate in group)
        for candidate in group:
            if candidate.key not in ordinary:
                kept.append(candidate)
            elif has_plain_country:
                kept.append(candidate._replace(rule=candidate.rule + ".in_list"))
    return kept


def _without_overlaps(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    kept: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda item: (item.start, -item.end)):
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept


def _scan(text: str, hint: str, strict: bool) -> list[_Candidate]:
    if strict:
        names, abbreviations = _strict_candidates(text, hint)
        return _resolve_ordinary_words(text, _without_overlaps(names + abbreviations), hint)
    return _without_overlaps(_name_candidates(text, hint, strict) + _abbreviation_candidates(text, hint))


# --- public -------------------------------------------------------------------------------------------


# the model's validator given a dict: the same checks as the keyword constructor, in less time per mention
_new_mention = Mention.__pydantic_validator__.validate_python


def extract_countries(text: str, language: str) -> list[Mention]:
    """Every country named in ``text``, in text order: value = ISO 3166-1 alpha-2.

    ``language`` (cs, sk, en, ...) is the document's language hint: it decides which everyday words that
    equal a country name need a list of countries around them, and labels the rule.
    """
    return [
        _new_mention(
            {"value": code, "evidence": make_evidence(text, candidate.start, candidate.end), "rule": candidate.rule}
        )
        for candidate in _scan(text, language, strict=True)
        for code in candidate.codes
    ]


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the one country ``name`` names, in any language, case or letter case.

    "Norway", "(Belgie)", "z Nórska", "Ministry of Foreign Affairs of Norway" -> the code; a bare code
    ("NO") is returned as it is; None when no country or more than one is named.
    """
    bare = name.strip(" \t\n()[],.;:-–—\"'")
    if bare in _LEXICON.codes:
        return bare
    codes = {code for candidate in _scan(name, "", strict=False) for code in candidate.codes}
    return codes.pop() if len(codes) == 1 else None
