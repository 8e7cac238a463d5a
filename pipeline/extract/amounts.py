"""Money amounts with an explicit currency: `€42,040`, `8.442,00 EUR`, `1,5 mil. Kč`, `půl milionu korun`.

The vocabulary (currencies, scale words, number words, range words, role cues) lives in
``pipeline/data/amounts.toml``. The patterns are built from all three languages at once, since documents
mix them; the ``language`` argument of :func:`extract_amounts` only breaks ties.

How it runs: every amount holds digits or a scale word ("milion", "million"). Those are the anchors; at
each anchor the amount pattern is tried from the few token starts just before it (a currency code, a
number word, "between"), so the big pattern never scans the whole text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pipeline.extract.phrases import leftmost_matches, listed_ranges
from pipeline.folding import lower_same_length
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import AmountMention, AmountRole
from pipeline.spans import make_evidence

DATA_NAME = "amounts"
DATA_FILE = f"{DATA_NAME}.toml"
LANGUAGES: tuple[str, ...] = ("cs", "sk", "en")
CUED_ROLES: tuple[str, ...] = ("grant", "total_cost", "initial_cost", "final_cost", "co_financing")
DEFAULT_ROLE: AmountRole = "other"

# Labels longer than this are sentences that happen to end with ":", not field labels.
MAX_LABEL_CHARS = 80
# A cue phrase in running text must end this close to the amount ("bol podporený sumou 8.442,00 EUR").
MAX_CUE_GAP_CHARS = 40
# How far before its anchor an amount may start: "between US$ 5", "three quarters of a million".
MAX_LEAD_BEFORE_DIGITS = 16
MAX_LEAD_BEFORE_SCALE = 40
# Bare four-digit numbers in this span read as years: "2019 – 500 000 Kč" is a year and an amount.
YEAR_SPAN = (1900, 2100)
# A low end this many times smaller than the high end is a label, not a range end:
# "Výzva č. 12 – 5 000 000 Kč".
MAX_RANGE_RATIO = 1000


# ---------------------------------------------------------------------------------------------------
# Case and diacritics.


def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


_FOLD_TABLE: dict[int, str] = {code: _fold_char(chr(code)) for code in range(0x41, 0x250)}


def fold(text: str) -> str:
    """Lower case without diacritics (Latin letters), one character for one, so offsets survive."""
    if text.isascii():  # ASCII letters have no diacritics: their fold is their lower case
        return text.lower()
    return text.translate(_FOLD_TABLE)


def _is_case_sensitive(token: str) -> bool:
    """Tokens written with capitals in the data match only as written ("Sk", "NOK")."""
    return token != token.lower()


def _spaced(token: str) -> str:
    return " ".join(token.split())


# ---------------------------------------------------------------------------------------------------
# The vocabulary, checked on load. Keys are folded (lower case, no diacritics, single spaces), except
# for case-sensitive currency tokens, which are kept as written.


@dataclass(frozen=True)
class Cue:
    role: AmountRole
    label_only: bool


@dataclass(frozen=True)
class AmountLexicon:
    currencies_exact: dict[str, str]  # case-sensitive tokens, as written -> ISO code
    currencies_folded: dict[str, str]  # folded token -> ISO code
    code_tokens: tuple[str, ...]  # may stand before the number
    currency_tokens: tuple[str, ...]  # every currency token (after the number)
    dashes: tuple[str, ...]
    scales: dict[str, float]
    scale_decimal_marks: dict[str, dict[str, str]]  # scale -> {language: decimal mark}
    scale_tokens: tuple[str, ...]
    tight_scale_tokens: tuple[str, ...]  # written straight after the digits ("10k", "1.5m")
    word_scale_tokens: tuple[str, ...]  # scale words usable after number words
    standalone_tokens: tuple[str, ...]
    number_words: dict[str, float]
    number_word_tokens: tuple[str, ...]
    range_connectors: tuple[str, ...]
    range_openers: tuple[str, ...]
    range_paired_connectors: tuple[str, ...]
    cues: dict[str, Cue]


def _fail(key: str, problem: str) -> LexiconError:
    return LexiconError(f"{DATA_FILE}: key '{key}' {problem}")


def _table(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise _fail(f"{path}.{key}".lstrip("."), "must be a table")
    return value


def _string_list(data: dict[str, Any], key: str, path: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise _fail(f"{path}.{key}", "must be a list of non-empty strings")
    if any(_is_case_sensitive(item) for item in value):
        raise _fail(f"{path}.{key}", "must be written in lower case (it matches in any case)")
    return value


def _currency_table(data: dict[str, Any], key: str, path: str) -> dict[str, str]:
    table = _table(data, key, path)
    for token, code in table.items():
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
            raise _fail(f"{path}.{key}.{token}", "must be an ISO 4217 code (three capitals)")
    return table


def _number_table(data: dict[str, Any], key: str, path: str) -> dict[str, float]:
    table = _table(data, key, path)
    for token, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise _fail(f"{path}.{key}.{token}", "must be a positive number")
        if _is_case_sensitive(token):
            raise _fail(f"{path}.{key}.{token}", "must be written in lower case (it matches in any case)")
    return {token: float(value) for token, value in table.items()}


def _merge(target: dict[str, Any], key: str, value: Any, path: str) -> None:
    """One token may appear in several languages, but never with two meanings."""
    if key in target and target[key] != value:
        raise _fail(path, f"gives {key!r} a second meaning ({target[key]!r} and {value!r})")
    target[key] = value


def _add_currencies(lexicon: dict[str, Any], table: dict[str, str], path: str) -> None:
    for token, code in table.items():
        if _is_case_sensitive(token):
            _merge(lexicon["currencies_exact"], _spaced(token), code, f"{path}.{token}")
        else:
            _merge(lexicon["currencies_folded"], fold(_spaced(token)), code, f"{path}.{token}")


def _add_cues(cues: dict[str, Cue], role_data: dict[str, Any], role: str, path: str) -> None:
    for kind in ("labels", "phrases"):
        for cue_text in _string_list(role_data, kind, path):
            key = fold(_spaced(cue_text))
            known = cues.get(key)
            if known is not None and known.role != role:
                raise _fail(f"{path}.{kind}", f"gives {cue_text!r} a second role ({known.role})")
            # A cue listed as a phrase in any language counts in running text.
            if known is None or kind == "phrases":
                cues[key] = Cue(role=role, label_only=kind == "labels")  # type: ignore[arg-type]


def _add_language(lexicon: dict[str, Any], section: dict[str, Any], language: str) -> None:
    mark = section.get("decimal_mark")
    if mark not in (",", "."):
        raise _fail(f"{language}.decimal_mark", 'must be "," or "."')
    currencies = _currency_table(section, "currency_words", language)
    _add_currencies(lexicon, currencies, f"{language}.currency_words")
    lexicon["currency_tokens"] += list(currencies)
    scales = _number_table(section, "scales", language)
    numeral_only = _string_list(section, "numeral_only_scales", language)
    standalone = _string_list(section, "standalone_scales", language)
    tight = _string_list(section, "tight_scales", language)
    for token in numeral_only + standalone + tight:
        if token not in scales:
            raise _fail(f"{language}.scales", f"lacks {token!r}, named in the scale lists")
    for token, multiplier in scales.items():
        key = fold(token)
        _merge(lexicon["scales"], key, multiplier, f"{language}.scales.{token}")
        lexicon["scale_decimal_marks"].setdefault(key, {})[language] = mark
    lexicon["scale_tokens"] += list(scales)
    lexicon["word_scale_tokens"] += [token for token in scales if token not in numeral_only]
    lexicon["standalone_tokens"] += standalone
    lexicon["tight_scale_tokens"] += tight
    number_words = _number_table(section, "number_words", language)
    for token, value in number_words.items():
        _merge(lexicon["number_words"], fold(_spaced(token)), value, f"{language}.number_words.{token}")
    lexicon["number_word_tokens"] += list(number_words)
    for list_name in ("range_connectors", "range_openers", "range_paired_connectors"):
        lexicon[list_name] += _string_list(section, list_name, language)
    for role, role_data in _table(section, "roles", language).items():
        if role not in CUED_ROLES:
            raise _fail(f"{language}.roles.{role}", f"is not one of {', '.join(CUED_ROLES)}")
        if not isinstance(role_data, dict):
            raise _fail(f"{language}.roles.{role}", "must be a table")
        _add_cues(lexicon["cues"], role_data, role, f"{language}.roles.{role}")


def _load_lexicon() -> AmountLexicon:
    data = load_data(DATA_NAME)
    common = _table(data, "common", "")
    tables = (
        "currencies_exact", "currencies_folded", "scales", "scale_decimal_marks", "number_words", "cues",
    )
    lists = (
        "currency_tokens", "scale_tokens", "tight_scale_tokens", "word_scale_tokens", "standalone_tokens",
        "number_word_tokens", "range_connectors", "range_openers", "range_paired_connectors",
    )
    lexicon: dict[str, Any] = {name: {} for name in tables} | {name: [] for name in lists}
    codes = _currency_table(common, "currency_codes", "common")
    _add_currencies(lexicon, codes, "common.currency_codes")
    shared_words = _currency_table(common, "currency_words", "common")
    _add_currencies(lexicon, shared_words, "common.currency_words")
    lexicon["currency_tokens"] += list(codes) + list(shared_words)
    for language in LANGUAGES:
        _add_language(lexicon, _table(data, language, ""), language)
    dashes = _string_list(common, "dashes", "common")
    return AmountLexicon(
        code_tokens=tuple(codes),
        dashes=tuple(dashes),
        **{key: tuple(value) if isinstance(value, list) else value for key, value in lexicon.items()},
    )


# ---------------------------------------------------------------------------------------------------
# Patterns, built once from named pieces. They run on the lower-cased text (same offsets), so every
# token is matched in lower case; case-sensitive currencies are checked against the original text.

LETTER = r"[^\W\d_]"
LETTER_BEYOND_PLANE = r"[^\W\d_\x00-\uffff]"
NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
NOT_LETTER_AFTER = r"(?![^\W\d_])"
GAP = r" {0,2}"  # sloppy spacing happens; never across a line end
LOOSE = r" {0,3}"  # around a range's connector
# Thousands groups with one separator kind throughout, then an optional decimal part.
THOUSANDS_GROUPS = r"(?:(?: [0-9]{3})+|(?:\.[0-9]{3})+|(?:,[0-9]{3})+|(?:'[0-9]{3})+)"
GROUPED_INTEGER = rf"[0-9]{{1,3}}{THOUSANDS_GROUPS}"
# ``GROUPED_INTEGER`` looking ahead for a separator and a group before trying the groups: most numbers have
# none ("2019"), and each of the up to three readings of their first digits failed in all four groups
LOOKING_GROUPED_INTEGER = rf"[0-9]{{1,3}}(?=[ .,'][0-9]{{3}}){THOUSANDS_GROUPS}"


def number_regex(grouped_integer: str) -> str:
    """A number standing alone, its integer part ``grouped_integer`` or plain digits."""
    return rf"(?<![\w.,])(?:{grouped_integer}|[0-9]+)(?:[.,][0-9]+)?(?![.,]?[0-9])"


NUMBER = number_regex(GROUPED_INTEGER)
NUMBER_PARTS = re.compile(rf"(?P<int>{GROUPED_INTEGER}|[0-9]+)(?:[.,](?P<frac>[0-9]+))?")
# "10 000,- Kč", "10.000,- Kč": the dash says "no hellers".
TRAILER = r"[.,](?:--?|–|—)"
# A place where an amount may start: a word start or a currency symbol.
TOKEN_START = re.compile(r"(?<![^\W\d_])[^\W\d_]|[^\w\s]")
# Where a number may start (ASCII digits only, as in NUMBER); the look-behind after the first digit
# keeps the fast scan for digits.
NUMBER_START = re.compile(r"[0-9](?<![\w.,][0-9])")


def _trie_root(tokens: Iterable[str]) -> dict[Any, Any]:
    """The tokens as a trie: folded character -> node; a node's "" holds the characters folding to it,
    its None marks a token's end."""
    root: dict[Any, Any] = {}
    for token in {_spaced(token).lower() for token in tokens}:
        node = root
        for char in token:
            node = node.setdefault(fold(char), {"": set()})
            node[""].add(char)
        node[None] = True
    return root


def _trie_head(base: str, child: dict[Any, Any]) -> str:
    """A node's character: itself, its variants with diacritics, or any run of spaces."""
    variants = sorted(child[""] | {base})
    if base == " ":
        return " +"
    if len(variants) == 1:
        return re.escape(base)
    return "[" + "".join(re.escape(char) for char in variants) + "]"


def _trie_body(node: dict[Any, Any]) -> str:
    branches = [_trie_head(base, node[base]) + _trie_body(node[base]) for base in sorted(key for key in node if key)]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if None in node:
        return f"(?:{body})?"
    return body


def _trie(tokens: Iterable[str]) -> str:
    """One regex for many tokens, as a trie (fast), longest first; diacritics optional."""
    return _trie_body(_trie_root(tokens))


def _trie_branches(tokens: Iterable[str], depth: int) -> list[str]:
    """``_trie(tokens)`` as alternatives that never match at the same place (their first characters
    differ), each opening with the up to ``depth`` plain characters its tokens share.

    Searched one by one (``leftmost_matches``), patterns opening with literal characters let the engine
    find their places in a fast loop; the whole trie opens with a set of characters, tested at every one.
    """

    def split(node: dict[Any, Any], prefix: str) -> list[str]:
        branches = []
        for base in sorted(key for key in node if key):
            child = node[base]
            plain = child[""] <= {base} and base != " "
            if plain and None not in child and len(prefix) + 1 < depth:
                branches += split(child, prefix + re.escape(base))
            else:
                branches.append(prefix + _trie_head(base, child) + _trie_body(child))
        return branches

    return split(_trie_root(tokens), "")


def _words(tokens: Iterable[str]) -> str:
    """Whole-word alternation of tokens."""
    return f"{NOT_LETTER_BEFORE}{_trie(tokens)}{NOT_LETTER_AFTER}"


def cue_alternation(cues: Iterable[str]) -> str:
    """The cue keys (folded, single spaces) as whole words, longest first: the plain form of ``_cue_trie``."""
    ordered = sorted(cues, key=lambda key: (-len(key), key))
    return r"(?<!\w)(?:" + "|".join(r"\s+".join(re.escape(word) for word in key.split()) for key in ordered) + r")(?!\w)"


def _cue_trie(cues: Iterable[str]) -> str:
    """``cue_alternation(cues)`` as a trie, matched at a word start (the pattern around it finds the word
    start: ``PATTERNS.cue_after``): there the longest key that ends a word wins in both (two keys matching
    at one place differ only in words the longer adds). A trie tests a shared opening once."""
    root: dict[str | None, Any] = {}
    for key in cues:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[None] = {}

    def emit(node: dict[str | None, Any]) -> str:
        branches = []
        for char in sorted(key for key in node if key is not None):
            head = r"\s+" if char == " " else re.escape(char)
            branches.append(head + emit(node[char]))
        body = "" if not branches else branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if None in node:
            return f"(?:{body}|(?!\\w))" if body else r"(?!\w)"  # a longer key first
        return body

    return emit(root)


def _listed_complement(members: str) -> str:
    r"""A character set of the characters the one-character regex ``members`` does not match, listed for
    the Basic Multilingual Plane, and every character beyond it (a pattern opening with it checks those
    itself where it matters): a listed set is one table lookup per character, where a set like ``\W``
    asks the Unicode database."""
    return "[^" + listed_ranges(members) + "]"


def _listed(members: str) -> str:
    """The characters of the Basic Multilingual Plane the one-character regex ``members`` matches, as a
    listed set (see ``_listed_complement``)."""
    return "[" + listed_ranges(members) + "]"


def _first_chars(tokens: Iterable[str]) -> str:
    """A character set holding every character ``_trie(tokens)`` may open with."""
    root = _trie_root(tokens)
    chars = sorted({char for base in root if base for char in root[base][""] | {base}})
    return "[" + "".join(re.escape(char) for char in chars) + "]"


def _cue_boundary(cues: Iterable[str]) -> str:
    r"""A character set of the characters no cue found in folded text may hold: those whose fold is neither
    a character of a cue key nor white space (``\s+`` joins the words of a key), listed for the Basic
    Multilingual Plane, and every character beyond it (fold leaves them as they are: none is either)."""
    key_chars = set("".join(cues))
    plane = "".join(map(chr, range(0x10000)))
    held = (char for char, folded in zip(plane, fold(plane)) if folded in key_chars or folded.isspace())
    return _listed_complement("[" + "".join(map(re.escape, held)) + "]")


def _looking_for(tokens: Iterable[str], spaces: str = "") -> str:
    """A look-ahead for the characters ``_trie(tokens)`` may open with, after the run of spaces ``spaces``."""
    return f"(?={spaces}{_first_chars(tokens)})"


@dataclass(frozen=True)
class AmountPatterns:
    amount: re.Pattern[str]
    term: re.Pattern[str]
    code: re.Pattern[str]
    number_ahead: re.Pattern[str]
    scale_anchor: re.Pattern[str]
    scale_anchors: tuple[re.Pattern[str], ...]  # ``scale_anchor`` split (see ``_trie_branches``)
    # a role cue (group "cue") after the character before its word start, see ``_cues_in``
    cue_after: re.Pattern[str]
    clause_break: re.Pattern[str]
    tight_gap: re.Pattern[str]
    # a context up to its last character no cue may hold (see ``_cue_window``)
    up_to_cue_boundary: re.Pattern[str]
    bullet_only: re.Pattern[str]
    # the token starts where an amount starting at a letter or a sign may start: a range opener, a
    # currency code, a number word or a standalone scale word stands there, a whole word (an amount
    # opens with one of them, or else with a digit)
    amount_start: re.Pattern[str]


@dataclass(frozen=True)
class Spacing:
    """The runs of spaces of the amount pattern. What follows each of them starts with no space (a word, a
    digit, a currency sign: see tests/extract/test_amounts.py), so a run never has to give a space back:
    taken possessively, a run that leads nowhere fails at once, where a greedy one was given back one
    space at a time and what follows it tried again, in vain."""

    gap: str = r" {0,2}+"  # sloppy spacing happens; never across a line end
    loose: str = r" {0,3}+"  # around a range's connector
    words: str = r" ++"  # between the words of a quantity
    # Before a range opener, a currency code, a scale word or a range's connector, and before the thousands
    # groups of a number, look ahead for their first character: most numbers are preceded and followed
    # by none of them, and one failed look-ahead costs less than entering each of their alternatives.
    looks_ahead: bool = True


# the greedy runs of the plain pattern, without look-aheads
PLAIN_SPACING = Spacing(gap=GAP, loose=LOOSE, words=r" +", looks_ahead=False)


@dataclass(frozen=True)
class QuantityParts:
    """The regex sources a quantity is made of."""

    scale: str  # a scale word after the digits: spaced ("5 mil.") or tight ("10k")
    scaled_term: str  # digits or a number word, and a scale word
    worded_term: str  # a number word and a scale word ("dva miliony")
    standalone: str  # a scale word that is a quantity alone ("půl milionu")
    words: str  # the spaces between two terms
    number: str  # a number (``number_regex``)


def quantity_parts(lexicon: AmountLexicon, spacing: Spacing) -> QuantityParts:
    spaced_scale = _words(set(lexicon.scale_tokens) - set(lexicon.tight_scale_tokens))
    # a tight scale word has no spaces before it: GAP, of none to two, covers both
    scale_ahead = _looking_for(lexicon.scale_tokens, GAP) if spacing.looks_ahead else ""
    scale = rf"{scale_ahead}(?:{spacing.gap}{spaced_scale}|{_words(lexicon.tight_scale_tokens)})"
    worded_term = rf"{_words(lexicon.number_word_tokens)}{spacing.words}{_words(lexicon.word_scale_tokens)}"
    number = number_regex(LOOKING_GROUPED_INTEGER if spacing.looks_ahead else GROUPED_INTEGER)
    # a shorter reading of a number ends before a space or "'" and a digit, where no scale word starts
    # (they all start with a letter): the first reading is the only one a scale word can follow
    numeric_term = rf"(?>{number}){scale}"
    return QuantityParts(
        scale=scale,
        scaled_term=rf"(?:{numeric_term}|{worded_term})",
        worded_term=worded_term,
        standalone=_words(lexicon.standalone_tokens),
        words=spacing.words,
        number=number,
    )


def plain_quantity_regex(parts: QuantityParts) -> str:
    """A quantity as first written: a scaled term or a standalone scale word, maybe followed by a second
    scaled term ("3 miliony 250 tisíc korun"), or a bare number."""
    return rf"(?:(?:{parts.scaled_term}|{parts.standalone})(?:{parts.words}{parts.scaled_term})?|{parts.number})"


def quantity_regex(parts: QuantityParts) -> str:
    """``plain_quantity_regex(parts)``, reading a number once: there a bare number was read up to three times,
    with every shorter reading of it tried before a scale word, and then alone."""
    second = rf"(?:{parts.words}{parts.scaled_term})?"
    return rf"(?:(?>{parts.number})(?:{parts.scale}{second})?|(?:{parts.worded_term}|{parts.standalone}){second})"


def amount_regex(lexicon: AmountLexicon, quantity: str, spacing: Spacing) -> str:
    """The amount: a range opener, a currency before, a quantity (the regex ``quantity``), a range's second
    end, a currency after."""
    code = _words(lexicon.code_tokens)
    dashes = "|".join(re.escape(dash) for dash in lexicon.dashes)
    connector = rf"(?:{dashes}|{_words(lexicon.range_connectors)})"
    gap, loose = spacing.gap, spacing.loose
    opener_ahead = code_ahead = connector_ahead = ""
    if spacing.looks_ahead:
        opener_ahead, code_ahead = _looking_for(lexicon.range_openers), _looking_for(lexicon.code_tokens)
        connectors = [*lexicon.dashes, *lexicon.range_connectors, *lexicon.range_paired_connectors]
        connector_ahead = _looking_for(connectors, LOOSE)
    return (
        rf"(?:{opener_ahead}(?P<opener>{_words(lexicon.range_openers)}){spacing.words})?"
        rf"(?:{code_ahead}(?P<pre>{code}){gap})?"
        rf"(?P<q1>{quantity})(?P<t1>{TRAILER})?"
        # "a"/"and" join a range only after "mezi"/"between".
        rf"(?:{connector_ahead}{loose}(?P<conn>{connector}|(?(opener){_words(lexicon.range_paired_connectors)}|(?!))){loose}"
        rf"(?:(?P<pre2>{code}){gap})?(?P<q2>{quantity})(?P<t2>{TRAILER})?)?"
        rf"(?:{gap}(?P<post>{_words(lexicon.currency_tokens)}))?"
    )


def _build_patterns(lexicon: AmountLexicon) -> AmountPatterns:
    any_scale = _words(lexicon.scale_tokens)
    number_word = _words(lexicon.number_word_tokens)
    standalone = _words(lexicon.standalone_tokens)
    code = _words(lexicon.code_tokens)
    term = (
        rf"(?:(?P<num>{NUMBER})|(?P<word>{number_word})|(?P<alone>{standalone}))"
        rf"(?:{GAP}(?P<scale>{any_scale}))?"
    )
    return AmountPatterns(
        amount=re.compile(amount_regex(lexicon, quantity_regex(quantity_parts(lexicon, Spacing())), Spacing())),
        term=re.compile(term),
        code=re.compile(code),
        number_ahead=re.compile(rf"{GAP}[0-9]"),
        # No look-behind in front, so the search skips fast to the first letter of a scale word.
        scale_anchor=re.compile(_trie(lexicon.word_scale_tokens) + NOT_LETTER_AFTER),
        scale_anchors=tuple(
            re.compile(branch + NOT_LETTER_AFTER) for branch in _trie_branches(lexicon.word_scale_tokens, 3)
        ),
        cue_after=re.compile(
            _listed_complement(r"\w") + rf"(?<!\w)(?P<cue>{_cue_trie(lexicon.cues)})"
        ),
        # A clause ends between the cue and the amount: a sentence end, or a closed aside
        # ("(t.j. grant z fondu) je 2 173 000,00 EUR"); an opened one is fine
        # ("Výše podpory: 85 % (3 844 708 Kč)").
        clause_break=re.compile(r"[;!?)\]\n]|\.\s+(?=[A-ZÁÄČĎÉĚÍĹĽŇÓÔŔŘŠŤÚŮÝŽ])"),
        tight_gap=re.compile(r"[\s:=–—-]*"),
        up_to_cue_boundary=re.compile(f"(?s:.*){_cue_boundary(lexicon.cues)}"),
        bullet_only=re.compile(r"[\s•*·▪‣◦–—-]*"),
        amount_start=_amount_start(_opening_tokens(lexicon)),
    )


def _opening_tokens(lexicon: AmountLexicon) -> list[str]:
    """The words an amount starting at a letter or a sign opens with: a range opener, a currency code, a
    number word, a standalone scale word."""
    return [*lexicon.range_openers, *lexicon.code_tokens, *lexicon.number_word_tokens, *lexicon.standalone_tokens]


def _amount_start(tokens: Sequence[str]) -> re.Pattern[str]:
    """The places where one of ``tokens`` stands as a whole word (``_words(tokens)``), found by a search.

    The pattern opens with the set of characters the tokens open with (which the engine skips to) and
    checks the rest from one character back: first the cheap condition, which most letters (inside a
    word) fail, a look-up of the character before in a listed set of the plane's letters; then the
    letters beyond the plane, which only a category tells; then the tokens themselves. Words that only
    open like a token ("akce", "je") are passed over inside the search, without a call each.
    """
    not_after_letter = f"(?<!{_listed(LETTER)}.)(?<!{LETTER_BEYOND_PLANE}.)"
    return re.compile(f"{_first_chars(tokens)}{not_after_letter}(?<=(?={_trie(tokens)}{NOT_LETTER_AFTER}).)")


LEXICON = _load_lexicon()
PATTERNS = _build_patterns(LEXICON)


# ---------------------------------------------------------------------------------------------------
# Values.


# named tuples: as immutable as a frozen dataclass, and made in a third of the time (one for each
# document and each quantity read)
class Scan(NamedTuple):
    """One document being scanned: its text, the lower-cased copy the patterns run on, the language hint."""

    text: str
    lowered: str
    language: str


class Quantity(NamedTuple):
    """A parsed quantity: value before and after scale words, and its first scale word."""

    unscaled: float
    value: float
    scale: float | None
    scale_key: str | None


def _decimal_mark(scale_key: str | None, language: str) -> str | None:
    """The decimal mark of the language(s) of a scale word; the language hint breaks ties."""
    if scale_key is None:
        return None
    marks = LEXICON.scale_decimal_marks[scale_key]
    if language in marks:
        return marks[language]
    distinct = set(marks.values())
    return distinct.pop() if len(distinct) == 1 else None


def parse_number(raw: str, decimal_mark: str | None = None) -> float:
    """Digits with thousands groups and a decimal part, as a float.

    A lone "." or "," before exactly three digits groups thousands ("1,500 €" is 1500), unless it is
    ``decimal_mark``, the decimal mark of a scale word that follows ("1,500 mil." is 1.5 million).
    """
    match = NUMBER_PARTS.fullmatch(raw)
    if match is None:
        raise ValueError(f"not a number: {raw!r}")
    integer, fraction = match["int"], match["frac"]
    digits = integer.translate(_WITHOUT_SEPARATORS)
    # plain digits, or groups of three after one kind of separator: a lone one stands before the last group
    if fraction is None and len(integer) - len(digits) == 1 and integer[-4] == decimal_mark:
        return float(integer.replace(decimal_mark, "."))
    return float(f"{digits}.{fraction}" if fraction else digits)


# the separators of thousands groups (``GROUPED_INTEGER``), dropped from an integer part
_WITHOUT_SEPARATORS = str.maketrans("", "", " .,'")


def _quantity(scan: Scan, match: re.Match[str], group: str, inherited_scale: str | None = None) -> Quantity:
    """Sum of the terms of a quantity group ("3 miliony 250 tisíc" is 3 250 000).

    ``inherited_scale`` is the scale word of the high end of a range, which decides the decimal mark
    of a low end without its own ("1,5 – 2 mil.").
    """
    unscaled = value = 0.0
    first_scale: float | None = None
    first_scale_key: str | None = None
    for term in PATTERNS.term.finditer(scan.lowered, match.start(group), match.end(group)):
        scale_key = fold(_spaced(term["scale"])) if term["scale"] else None
        if term["alone"]:
            scale_key, base = fold(term["alone"]), 1.0
        elif term["word"]:
            base = LEXICON.number_words[fold(_spaced(term["word"]))]
        else:
            base = parse_number(term["num"], _decimal_mark(scale_key or inherited_scale, scan.language))
        multiplier = LEXICON.scales[scale_key] if scale_key else 1.0
        if first_scale_key is None and scale_key is not None:
            first_scale, first_scale_key = multiplier, scale_key
        unscaled += base
        value += base * multiplier
    return Quantity(unscaled=unscaled, value=value, scale=first_scale, scale_key=first_scale_key)


def _currency(scan: Scan, match: re.Match[str], group: str) -> str | None:
    """ISO code of a currency group, checking case-sensitive tokens against the original text."""
    if match[group] is None:
        return None
    original = _spaced(scan.text[match.start(group) : match.end(group)])
    return LEXICON.currencies_exact.get(original) or LEXICON.currencies_folded.get(fold(original))


def _is_bare_year(lowered: str, match: re.Match[str], group: str) -> bool:
    raw = lowered[match.start(group) : match.end(group)]
    return len(raw) == 4 and raw.isdigit() and YEAR_SPAN[0] <= int(raw) <= YEAR_SPAN[1]


# ---------------------------------------------------------------------------------------------------
# Roles.


def _cues_in(folded: str) -> list[tuple[int, Cue]]:
    """The cues in folded text, in order, as (end, cue): what ``finditer`` of ``cue_alternation`` finds.

    Found by ``PATTERNS.cue_after`` in the text after a space (which stands before its first word): the
    pattern opens with the character before a word start, so the engine enters its matcher at the few
    characters that are no word characters, where a pattern opening with the cues' first letters enters
    it at most letters. The same cues: a cue ends before no word character, so the next one starts after
    the character it ends at.
    """
    return [(found.end() - 1, LEXICON.cues[_spaced(found["cue"])]) for found in PATTERNS.cue_after.finditer(" " + folded)]


def _first_cue(label: str) -> AmountRole | None:
    found = PATTERNS.cue_after.search(" " + fold(label))
    return LEXICON.cues[_spaced(found["cue"])].role if found else None


def _prose_cue(context: str) -> AmountRole | None:
    """The nearest cue before the amount in running text.

    A cue phrase counts when it ends close to the amount in the same clause; a label word only
    straight before it ("z toho dotace 800 000 Kč").
    """
    window = _cue_window(context)
    for end, cue in reversed(_cues_in(fold(context[window:]))):
        gap = context[window + end :]
        if cue.label_only:
            if PATTERNS.tight_gap.fullmatch(gap):
                return cue.role
            continue
        if len(gap) > MAX_CUE_GAP_CHARS or PATTERNS.clause_break.search(gap):
            return None
        return cue.role
    return None


def _cue_window(context: str) -> int:
    """Where the cues that decide ``_prose_cue`` may start: the last character no cue may hold before the
    last MAX_CUE_GAP_CHARS characters and before the run of characters a label may stand apart by.

    A cue that ends before both is a phrase too far off, or a label apart from the amount: it decides
    nothing (the one after it, if any, decides first). No cue holds the character found, so the cues
    after it are those of the whole context, and the context before it need not be folded and searched.
    """
    tight_end = len(context)
    while tight_end and (context[tight_end - 1].isspace() or context[tight_end - 1] in _TIGHT_GAP_SIGNS):
        tight_end -= 1
    limit = min(tight_end, len(context) - MAX_CUE_GAP_CHARS)
    if limit <= 0:
        return 0
    boundary = PATTERNS.up_to_cue_boundary.match(context, 0, limit)
    return 0 if boundary is None else boundary.end() - 1


# the characters of ``tight_gap`` besides white space
_TIGHT_GAP_SIGNS = ":=–—-"


def _label_above(text: str, line_start: int) -> str | None:
    """The previous non-blank line, when it is a label ending with ":"."""
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            return line if line.endswith(":") and len(line) <= MAX_LABEL_CHARS else None
        end = start - 1
    return None


def _role(text: str, start: int, floor: int) -> AmountRole:
    """From a label before the amount on its line, a label line above, or a cue phrase just before.

    ``floor`` is the end of the previous amount: "Initial cost: €5 Final cost: €6" has two labels.
    """
    # Only a line start after the floor matters; searching no further back keeps a long line of
    # amounts linear. Not found: the line starts before the floor, and 0 stands for it.
    line_start = text.rfind("\n", max(0, floor - 1), start) + 1
    context = text[max(line_start, floor) : start]
    label = context.strip()
    if label.endswith(":") and len(label) <= MAX_LABEL_CHARS:
        return _first_cue(label) or DEFAULT_ROLE
    if floor <= line_start and PATTERNS.bullet_only.fullmatch(context):
        label_above = _label_above(text, line_start)
        if label_above is not None:
            return _first_cue(label_above) or DEFAULT_ROLE
    return _prose_cue(context) or DEFAULT_ROLE


# ---------------------------------------------------------------------------------------------------
# From a match to mentions.


def _mention(
    scan: Scan, span: tuple[int, int], value: float, currency: str, role: AmountRole, rule: str
) -> AmountMention:
    evidence = make_evidence(scan.text, *span)
    return _new_mention(
        {"value": round(value, 2), "currency": currency, "role": role, "evidence": evidence, "rule": rule}
    )


# the model's validator given a dict: the same checks as the keyword constructor, in less time per mention
_new_mention = AmountMention.__pydantic_validator__.validate_python


def _end_of(match: re.Match[str], *groups: str) -> int:
    """End of the first of ``groups`` that matched."""
    return next(match.end(group) for group in groups if match[group] is not None)


def _one_end(
    scan: Scan, match: re.Match[str], pre: str, quantity: str, trailer: str, floor: int
) -> list[AmountMention]:
    """A single amount: ``quantity`` with the currency before it (``pre``) or after the match."""
    pre_currency, post_currency = _currency(scan, match, pre), _currency(scan, match, "post")
    currency = pre_currency or post_currency
    if currency is None:
        return []
    start = match.start(pre) if pre_currency else match.start(quantity)
    end = match.end("post") if post_currency else _end_of(match, trailer, quantity)
    if match[quantity][0].isalpha():
        rule = "amount.number_words"
    else:
        rule = "amount.currency_before" if pre_currency else "amount.currency_after"
    value = _quantity(scan, match, quantity).value
    return [_mention(scan, (start, end), value, currency, _role(scan.text, start, floor), rule)]


def _low_value(low: Quantity, high: Quantity) -> float:
    """"od 5 do 10 mil. Kč": the low end shares the scale word of the high end when it reads smaller."""
    if low.scale is None and high.scale is not None and low.unscaled <= high.unscaled:
        return low.unscaled * high.scale
    return low.value


def _is_label_then_amount(scan: Scan, match: re.Match[str], low: Quantity, high: Quantity) -> bool:
    """"Rozpočet 2019 – 500 000 Kč", "Výzva č. 12 – 5 000 000 Kč": the low end is no amount.

    A range opened by "mezi"/"between" or with a currency before its low end is always a range.
    """
    if match["opener"] is not None or match["pre"] is not None:
        return False
    low_value = _low_value(low, high)
    if low_value * MAX_RANGE_RATIO < high.value:
        return True
    if not _is_bare_year(scan.lowered, match, "q1") or _is_bare_year(scan.lowered, match, "q2"):
        return False
    # "2000 – 3000 EUR" is a range; "2019 – 25 000 Kč" is not: its high end is written otherwise.
    high_written_otherwise = high.scale is not None or not match["q2"].isdigit()
    return high_written_otherwise or high.value >= 10 * low_value


def _range(scan: Scan, match: re.Match[str], floor: int) -> list[AmountMention]:
    """Both ends of "10 000 – 20 000 EUR", "od 5 do 10 mil. Kč", "between €5,000 and €10,000"."""
    pre, pre2, post = (_currency(scan, match, group) for group in ("pre", "pre2", "post"))
    low_currency, high_currency = pre or pre2 or post, pre2 or post or pre
    if low_currency is None or high_currency is None:
        return []
    high = _quantity(scan, match, "q2")
    low = _quantity(scan, match, "q1", high.scale_key)
    if _is_label_then_amount(scan, match, low, high):
        return _one_end(scan, match, "pre2", "q2", "t2", floor)
    start = match.start("pre") if pre else match.start("q1")
    high_start = match.start("pre2") if pre2 else match.start("q2")
    end = match.end("post") if post else _end_of(match, "t2", "q2")
    role = _role(scan.text, start, floor)
    low_span = (start, _end_of(match, "t1", "q1"))
    return [
        _mention(scan, low_span, _low_value(low, high), low_currency, role, "amount.range_low"),
        _mention(scan, (high_start, end), high.value, high_currency, role, "amount.range_high"),
    ]


def _mentions(scan: Scan, match: re.Match[str], floor: int) -> list[AmountMention]:
    if match["pre"] is None and match["pre2"] is None and match["post"] is None:
        return []  # no currency: most matches are plain numbers
    if match["q2"] is None:
        found = _one_end(scan, match, "pre", "q1", "t1", floor)
    else:
        found = _range(scan, match, floor)
    # A run of hundreds of digits is no amount, and would not survive JSON as infinity.
    return [mention for mention in found if math.isfinite(mention.value)]


# ---------------------------------------------------------------------------------------------------
# Anchors and the scan.


def _anchors(lowered: str) -> list[tuple[int, int]]:
    """Where amounts may be, in text order: (offset, how far before it the amount may start).

    Number starts, and word scale words for amounts without digits ("půl milionu", "a million").
    """
    anchors = [(match.start(), MAX_LEAD_BEFORE_DIGITS) for match in NUMBER_START.finditer(lowered)]
    for match in leftmost_matches(PATTERNS.scale_anchors, lowered):
        start = match.start()
        if start == 0 or not lowered[start - 1].isalnum():
            anchors.append((start, MAX_LEAD_BEFORE_SCALE))
    anchors.sort()
    return anchors


def _is_year_span(lowered: str, match: re.Match[str]) -> bool:
    """"2014-2021": a span of years, whatever follows it."""
    if match["q2"] is None:
        return False
    return _is_bare_year(lowered, match, "q1") and _is_bare_year(lowered, match, "q2")


def _is_year_before_code(lowered: str, match: re.Match[str]) -> bool:
    """"In 2020 EUR 5 million was ...": the code after a year opens the next amount."""
    return (
        match["post"] is not None
        and match["pre"] is None
        and _is_bare_year(lowered, match, "q2" if match["q2"] is not None else "q1")
        and PATTERNS.code.fullmatch(match["post"]) is not None
        and PATTERNS.number_ahead.match(lowered, match.end("post")) is not None
    )


def _amount_at(lowered: str, anchor: int, lead: int, floor: int) -> re.Match[str] | None:
    """The leftmost amount that starts at most ``lead`` characters before ``anchor``, and covers it.

    It starts after ``floor`` and on the anchor's line.
    """
    # a line start further back than the lead does not matter: searching no further keeps long lines linear
    line_start = lowered.rfind("\n", max(0, anchor - lead), anchor) + 1
    lead_start = max(floor, line_start, anchor - lead)
    # the scan may look one character past its last place: a token before the anchor ends before it (no
    # opening word holds a digit or a scale word's start, see tests/extract/test_amounts.py), and whether
    # a letter follows it is seen at the anchor at the latest
    # (searched token by token: most leads hold none, and a search costs less than an iterator)
    token = PATTERNS.amount_start.search(lowered, lead_start, anchor + 1)
    while token is not None and token.start() < anchor:
        match = PATTERNS.amount.match(lowered, token.start())
        if match is not None and match.end() > anchor:
            return _past_year(lowered, match)
        token = PATTERNS.amount_start.search(lowered, token.end(), anchor + 1)
    match = PATTERNS.amount.match(lowered, anchor)
    return _past_year(lowered, match) if match is not None and match.end() > anchor else None


def _past_year(lowered: str, match: re.Match[str]) -> re.Match[str] | None:
    """The amount that opens with the code after a year ("In 2020 EUR 5 million"), else ``match``."""
    if _is_year_before_code(lowered, match):
        return PATTERNS.amount.match(lowered, match.start("post"))
    return match


def extract_amounts(text: str, language: str) -> list[AmountMention]:
    """Every money amount with an explicit currency, in text order, one per occurrence.

    ``text`` is the normalised document text; ``language`` ("cs", "sk", "en") is a hint only.
    """
    scan = Scan(text=text, lowered=lower_same_length(text), language=language)
    mentions: list[AmountMention] = []
    scanned_to = 0  # the next match starts after this
    previous_end = 0  # end of the previous amount: roles are read after it
    for anchor, lead in _anchors(scan.lowered):
        if anchor < scanned_to:
            continue
        match = _amount_at(scan.lowered, anchor, lead, scanned_to)
        if match is None:
            continue
        # Whatever the match was ("2014-2021", digits without a currency), no amount starts inside it;
        # skipping it also keeps long runs of number groups linear.
        scanned_to = match.end()
        if _is_year_span(scan.lowered, match):
            continue
        found = _mentions(scan, match, previous_end)
        if found:
            mentions += found
            previous_end = match.end()
    return mentions
