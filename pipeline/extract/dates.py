"""Calendar dates in Czech, Slovak and English text, with their role (start, end, publication, event).

Every pattern is tried on every document, whatever its language: month names in all cases, with or
without diacritics (``27. února 2019``, ``vo februári 2019``, ``February 27, 2019``), day-first
numeric dates (``27. 2. 2019``, ``27/02/2019``, ``21. IX. 2021``), ISO dates, numeric month-year
(``10/2018``), and ranges or lists whose first part borrows the month and year of the second
(``21.–23. 9. 2021``, ``Február – Apríl 2016``, ``18 and 19 September 2018``). Bare years are never
dates. The vocabulary (month forms, connectors, role cues) lives in ``pipeline/data/dates.toml``.
"""

from __future__ import annotations

import calendar
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from pipeline.extract.phrases import leftmost_matches, lowered_char
from pipeline.folding import lower_same_length, strip_diacritics
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import DateMention, DatePrecision, DateRole
from pipeline.spans import make_evidence

DATA_NAME = "dates"
DATA_FILE = f"{DATA_NAME}.toml"
LANGUAGES = ("cs", "sk", "en")
CUE_ROLES: tuple[DateRole, ...] = ("start", "end", "publication", "event")
MIN_YEAR, MAX_YEAR = 1900, 2100
# The longest date the patterns read ("27th of September – 30th of December, 2020" and some spaces).
MAX_DATE_CHARS = 64
# How far a role cue may stand from its date, in characters, within the same line and clause.
CUE_WINDOW_BEFORE = 80
CUE_WINDOW_AFTER = 40
# what follows the year of an ISO date ("2019-02-27", "2019/02/27")
ISO_SEPARATORS = ("-", "/")
# A date alone on one of the first lines of a document is its publication date ("22. 02. 2016"
# under the site name).
PUBLICATION_TOP_LINES = 5

Link = Literal["range", "list"]
CueKind = Literal["phrase", "preposition"]
# How a date's text may begin: with a number (a day, a month) or with a word (a month's name).
Opening = Literal["number", "word"]
# What stands right before a date's year (``year_lead_shape``), with or without spaces in between: a dot, a
# slash or hyphen, a comma, a digit, another character ("letter"); "_digit" where a digit comes just before.
LeadShape = Literal["dot_digit", "dot", "slash", "hyphen", "spaced_dot_digit", "spaced_dot", "comma",
                    "spaced_digit", "spaced_letter_digit", "spaced_letter"]


# --- the vocabulary ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateLexicon:
    """The contents of dates.toml, merged over the three languages and folded for lookup."""

    month_by_form: Mapping[str, int]  # folded month form -> 1..12
    roman_months: tuple[str, ...]  # "I" .. "XII"
    dashes: tuple[str, ...]
    ordinal_suffixes: tuple[str, ...]
    day_month_joiners: tuple[str, ...]
    range_connectors: frozenset[str]  # folded
    list_connectors: frozenset[str]  # folded
    range_openers: tuple[str, ...]
    fillers: tuple[str, ...]
    number_markers: tuple[str, ...]
    number_suffixes: tuple[str, ...]
    cues: Mapping[str, tuple[DateRole, CueKind]]  # folded phrase -> role and kind
    letter_variants: Mapping[str, str]  # folded letter -> every letter of the data that folds to it


def fold(text: str) -> str:
    """Lower case, without diacritics, single spaces: the key under which words are looked up."""
    return " ".join(strip_diacritics(text).lower().split())


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


def _string_list(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key)
    if not _is_string_list(value):
        raise LexiconError(f"{DATA_FILE}: [{where}].{key} must be a list of non-empty strings")
    return value


def _table(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise LexiconError(f"{DATA_FILE}: missing table [{where}{key}]")
    return value


def _month_forms(table: Mapping[str, Any], lang: str) -> dict[str, int]:
    """Folded month form -> month number, for one language."""
    months = table.get("months")
    if not isinstance(months, list) or len(months) != 12:
        raise LexiconError(f"{DATA_FILE}: [{lang}].months must be a list of 12 lists (January first)")
    month_by_form: dict[str, int] = {}
    for number, forms in enumerate(months, start=1):
        if not forms or not _is_string_list(forms) or not all(form.isalpha() for form in forms):
            raise LexiconError(f"{DATA_FILE}: [{lang}].months[{number - 1}] must be a non-empty list of single words")
        _merge(month_by_form, dict.fromkeys(forms, number), f"[{lang}].months")
    return month_by_form


def _cue_phrases(table: Mapping[str, Any], where: str) -> dict[str, DateRole]:
    unknown = set(table) - set(CUE_ROLES)
    if unknown:
        raise LexiconError(f"{DATA_FILE}: [{where}] has unknown roles {sorted(unknown)}")
    return {phrase: role for role in CUE_ROLES if role in table for phrase in _string_list(table, role, where)}


def _merge(target: dict[str, Any], entries: Mapping[str, Any], where: str) -> None:
    """Add entries under their folded key; one key may not mean two things."""
    for word, meaning in entries.items():
        if target.setdefault(fold(word), meaning) != meaning:
            raise LexiconError(f"{DATA_FILE}: {where}: {word!r} is given two different meanings")


def _letter_variants(words: Iterable[str]) -> dict[str, str]:
    variants: dict[str, set[str]] = {}
    for word in words:
        for char in word.lower():
            base = fold(char) or char
            variants.setdefault(base, {base}).add(char)
    return {base: "".join(sorted(chars)) for base, chars in variants.items() if len(chars) > 1}


_LIST_KEYS = (
    "ordinal_suffixes", "day_month_joiners", "range_connectors", "list_connectors", "range_openers",
    "fillers", "number_markers", "number_suffixes",
)


def parse_lexicon(raw: Mapping[str, Any]) -> DateLexicon:
    """Check and merge the parsed dates.toml; raises LexiconError naming the file and key."""
    common = _table(raw, "common", "")
    roman = _string_list(common, "roman_months", "common")
    if len(roman) != 12:
        raise LexiconError(f"{DATA_FILE}: [common].roman_months must list 12 numerals")
    dashes = _string_list(common, "dashes", "common")
    if any(len(dash) != 1 for dash in dashes):
        raise LexiconError(f"{DATA_FILE}: [common].dashes must be single characters")
    month_by_form: dict[str, int] = {}
    cues: dict[str, tuple[DateRole, CueKind]] = {}
    lists: dict[str, list[str]] = {key: [] for key in _LIST_KEYS}
    vocabulary: list[str] = []
    for lang in LANGUAGES:
        table = _table(raw, lang, "")
        forms = _month_forms(table, lang)
        _merge(month_by_form, forms, f"[{lang}].months")
        for key in _LIST_KEYS:
            lists[key] += _string_list(table, key, lang)
        phrases = _cue_phrases(_table(table, "cues", f"{lang}."), f"{lang}.cues")
        prepositions = _cue_phrases(_table(table, "prepositions", f"{lang}."), f"{lang}.prepositions")
        _merge(cues, {phrase: (role, "phrase") for phrase, role in phrases.items()}, f"[{lang}.cues]")
        _merge(cues, {word: (role, "preposition") for word, role in prepositions.items()}, f"[{lang}.prepositions]")
        vocabulary += [*(form for forms in table["months"] for form in forms), *phrases, *prepositions]
    vocabulary += [word for words in lists.values() for word in words]
    return DateLexicon(
        month_by_form=month_by_form,
        roman_months=tuple(roman),
        dashes=tuple(dashes),
        ordinal_suffixes=tuple(lists["ordinal_suffixes"]),
        day_month_joiners=tuple(lists["day_month_joiners"]),
        range_connectors=frozenset(fold(word) for word in lists["range_connectors"]),
        list_connectors=frozenset(fold(word) for word in lists["list_connectors"]),
        range_openers=tuple(lists["range_openers"]),
        fillers=tuple(lists["fillers"]),
        number_markers=tuple(lists["number_markers"]),
        number_suffixes=tuple(lists["number_suffixes"]),
        cues=cues,
        letter_variants=_letter_variants(vocabulary),
    )


# --- regex building ---------------------------------------------------------------------------------


def _letter_pattern(char: str, variants: Mapping[str, str], lowered: bool = False) -> str:
    """``char`` with its variants, for a case-blind pattern, or (``lowered``) for a case-sensitive pattern run
    on the lower-cased copy of a text (``lower_same_length``) that matches the same places."""
    if char == " ":
        return "[ ]+"
    chars = variants.get(char, char)
    if lowered:  # (the regex parser makes one set of these alternatives)
        return lowered_char(chars) if len(chars) == 1 else "(?:" + "|".join(map(lowered_char, chars)) + ")"
    if len(chars) == 1:
        return re.escape(chars)
    return "[" + "".join(re.escape(variant) for variant in chars) + "]"


def _trie_pattern(words: Iterable[str], variants: Mapping[str, str], lowered: bool = False) -> str:
    """One alternation for many words, sharing prefixes (fast to try at every position).

    Each letter matches itself with any diacritics the data gives it ("zahajeni" matches "zahájení"); with
    ``lowered``, in the lower-cased copy of a text (see ``_letter_pattern``).
    """
    trie: dict[str, Any] = {}
    for word in {fold(word) for word in words}:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie, variants, lowered)


def _node_pattern(node: Mapping[str, Any], variants: Mapping[str, str], lowered: bool) -> str:
    branches = [_letter_pattern(char, variants, lowered) + _node_pattern(child, variants, lowered)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _word_pattern(words: Iterable[str], variants: Mapping[str, str], lowered: bool = False) -> str:
    """Any of ``words``, as whole words (no letter directly before or after); nothing when empty."""
    body = _trie_pattern(words, variants, lowered)
    return rf"(?<![^\W\d_])(?:{body})(?![^\W\d_])" if body else "(?!)"


def _word_start(left: str, shortest: int, longest: int, opening: Opening | None = None) -> re.Pattern[str]:
    """A number of one or two digits after ``left`` (a look-behind), or a word (group "word") of
    ``shortest`` to ``longest`` letters; only the one or the other for an ``opening`` given.

    Numbers alone open with their digit, which lets the engine skip to the next digit. Words, with or without
    numbers, open with a look-behind for a character of neither: it fails at once inside a word or a number,
    most characters of a text, where a letter or digit first passes there and then looks back. The word's
    letters are taken possessively: fewer would leave a letter after them, which its end refuses.
    """
    number = rf"\d(?<={left}\d)(?!\d\d)"
    word = rf"(?P<word>[^\W\d_]{{{shortest},{longest}}}+(?![^\W\d_]))"
    if opening == "number":
        return re.compile(number)
    return re.compile(rf"(?<!\w)(?:{number}|{word})" if opening is None else rf"(?<!\w){word}")


@dataclass(frozen=True, slots=True)
class DatePatterns:
    year: re.Pattern[str]  # every date holds one: the scan starts from the years
    years: tuple[re.Pattern[str], ...]  # ``year`` as one pattern per literal opening (see ``leftmost_matches``)
    iso: re.Pattern[str]  # the one form that starts with its year
    master: re.Pattern[str]  # ranges and lists first, then single dates; all end with their year
    singles: re.Pattern[str]  # single dates only, tried where a range turned out invalid
    # where a date may begin: a number of one or two digits, or a word (group "word") of a month's length
    word_start: re.Pattern[str]
    # ``word_start`` for one kind of start: the numbers (a day, a month), or the words
    start_of: Mapping[Opening, re.Pattern[str]]
    year_lead: re.Pattern[str]  # what may stand right before the year of a date
    cue: re.Pattern[str]
    # ``cue`` for the lower-cased copy of a text (``lower_same_length``), case-sensitive: the same places in
    # less time, as a case-blind letter costs a lower-casing at every test
    cue_lowered: re.Pattern[str]
    filler_gap: re.Pattern[str]  # what may stand between a preposition and its date
    range_opener_end: re.Pattern[str]
    number_marker_end: re.Pattern[str]
    number_suffix_start: re.Pattern[str]
    range_gap: re.Pattern[str]  # between two complete dates that form a range
    joint: re.Pattern[str]
    list_gap: re.Pattern[str]
    month_groups: frozenset[str]  # names of the groups that hold a month name
    # each form's (range, list or single date: the group around it) groups that hold a month name
    month_groups_by_form: Mapping[str, tuple[str, ...]]
    # ``master`` and ``singles`` narrowed to the forms that open as given and may end with a year led as given
    # (``year_lead_shape``); None where no form can
    master_for: Mapping[tuple[Opening, LeadShape], re.Pattern[str] | None]
    singles_for: Mapping[tuple[Opening, LeadShape], re.Pattern[str] | None]
    # the longest ordinal suffix, in characters: how far back from a year's spaces a day may stand
    ordinal_reach: int


def build_patterns(lexicon: DateLexicon) -> DatePatterns:
    """Compile every regex of the extractor from the vocabulary."""
    variants = lexicon.letter_variants
    # Month names are matched as any word of a month name's length and checked against the
    # vocabulary afterwards (``has_month_names``): one big alternation in every pattern would make
    # the master regex slow to compile.
    lengths = [len(form) for form in lexicon.month_by_form]
    month_words = rf"(?<![^\W\d_])[^\W\d_]{{{min(lengths)},{max(lengths)}}}(?![^\W\d_])"
    roman = "|".join(re.escape(numeral) for numeral in sorted(lexicon.roman_months, key=len, reverse=True))
    dash = "[" + "".join(re.escape(dash) for dash in lexicon.dashes) + "]"
    ordinal = _trie_pattern(lexicon.ordinal_suffixes, variants) or "(?!)"
    joiner = _word_pattern(lexicon.day_month_joiners, variants)
    connector_words = _word_pattern([*lexicon.range_connectors, *lexicon.list_connectors], variants)
    range_words = _word_pattern(lexicon.range_connectors, variants)
    list_words = _word_pattern(lexicon.list_connectors, variants)

    # a number cannot start inside another number, a word, or a dotted/slashed sequence ("1.2.3")
    left = r"(?<![\w.,/])"

    def day(name: str) -> str:
        return rf"(?P<{name}>0?[1-9]|[12]\d|3[01])(?!\d)"

    def day_mark(name: str) -> str:  # "27." (cs, sk), "27th" (en) or "27"
        return rf"(?P<{name}>\.|{ordinal}(?![^\W\d_]))?"

    def month_number(name: str) -> str:
        return rf"(?P<{name}>0?[1-9]|1[0-2]|(?-i:{roman}))(?![\w])"

    month_groups: list[str] = []

    def month_name(name: str) -> str:
        month_groups.append(name)
        return rf"(?P<{name}>{month_words})\.?"

    def year(name: str) -> str:
        return rf"(?P<{name}>19\d\d|20\d\d|2100)(?!\d)"

    def connector(name: str) -> str:
        return rf"(?P<{name}>[ ]{{0,2}}{dash}[ ]{{0,2}}|[ ]{{1,2}}{connector_words}[ ]{{1,2}})"

    to_month = rf"[ ]{{0,2}}(?:{joiner}[ ]{{1,2}})?"  # "27 February", "27.února", "27th of February"
    to_year = r",?[ ]{1,2}"  # "February 2019", "February 27, 2019"
    dot = r"\.[ ]{0,2}"  # "27. 2. 2019", "27.2.2019"
    ordinal_opt = rf"(?:{ordinal}(?![^\W\d_]))?"

    ranges = {
        "num_days": rf"{left}{day('a1')}(?P<a1k>\.)?{connector('ac')}(?P<a2s>{day('a2')}(?P<a2k>\.)[ ]{{0,2}}"
                    rf"{month_number('am')}{dot}{year('ay')})",
        "num_day_month": rf"{left}{day('b1')}{dot}{month_number('b1m')}\.?{connector('bc')}"
                         rf"(?P<b2s>{day('b2')}{dot}{month_number('b2m')}{dot}{year('by')})",
        "named_day_month": rf"{left}{day('e1')}{day_mark('e1k')}{to_month}{month_name('e1m')}{connector('ec')}"
                           rf"(?P<e2s>{day('e2')}{day_mark('e2k')}{to_month}{month_name('e2m')}{to_year}{year('ey')})",
        "named_days": rf"{left}{day('c1')}{day_mark('c1k')}{connector('cc')}"
                      rf"(?P<c2s>{day('c2')}{day_mark('c2k')}{to_month}{month_name('cm')}{to_year}{year('cy')})",
        "mdy_month_day": rf"{month_name('g1m')}[ ]{{1,2}}{day('g1')}{ordinal_opt}{connector('gc')}"
                         rf"(?P<g2s>{month_name('g2m')}[ ]{{1,2}}{day('g2')}{ordinal_opt}{to_year}{year('gy')})",
        "mdy_days": rf"{month_name('fm')}[ ]{{1,2}}{day('f1')}{ordinal_opt}{connector('fc')}"
                    rf"(?P<f2s>{day('f2')}{ordinal_opt}{to_year}{year('fy')})",
        "named_months": rf"{month_name('h1m')}{connector('hc')}(?P<h2s>{month_name('h2m')}{to_year}{year('hy')})",
    }
    iso_separator = "[" + "".join(map(re.escape, ISO_SEPARATORS)) + "]"
    iso = rf"(?<![\w.,/-]){year('iy')}(?P<is>{iso_separator})(?P<im>\d{{1,2}})(?P=is)(?P<id>\d{{1,2}})(?!\d)"
    singles = {
        "dmy_numeric": rf"{left}{day('jd')}{dot}{month_number('jm')}{dot}{year('jy')}",
        "dmy_slash": rf"{left}(?P<ka>\d{{1,2}})(?P<ks>[/-])(?P<kb>\d{{1,2}})(?P=ks){year('ky')}",
        "dmy_named": rf"{left}{day('ld')}{day_mark('lk')}{to_month}{month_name('lm')}{to_year}{year('ly')}",
        "mdy_named": rf"{month_name('nm')}[ ]{{1,2}}{day('nd')}{ordinal_opt}{to_year}{year('ny')}",
        "month_year_named": rf"{month_name('om')}{to_year}{year('oy')}",
        # not a telephone number "02/2092 0800"
        "month_year_numeric": rf"{left}(?P<pm>0?[1-9]|1[0-2])/{year('py')}(?![/\w])(?![ ]\d{{3}})",
        # "09.2018 – 08.2020" on project cards; two month digits, so "1.2019" is not read
        "month_year_dotted": rf"{left}(?P<qm>0[1-9]|1[0-2])\.{year('qy')}(?![.,]?\w)(?![ ]\d{{3}})",
    }

    def alternation(named: Mapping[str, str]) -> str:
        return "|".join(f"(?P<{name}>{pattern})" for name, pattern in named.items())

    flags = re.IGNORECASE
    ordinal_forms = [fold(suffix) for suffix in lexicon.ordinal_suffixes]
    # a suffix ending with a character other than a letter, or holding a space (any run of spaces), would
    # leave the day elsewhere: then a day's forms may end with a year after any lead
    plain_ordinals = all(_lead_shape(form[-1], True, False) == "spaced_letter" and " " not in form
                         for form in ordinal_forms)
    leads = _form_leads(plain_ordinals)
    # a form opens with a word where its pattern opens with a month's name, else with a number (a day, a month)
    openings: dict[str, Opening] = {
        name: "word" if any(pattern.startswith(f"(?P<{group}>") for group in month_groups) else "number"
        for name, pattern in {**ranges, **singles}.items()
    }

    # one pattern per list of forms: where the forms of ``master`` left are single dates only, it is the very
    # pattern of ``singles``
    compiled: dict[tuple[str, ...], re.Pattern[str] | None] = {}

    def narrowed(named: Mapping[str, str]) -> dict[tuple[Opening, LeadShape], re.Pattern[str] | None]:
        return _narrowed_patterns(named, openings, leads, flags, compiled)

    fillers = _word_pattern(lexicon.fillers, variants)
    return DatePatterns(
        # "(?<!\d)(?P<year>19\d\d|20\d\d|2100)(?!\d)" with the look-behind moved after the first digit: a
        # pattern opening with a digit lets the engine skip to the next "1" or "2" instead of testing the
        # look-behind at every character
        year=re.compile(r"(?P<year>1(?<!\d1)9\d\d|2(?<!\d2)0\d\d|2(?<!\d2)100)(?!\d)"),
        # each opening with its first digits: the engine finds a literal opening in a fast loop, where a set of
        # characters is tested at every character; "2100" shares its pattern with the 2000s, as a pass of its own
        # over the text costs more than the few more places where a "2" opens no year
        years=tuple(re.compile(year) for year in (r"19(?<!\d19)\d\d(?!\d)", r"2(?<!\d2)(?:0\d\d|100)(?!\d)")),
        iso=re.compile(f"(?P<iso>{iso})"),
        # every pattern starting at a word takes the whole word as a month's name: a word of another
        # length cannot start a date; every pattern starting at a number takes one or two digits and then
        # no digit (a day, a month), so a longer number cannot start one either
        word_start=_word_start(left, min(lengths), max(lengths)),
        start_of={
            opening: _word_start(left, min(lengths), max(lengths), opening) for opening in typing.get_args(Opening)
        },
        # a month name ("May 2019", "Feb. 2019"), a dot or slash ("1. 2. 2019", "10/2018"), or a day
        # ("May 5, 2019", "March 12th, 2020"): not another number ("2019 2020")
        year_lead=re.compile(r"(?:[^\W\d_]\.?|[./-]|(?<!\d)\d{1,2}(?:[^\W\d_]{2})?),?[ ]{0,2}\Z"),
        master=re.compile(alternation(ranges) + "|" + alternation(singles), flags),
        singles=re.compile(alternation(singles), flags),
        cue=re.compile(_word_pattern(lexicon.cues, variants), flags),
        cue_lowered=re.compile(_word_pattern(lexicon.cues, variants, lowered=True)),
        filler_gap=re.compile(rf"[ ,]*(?:{fillers}[ ,]+){{0,3}}", flags),
        range_opener_end=re.compile(rf"{_word_pattern(lexicon.range_openers, variants)}[ ]+\Z", flags),
        # "č. 12/2019", "tel.: 2/2092 0800", "+421 2/2092 0800"
        number_marker_end=re.compile(
            rf"(?:{_word_pattern(lexicon.number_markers, variants)}|[#№]|\+\d{{1,4}})[ ]*:?[ ]*\Z", flags
        ),
        number_suffix_start=re.compile(rf"[ ]*{_word_pattern(lexicon.number_suffixes, variants)}", flags),
        range_gap=re.compile(rf"[ ]{{0,2}}(?:{dash}|{range_words})[ ]{{0,2}}", flags),
        # a part of what joins the two parts of every range and list (``connector``): a dash, or a connector
        # word between spaces
        joint=re.compile(rf"{dash}|[ ]{connector_words}[ ]", flags),
        list_gap=re.compile(rf",?[ ]{{1,2}}{list_words}[ ]{{1,2}}", flags),
        month_groups=frozenset(month_groups),
        month_groups_by_form={
            form: tuple(group for group in month_groups if f"(?P<{group}>" in pattern)
            for form, pattern in {**ranges, **singles}.items()
        },
        master_for=narrowed({**ranges, **singles}),
        singles_for=narrowed(singles),
        ordinal_reach=max(map(len, ordinal_forms), default=0) if plain_ordinals else MAX_DATE_CHARS,
    )


# what may stand right before the year of each form, by how its text before the year ends
_NUMERIC_MONTH_LEADS = ("dot_digit", "dot", "spaced_dot_digit", "spaced_dot")  # "2. 2019", "2.2019", "IX. 2021"
_MONTH_NAME_LEADS = ("spaced_letter", "spaced_letter_digit", "spaced_dot", "comma")  # "May 2019", "Feb., 2019"
_DAY_LEADS = ("spaced_digit", "spaced_letter_digit", "comma")  # "May 5 2019", "May 5th 2019", "May 5, 2019"


def _form_leads(plain_ordinals: bool) -> dict[str, tuple[LeadShape, ...]]:
    """The year leads each form may end with (``year_lead_shape``); every lead for a day's forms when an
    ordinal suffix ends otherwise than with a letter (``plain_ordinals`` False)."""
    day_leads = _DAY_LEADS if plain_ordinals else typing.get_args(LeadShape)
    return {
        "num_days": _NUMERIC_MONTH_LEADS, "num_day_month": _NUMERIC_MONTH_LEADS, "dmy_numeric": _NUMERIC_MONTH_LEADS,
        "named_day_month": _MONTH_NAME_LEADS, "named_days": _MONTH_NAME_LEADS, "named_months": _MONTH_NAME_LEADS,
        "dmy_named": _MONTH_NAME_LEADS, "month_year_named": _MONTH_NAME_LEADS,
        "mdy_month_day": day_leads, "mdy_days": day_leads, "mdy_named": day_leads,
        "dmy_slash": ("slash", "hyphen"), "month_year_numeric": ("slash",), "month_year_dotted": ("dot_digit",),
    }


def _narrowed_patterns(
    named: Mapping[str, str], openings: Mapping[str, Opening], leads: Mapping[str, tuple[LeadShape, ...]],
    flags: re.RegexFlag, compiled: dict[tuple[str, ...], re.Pattern[str] | None],
) -> dict[tuple[Opening, LeadShape], re.Pattern[str] | None]:
    """For each opening and year lead, the alternation of the forms (in their order) that open so and may end
    with a year led so; compiled once per distinct list of forms (``compiled`` keeps them)."""
    if set(named) - set(leads):
        raise ValueError(f"no year leads given for the forms {sorted(set(named) - set(leads))}")
    narrowed: dict[tuple[Opening, LeadShape], re.Pattern[str] | None] = {}
    for opening in typing.get_args(Opening):
        for lead in typing.get_args(LeadShape):
            forms = tuple(name for name in named if openings[name] == opening and lead in leads[name])
            if forms not in compiled:
                source = "|".join(f"(?P<{name}>{named[name]})" for name in forms)
                compiled[forms] = re.compile(source, flags) if forms else None
            narrowed[opening, lead] = compiled[forms]
    return narrowed


def _lead_shape(before: str, spaced: bool, after_digit: bool) -> LeadShape | None:
    """The shape of a year lead from the character ``before`` the year or its spaces (see ``year_lead_shape``)."""
    if not spaced:
        if before == ".":
            return "dot_digit" if after_digit else "dot"
        return "slash" if before == "/" else "hyphen" if before == "-" else None
    if before == ".":
        return "spaced_dot_digit" if after_digit else "spaced_dot"
    if before == ",":
        return "comma"
    if before.isdecimal():
        return "spaced_digit"
    if before == " ":  # a third space: no form has more than two before its year
        return None
    return "spaced_letter_digit" if after_digit else "spaced_letter"


LEXICON = parse_lexicon(load_data(DATA_NAME))
PATTERNS = build_patterns(LEXICON)


def _not_in_dates(lexicon: DateLexicon) -> str:
    """Common characters no date holds: a date is letters, digits, spaces, ".,/-", dashes and the letters of
    its vocabulary (ordinal suffixes, joiners, connectors), never a line break or a colon."""
    vocabulary = "".join([*lexicon.dashes, *lexicon.ordinal_suffixes, *lexicon.day_month_joiners,
                          *lexicon.range_connectors, *lexicon.list_connectors, *lexicon.roman_months])
    return "".join(mark for mark in "\n:;()" if mark not in vocabulary)


_NOT_IN_DATES = _not_in_dates(LEXICON)
# a clause ends at "!", "?", ";" or a period after a word ("... 2019. Next"); "z. s." and "27. 2." do not
# "!", "?", ";", or a full stop after a word ("[!?;]|(?<=[^\W\d_]{2})\.(?=[ ]+\S)"): opening with one set of
# characters lets the engine skip to them, where a branch opening with a look-behind is tried at every one
_CLAUSE_BREAK = re.compile(r"[!?;.](?:(?<=[!?;])|(?<=[^\W\d_]{2}\.)(?=[ ]+\S))")
# the last clause break of a window: matched at the window's start, the run before it is taken whole and given
# back from the window's end, so only the characters after the last break are tried
_LAST_CLAUSE_BREAK = re.compile(rf"(?s:.*){_CLAUSE_BREAK.pattern}")
_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
# The lines above the PUBLICATION_TOP_LINES-th non-empty one: the empty lines, then each non-empty line with
# the empty lines after it; a line ends at "\n" only, and is empty when it holds white space only. One match
# runs through them in the engine, where a loop would look for each line's end and its first non-space.
_EMPTY_LINES = r"(?:[^\S\n]*\n)*+"  # (taking fewer would leave an empty line where a non-empty one must stand)
_TOP_LINES = re.compile(
    rf"{_EMPTY_LINES}(?:[^\S\n]*\S[^\n]*\n{_EMPTY_LINES}){{{PUBLICATION_TOP_LINES - 1}}}(?=[^\S\n]*\S)"
)


# --- reading one match ------------------------------------------------------------------------------


# named tuples (as FoundMatch): a few are made per document, and a frozen dataclass is slower to make
class FoundDate(NamedTuple):
    value: str
    precision: DatePrecision
    start: int
    end: int
    rule: str


class FoundMatch(NamedTuple):
    """One or two dates read from one regex match; ``link`` says how the two relate."""

    dates: tuple[FoundDate, ...]
    start: int
    end: int
    link: Link | None = None


def day_value(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` for a real calendar day in the plausible years, else None (31. 2. 2019)."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def month_value(year: int, month: int) -> str | None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def _month(text: str) -> int:
    """Month number of a month group: a name in any form, a number or a Roman numeral."""
    bare = text.rstrip(".")
    if bare.isdigit():
        return int(bare)
    if bare in LEXICON.roman_months:
        return LEXICON.roman_months.index(bare) + 1
    return _named_month(bare)


@lru_cache(maxsize=4096)
def _named_month(word: str) -> int:
    """Month number of a form of a month's name (0: none); cached per word, as the same few come back."""
    return LEXICON.month_by_form.get(fold(word), 0)


def _opens_range(text: str, start: int) -> bool:
    """"between 5 and 7 March": a list right after "between", "mezi", "medzi" is a range."""
    return PATTERNS.range_opener_end.search(text, max(0, start - 30), start) is not None


def _link(m: re.Match[str], connector_group: str) -> Link:
    connector = m[connector_group]
    if any(dash in connector for dash in LEXICON.dashes) or fold(connector) in LEXICON.range_connectors:
        return "range"
    return "range" if _opens_range(m.string, m.start()) else "list"


def _mark_style(mark: str | None) -> str:
    return "" if not mark else "." if mark == "." else "ordinal"


def _same_style(first_mark: str | None, second_mark: str | None, link: Link) -> bool:
    # "5. a 6. září", "1st and 2nd May" and "18 and 19 September" are lists; "Praze 4 a 5. září" is not.
    return link == "range" or _mark_style(first_mark) == _mark_style(second_mark)


def _pair(
    m: re.Match[str], first: str | None, second: str | None, second_group: str | None, link: Link, kind: str,
    precision: DatePrecision,
) -> FoundMatch | None:
    """Two dates of a range or list: the first carries the whole match, the second its own part
    (``second_group``) when that part is a complete date on its own."""
    if first is None or second is None or not first < second:
        return None
    rule = f"date.{link}_{kind}"
    return FoundMatch(
        dates=(
            FoundDate(first, precision, m.start(), m.end(), rule),
            FoundDate(second, precision, m.start(second_group) if second_group else m.start(), m.end(), rule),
        ),
        start=m.start(),
        end=m.end(),
        link=link,
    )


def _earlier_year(year: int, first: tuple[int, int], second: tuple[int, int]) -> int:
    """Year of a range's first part that has none: the previous year when it would come later."""
    return year - 1 if first > second else year


def _read_num_days(m: re.Match[str]) -> FoundMatch | None:
    link = _link(m, "ac")
    if not _same_style(m["a1k"], m["a2k"], link):
        return None
    year, month = int(m["ay"]), _month(m["am"])
    first, second = day_value(year, month, int(m["a1"])), day_value(year, month, int(m["a2"]))
    return _pair(m, first, second, "a2s", link, "numeric_days", "day")


def _read_num_day_month(m: re.Match[str]) -> FoundMatch | None:
    year, month1, month2 = int(m["by"]), _month(m["b1m"]), _month(m["b2m"])
    day1, day2 = int(m["b1"]), int(m["b2"])
    year1 = _earlier_year(year, (month1, day1), (month2, day2))
    return _pair(m, day_value(year1, month1, day1), day_value(year, month2, day2), "b2s", _link(m, "bc"),
                 "numeric_day_month", "day")


def _read_named_days(m: re.Match[str]) -> FoundMatch | None:
    link = _link(m, "cc")
    if not _same_style(m["c1k"], m["c2k"], link):
        return None
    year, month = int(m["cy"]), _month(m["cm"])
    first, second = day_value(year, month, int(m["c1"])), day_value(year, month, int(m["c2"]))
    return _pair(m, first, second, "c2s", link, "named_days", "day")


def _read_named_day_month(m: re.Match[str]) -> FoundMatch | None:
    link = _link(m, "ec")
    if not _same_style(m["e1k"], m["e2k"], link):
        return None
    year, month1, month2 = int(m["ey"]), _month(m["e1m"]), _month(m["e2m"])
    day1, day2 = int(m["e1"]), int(m["e2"])
    year1 = _earlier_year(year, (month1, day1), (month2, day2))
    return _pair(m, day_value(year1, month1, day1), day_value(year, month2, day2), "e2s", link,
                 "named_day_month", "day")


def _read_mdy_days(m: re.Match[str]) -> FoundMatch | None:
    year, month = int(m["fy"]), _month(m["fm"])
    first, second = day_value(year, month, int(m["f1"])), day_value(year, month, int(m["f2"]))
    return _pair(m, first, second, None, _link(m, "fc"), "mdy_days", "day")  # "7, 2020" is no date


def _read_mdy_month_day(m: re.Match[str]) -> FoundMatch | None:
    year, month1, month2 = int(m["gy"]), _month(m["g1m"]), _month(m["g2m"])
    day1, day2 = int(m["g1"]), int(m["g2"])
    year1 = _earlier_year(year, (month1, day1), (month2, day2))
    return _pair(m, day_value(year1, month1, day1), day_value(year, month2, day2), "g2s", _link(m, "gc"),
                 "mdy_month_day", "day")


def _read_named_months(m: re.Match[str]) -> FoundMatch | None:
    year, month1, month2 = int(m["hy"]), _month(m["h1m"]), _month(m["h2m"])
    year1 = _earlier_year(year, (month1, 0), (month2, 0))
    return _pair(m, month_value(year1, month1), month_value(year, month2), "h2s", _link(m, "hc"),
                 "named_months", "month")


def _single(m: re.Match[str], value: str | None, precision: DatePrecision, rule: str) -> FoundMatch | None:
    if value is None:
        return None
    return FoundMatch((FoundDate(value, precision, m.start(), m.end(), f"date.{rule}"),), m.start(), m.end())


def _is_numbered_item(m: re.Match[str]) -> bool:
    """"č. 12/2019 Sb.", "No. 4/2019": a document or act number, not a month."""
    before = m.string[max(0, m.start() - 20):m.start()]
    return bool(PATTERNS.number_marker_end.search(before) or PATTERNS.number_suffix_start.match(m.string, m.end()))


def _read_iso(m: re.Match[str]) -> FoundMatch | None:
    return _single(m, day_value(int(m["iy"]), int(m["im"]), int(m["id"])), "day", "iso")


def _read_dmy_numeric(m: re.Match[str]) -> FoundMatch | None:
    return _single(m, day_value(int(m["jy"]), _month(m["jm"]), int(m["jd"])), "day", "dmy_numeric")


def _read_dmy_slash(m: re.Match[str]) -> FoundMatch | None:
    if _is_numbered_item(m):
        return None
    first, second, year = int(m["ka"]), int(m["kb"]), int(m["ky"])
    if second > 12 >= first:  # "02/27/2019": month first only when nothing else can be meant
        return _single(m, day_value(year, first, second), "day", "mdy_slash")
    return _single(m, day_value(year, second, first), "day", "dmy_slash")


def _read_dmy_named(m: re.Match[str]) -> FoundMatch | None:
    return _single(m, day_value(int(m["ly"]), _month(m["lm"]), int(m["ld"])), "day", "dmy_named")


def _read_mdy_named(m: re.Match[str]) -> FoundMatch | None:
    return _single(m, day_value(int(m["ny"]), _month(m["nm"]), int(m["nd"])), "day", "mdy_named")


def _read_month_year_named(m: re.Match[str]) -> FoundMatch | None:
    return _single(m, month_value(int(m["oy"]), _month(m["om"])), "month", "month_year_named")


def _read_month_year_numeric(m: re.Match[str]) -> FoundMatch | None:
    if _is_numbered_item(m):
        return None
    return _single(m, month_value(int(m["py"]), int(m["pm"])), "month", "month_year_numeric")


def _read_month_year_dotted(m: re.Match[str]) -> FoundMatch | None:
    if _is_numbered_item(m):
        return None
    return _single(m, month_value(int(m["qy"]), int(m["qm"])), "month", "month_year_dotted")


_READERS: Mapping[str, Callable[[re.Match[str]], FoundMatch | None]] = {
    "num_days": _read_num_days,
    "num_day_month": _read_num_day_month,
    "named_day_month": _read_named_day_month,
    "named_days": _read_named_days,
    "mdy_month_day": _read_mdy_month_day,
    "mdy_days": _read_mdy_days,
    "named_months": _read_named_months,
    "iso": _read_iso,
    "dmy_numeric": _read_dmy_numeric,
    "dmy_slash": _read_dmy_slash,
    "dmy_named": _read_dmy_named,
    "mdy_named": _read_mdy_named,
    "month_year_named": _read_month_year_named,
    "month_year_numeric": _read_month_year_numeric,
    "month_year_dotted": _read_month_year_dotted,
}


def _read(m: re.Match[str] | None) -> FoundMatch | None:
    if m is None or m.lastgroup is None:
        return None
    return _READERS[m.lastgroup](m)


@lru_cache(maxsize=4096)
def is_month_name(word: str) -> bool:
    """True when the word is a form of a month's name ("února", "Sept"); cached per word, as the same
    few words come back in every document."""
    return fold(word) in LEXICON.month_by_form


def has_month_names(m: re.Match[str]) -> bool:
    """True when every word the match holds in a month's place is a month name ("února", "Sept")."""
    # only the groups of the form that matched (the last group closed) took part, and every pattern holding
    # the form holds them; a group of an optional part that did not take part is None
    for name in PATTERNS.month_groups_by_form.get(m.lastgroup or "", ()):
        word = m.group(name)
        if word is not None and not is_month_name(word):
            return False
    return True


def _may_open_date(word: re.Match[str]) -> bool:
    """False for a word that is no month name: every pattern starting at a word takes the whole word
    as a month's name, so a date starting there is either none or read as no date."""
    return word.lastgroup != "word" or is_month_name(word.group())


def year_lead_shape(text: str, position: int) -> LeadShape | None:
    """The shape of what stands right before a year at ``position``: the character before it, or before its
    one or two spaces, and whether a digit stands right before a dot there, or within an ordinal suffix's
    length before a letter there ("5th 2019"). None where no form's year can stand.

    A date's text cannot hold its year in any other place (no day, month or word takes four digits), so a
    form whose text before the year cannot end so cannot end with this year either.
    """
    end = position
    while end > 0 and position - end < 2 and text[end - 1] == " ":
        end -= 1
    if end == 0:
        return None
    before = text[end - 1]
    after_digit = False
    if before == ".":
        after_digit = end >= 2 and text[end - 2].isdecimal()
    elif end < position:  # (a loop: a generator costs more than these few characters)
        for char in text[end - 1 - PATTERNS.ordinal_reach if end > PATTERNS.ordinal_reach else 0:end - 1]:
            if char.isdecimal():
                after_digit = True
                break
    return _lead_shape(before, end < position, after_digit)


def _match_ending_at(text: str, floor: int, year: re.Match[str]) -> FoundMatch | None:
    """The first valid date that starts after ``floor`` and ends with ``year``.

    At each place a date may start, only the forms that open there as the text does and may end with a year
    led as this one are tried (``PATTERNS.master_for``): every other form fails there or ends with another
    year, and a form ending with an earlier year leaves no later form a way to reach this one (it cannot
    take that year's four digits as anything but its year), so the first form to match among the narrowed
    ones is the first form of all to match that ends with this year. Where nothing can join two parts between
    the start and the year (``PATTERNS.joint``), no range or list can either: the single dates alone are tried.
    """
    year_start, year_end = year.span()
    lead = year_lead_shape(text, year_start)
    if lead is None:
        return None
    number_forms, word_forms = PATTERNS.master_for["number", lead], PATTERNS.master_for["word", lead]
    if number_forms is None and word_forms is None:
        return None
    # where no form opening with a word (or with a number) can end with this year, only the other starts
    starts = (PATTERNS.word_start if number_forms is not None and word_forms is not None
              else PATTERNS.start_of["number" if word_forms is None else "word"])
    # (conditions rather than max(): the builtin's call costs more than the comparison, here for every year)
    start = floor if floor > year_start - MAX_DATE_CHARS else year_start - MAX_DATE_CHARS
    for mark in _NOT_IN_DATES:  # a date starts after the last of these before its year
        mark_at = text.rfind(mark, start, year_start)
        if mark_at >= 0:
            start = mark_at + 1
    # the year itself starts no date (it has four digits); ending the scan before it also keeps the scan's
    # end from cutting the year short, where the year would pass for a number of one or two digits
    for word in starts.finditer(text, start, year_start):
        if word.lastgroup is None:
            opening: Opening = "number"
        elif is_month_name(word.group()):  # ``_may_open_date``, inline
            opening = "word"
        else:
            continue
        master, singles = PATTERNS.master_for[opening, lead], PATTERNS.singles_for[opening, lead]
        if master is not singles and PATTERNS.joint.search(text, word.start(), year_start) is None:
            master = singles  # no range or list starts here: nothing joins two parts before the year
        m = None if master is None else master.match(text, word.start())
        if m is None or m.end() != year_end:
            continue
        real_months = has_month_names(m)
        found = _read(m) if real_months else None
        if found is not None:
            return found
        if real_months and m.lastgroup in _SINGLE_NAMES:
            return None  # "30. února 2019" is no date, and "února 2019" inside it is none either
        # an invalid range or list ("Praze 4 a 5. září 2021"), or a word that is no month: a single
        # date may still start here
        single = None if singles is None else singles.match(text, word.start())
        if single is not None and single.end() == year_end and has_month_names(single):
            return _read(single)
    return None


def find_matches(text: str) -> list[FoundMatch]:
    """Every valid date match, in text order, without overlaps.

    Each date holds exactly one four-digit year, at its end (at its start in ISO dates), so the
    patterns are only tried in the few characters before each year: fast on long texts.
    """
    matches: list[FoundMatch] = []
    done = 0
    for year in leftmost_matches(PATTERNS.years, text):
        year_start, year_end = year.span()
        if year_start < done:
            continue
        # the ISO pattern is tried only where its separator follows the year
        found = _read(PATTERNS.iso.match(text, year_start)) if text[year_end:year_end + 1] in ISO_SEPARATORS else None
        if found is None and has_year_lead(text, done if done > year_start - 8 else year_start - 8, year_start):
            found = _match_ending_at(text, done, year)
        if found is not None:
            matches.append(found)
            done = found.end
    return matches


def has_year_lead(text: str, floor: int, position: int) -> bool:
    """Whether ``PATTERNS.year_lead.search(text, floor, position)`` finds a lead of the year at ``position``,
    read back from the year: a search tries every place of the window, each entering the engine's matcher.

    The lead ends with at most two spaces, after a comma maybe; what stands before them (a letter, a
    letter and a dot, one of "./-", one or two digits, maybe with two letters) ends with no space or comma,
    so where it ends is fixed, and its shortest form (one character, or a run of one or two digits)
    decides whether it starts after ``floor``.
    """
    end = position
    for _ in range(2):
        if end > floor and text[end - 1] == " ":
            end -= 1
    if end > floor and text[end - 1] == ",":
        end -= 1
    if end <= floor:
        return False
    last = text[end - 1]
    if last in "./-" or (last.isalnum() and not last.isdecimal()):  # a letter: [^\W\d_]
        return True
    if not last.isdecimal():
        return False
    digits = 1  # the run of digits ending the lead: one or two, the first of them after the floor
    while digits < 3 and end - digits > 0 and text[end - digits - 1].isdecimal():
        digits += 1
    return digits <= 2 and end - digits >= floor


_SINGLE_NAMES = frozenset(("dmy_numeric", "dmy_slash", "dmy_named", "mdy_named", "month_year_named",
                           "month_year_numeric", "month_year_dotted"))


# --- roles ------------------------------------------------------------------------------------------


def _line_bounds(text: str, match: FoundMatch, floor: int, ceiling: int) -> tuple[int, int]:
    """The line of ``match``, looked for no further than the neighbouring matches (``floor`` and
    ``ceiling``), so that a line of many dates costs its length once, not once per date.

    A line that starts before ``floor`` (another date earlier on the line) is given as starting at 0,
    one that ends after ``ceiling`` (another date later on it) as ending at the text's end.
    """
    start = text.rfind("\n", floor, match.start) + 1
    end = text.find("\n", match.end, ceiling)
    return start, len(text) if end < 0 else end


@lru_cache(maxsize=4096)
def _cue_meaning(written: str) -> tuple[DateRole, CueKind]:
    """Role and kind of a cue as written; cached per spelling, as the same few cues come back."""
    return LEXICON.cues[fold(written)]


def _cue_role_before(window: str, cues: list[re.Match[str]]) -> DateRole | None:
    """Role from the cues of the clause before the date: ``cues`` are those of the ``window``
    (``PATTERNS.cue.finditer(window)``, or the same places found in its lower-cased copy).

    A preposition right before the date decides ("do 30. 6."), except a plain "on", which yields to
    any phrase of the clause ("The call closes on 31 March"); otherwise the nearest phrase decides.
    """
    adjacent: DateRole | None = None
    if cues and PATTERNS.filler_gap.fullmatch(window, cues[-1].end()):
        role, kind = _cue_meaning(window[cues[-1].start():cues[-1].end()])
        if kind == "preposition":
            if role != "event":
                return role
            adjacent = role
    for cue in reversed(cues):
        role, kind = _cue_meaning(window[cue.start():cue.end()])
        if kind == "phrase":
            return role
    return adjacent


def _event_after(window: str, lowered_window: str) -> bool:
    """Whether the first cue of the clause after the date (``window``, and ``lowered_window`` its lower-cased
    copy) is an event's phrase."""
    # Czech and Slovak put the verb after the date: "V úterý 21. 9. 2021 proběhla ..."
    cue = PATTERNS.cue_lowered.search(lowered_window)
    return cue is not None and _cue_meaning(window[cue.start():cue.end()]) == ("event", "phrase")


def _label_role(text: str, line_start: int) -> DateRole | None:
    """Role given by a label line directly above ("Začiatok realizácie:", "Vydáno")."""
    above_end = line_start  # the end of the text above without its trailing white space
    while above_end and text[above_end - 1].isspace():
        above_end -= 1
    label = text[text.rfind("\n", 0, above_end) + 1:above_end].strip(" •*-–")
    if label.endswith(":"):
        window = label[:-1] + " "
        return _cue_role_before(window, list(PATTERNS.cue.finditer(window)))
    cue = PATTERNS.cue.fullmatch(label)
    return _cue_meaning(cue.group())[0] if cue else None


def _is_alone_near_top(text: str, line_start: int, line_end: int, match: FoundMatch, top_end: int) -> bool:
    """The date is alone on its line (a time of day aside), and the line is one of the first
    non-empty lines: it starts at or before ``top_end`` (see ``top_lines_end``)."""
    if line_start > top_end:
        return False
    rest = (text[line_start:match.start] + text[match.end:line_end]).strip(" •*-–|,")
    return not rest or _TIME.fullmatch(rest) is not None


def top_lines_end(text: str) -> int:
    """Start of the PUBLICATION_TOP_LINES-th non-empty line, or the text's length when there are fewer:
    exactly the lines starting at or before it have fewer non-empty lines above them."""
    top = _TOP_LINES.match(text)
    return len(text) if top is None else top.end()


def _clause_before(text: str, floor: int, start: int) -> int:
    """Where the clause before ``start`` begins: after the last clause break of the window before it."""
    window_start = floor if floor > start - CUE_WINDOW_BEFORE else start - CUE_WINDOW_BEFORE  # (not max(): slower)
    last_break = _LAST_CLAUSE_BREAK.match(text[window_start:start])
    return window_start if last_break is None else window_start + last_break.end()


def _clause_after(text: str, end: int, ceiling: int) -> int:
    """Where the clause after ``end`` ends: at the first clause break of the window after it."""
    window_end = ceiling if ceiling < end + CUE_WINDOW_AFTER else end + CUE_WINDOW_AFTER  # (not min(): slower)
    first_break = _CLAUSE_BREAK.search(text[end:window_end])
    return end + first_break.start() if first_break else window_end


def context_role(
    text: str, match: FoundMatch, floor: int, ceiling: int, top_end: int | None = None
) -> DateRole:
    """Role of a match from the words around it; ``floor``/``ceiling`` are the neighbouring matches,
    ``top_end`` is ``top_lines_end(text)`` (worked out when not given)."""
    line_start, line_end = _line_bounds(text, match, floor, ceiling)
    lowered = lower_same_length(text)  # the document's copy, made once for every stage reading it
    # (conditions rather than max() and min(): the builtins' calls cost more than the comparisons)
    clause_start = _clause_before(text, floor if floor > line_start else line_start, match.start)
    cues = list(PATTERNS.cue_lowered.finditer(lowered[clause_start:match.start]))
    role = _cue_role_before(text[clause_start:match.start], cues)
    if role is not None:
        return role
    clause_end = _clause_after(text, match.end, ceiling if ceiling < line_end else line_end)
    if _event_after(text[match.end:clause_end], lowered[match.end:clause_end]):
        return "event"
    # Another date earlier (line_start < floor) or later (line_end > ceiling) on the line leaves its
    # year beside this one: the date neither opens its line nor stands alone on it.
    if line_start >= floor and not text[line_start:match.start].strip(" •*-–"):
        role = _label_role(text, line_start)
        if role is not None:
            return role
    if line_start >= floor and line_end <= ceiling:
        if _is_alone_near_top(text, line_start, line_end, match, top_lines_end(text) if top_end is None else top_end):
            return "publication"
    return "other"


def _gap_link(text: str, first: FoundMatch, second: FoundMatch) -> Link | None:
    """How two neighbouring single dates relate: "October 2018 to May 2019", "... 2018 and 13 ..."."""
    if len(first.dates) != 1 or len(second.dates) != 1:
        return None
    if PATTERNS.range_gap.fullmatch(text, first.end, second.start):
        return "range"
    if PATTERNS.list_gap.fullmatch(text, first.end, second.start):
        return "range" if _opens_range(text, first.start) else "list"
    return None


def assign_roles(text: str, matches: list[FoundMatch]) -> list[list[DateRole]]:
    """Roles of every date of every match: ranges give start and end, a list shares one role."""
    roles: list[list[DateRole]] = []
    top_end = top_lines_end(text) if matches else 0
    for index, match in enumerate(matches):
        floor = matches[index - 1].end if index else 0
        ceiling = matches[index + 1].start if index + 1 < len(matches) else len(text)
        if match.link == "range":
            roles.append(["start", "end"])
        else:
            roles.append([context_role(text, match, floor, ceiling, top_end)] * len(match.dates))
    for index in range(len(matches) - 1):
        link = _gap_link(text, matches[index], matches[index + 1])
        if link == "range":
            roles[index], roles[index + 1] = ["start"], ["end"]
        elif link == "list" and roles[index + 1] == ["other"]:
            roles[index + 1] = list(roles[index])
    return roles


# --- public -----------------------------------------------------------------------------------------


def extract_dates(text: str, language: str) -> list[DateMention]:
    """Every calendar date of ``text`` with at least month precision, in text order.

    One mention per occurrence: a range or list gives one mention per end. ``language`` is only a
    hint and does not narrow the patterns (Slovak labels over English text are common).
    """
    del language  # every language's patterns run on every document
    matches = find_matches(text)
    mentions: list[DateMention] = []
    for match, roles in zip(matches, assign_roles(text, matches), strict=True):
        for found, role in zip(match.dates, roles, strict=True):
            mentions.append(
                _new_mention(
                    {
                        "value": found.value,
                        "precision": found.precision,
                        "role": role,
                        "evidence": make_evidence(text, found.start, found.end),
                        "rule": found.rule,
                    }
                )
            )
    return mentions


# the model's validator given a dict: the same checks as the keyword constructor, in less time per mention
_new_mention = DateMention.__pydantic_validator__.validate_python
