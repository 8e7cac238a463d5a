"""Organisation names: mentions found by several rules, merged into one entity per organisation.

Rules (each mention records which one found it):
- ``org.head``: a head noun (Sdružení, Nadácia, Ministry ...) in any case, with the adjectives before it
  and its complement after it ("Ministerstvem financí" -> "Ministerstvo financí");
- ``org.legal_form``: a name followed by a legal form ("InBáze z.s.", "Poradna pro integraci, z. ú.");
- ``org.cue``: a capitalised name after a generic noun ("organizace AGABY", "initiative Viet Up");
- ``org.acronym``: an all-capital acronym ("SIMI", "MV ČR"), tied to its expansion when defined;
- ``org.list``: an item of a list under an organisation label ("Realizace:", "Partners:").
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from itertools import accumulate, compress, repeat
from operator import attrgetter, ge, itemgetter, methodcaller
from typing import NamedTuple

from pipeline.folding import strip_diacritics
from pipeline.lexicon import LexiconError, load_data

# possessive runs of letters: nothing follows them that could make giving some back match, and not
# keeping them to give back makes the scan faster. The group is repeated greedily, not possessively:
# Python 3.11.2's engine (Debian 12's) keeps the hyphen of a failed last repeat ("9-." as "9-", ".").
_TOKEN = re.compile(r"[^\W_]++(?:[-'][^\W_]++)*|\S")
_TOKEN_PIECES = re.compile(f"({_TOKEN.pattern})")  # captured: splitting keeps the tokens
# the same for a text without "_", where [^\W_] and \w are the same characters: \w is tested faster
_TOKEN_PIECES_NO_UNDERSCORE = re.compile(_TOKEN_PIECES.pattern.replace(r"[^\W_]", r"\w"))
_ALPHANUMERIC_RUN = re.compile(r"[^\W_]+")
# the first letters of the maximal runs of letters longer than three (a shorter run fails at each of
# its letters); only the first letter is taken out of the text
_LONG_LETTER_RUN_FIRSTS = re.compile(r"([^\W\d_])[^\W\d_]{3,}")
_START = attrgetter("start")  # sort keys without a Python call per item
_SPAN = attrgetter("start", "end")
_MATCH_START = methodcaller("start")


class Token(NamedTuple):
    """A word or a punctuation mark, with the properties the rules ask about worked out once.

    ``tokenize`` gives these; the rules read the same properties from ``Tokens`` columns.
    """

    text: str
    start: int
    end: int
    lower: str
    is_word: bool
    is_capitalised: bool
    is_acronym: bool


def _is_acronym(text: str) -> bool:
    if text.isalpha():  # the common case: every character is a letter
        return len(text) >= 2 and all(map(str.isupper, text))
    if len(text) > 1 and text[1].islower() and text[1].isalpha():
        return False  # "Word-s": a lower-case letter (decided without the letter list)
    letters = list(filter(str.isalpha, text))
    return len(letters) >= 2 and all(map(str.isupper, letters)) and text[0].isalpha()


@dataclass(frozen=True, slots=True)
class Head:
    nominative: str
    gender: str
    language: str
    is_nominative: bool


@dataclass(frozen=True, slots=True)
class OrgMention:
    """One place an organisation is named: the printed span and its canonical form."""

    start: int
    end: int
    name: str
    rule: str
    acronym_of: str | None = None  # for "Full Name (ACR)": the full name the acronym stands for


# What a rule finds, before the overlaps are resolved: (start, end, name, rule). Only the mentions kept
# are made ``OrgMention``s (a tuple is made far faster than a frozen dataclass).
Candidate = tuple[int, int, str, str]
_CANDIDATE_SPAN = itemgetter(0, 1)
_CANDIDATE_NAME = itemgetter(2)


def _mention_maker() -> Callable[[Candidate], OrgMention]:
    """``OrgMention(*candidate)``, its fields set straight through their slots: a frozen dataclass's
    ``__init__`` looks ``object.__setattr__`` up for each field."""
    new = object.__new__
    set_start, set_end, set_name, set_rule, set_acronym_of = (
        getattr(OrgMention, f.name).__set__ for f in fields(OrgMention)
    )

    def mention(candidate: Candidate) -> OrgMention:
        made = new(OrgMention)
        set_start(made, candidate[0])
        set_end(made, candidate[1])
        set_name(made, candidate[2])
        set_rule(made, candidate[3])
        set_acronym_of(made, None)
        return made

    return mention


_mention = _mention_maker()


@dataclass(frozen=True, slots=True)
class OrgLexicon:
    slavic_heads: dict[str, Head]  # lower-cased form (one or more words) -> head
    english_heads: dict[str, Head]
    head_first_words: frozenset[str]  # first word of every head form: most tokens start none
    head_prefixes: frozenset[str]  # the first words (one or more) of the head forms longer than that
    capitalised_only: frozenset[str]  # nominatives of heads that need a capital letter
    kept_before_name: frozenset[str]
    max_head_words: int
    en_connectors: frozenset[str]
    slavic_connectors: frozenset[str]
    place_prepositions: frozenset[str]
    cue_nouns: frozenset[str]
    cue_fillers: dict[str, tuple[tuple[str, ...], ...]]  # first word -> the fillers (words) it starts, in order
    scanned_words: dict[str, int]  # head first words and cue nouns -> _HEAD_FIRST_WORD | _CUE_NOUN
    stop_words: frozenset[str]
    verb_endings: tuple[str, ...]
    verbal_noun_endings: tuple[str, ...]
    not_acronyms: frozenset[str]
    not_organisations: frozenset[str]
    legal_form: re.Pattern[str]
    legal_form_core: re.Pattern[str]  # the forms alone, to find where one may start
    legal_form_dots: tuple[int, ...] | None  # where the first full stop of a form is; None: a form has none
    legal_form_dot: re.Pattern[str] | None  # a full stop after what a form has before its first one
    adjective_endings: tuple[str, ...]
    declension: dict[tuple[str, str], tuple[tuple[str, str], ...]]


def _legal_form_pattern(forms: Iterable[str], with_comma: bool = True) -> re.Pattern[str]:
    # "z. s." matches "z.s.", "z. s.", "z.s" at the end of a name; built from the data file.
    # Without the leading comma and space the pattern starts with a letter, which search skips to.
    alternatives = []
    for form in sorted(forms, key=len, reverse=True):
        parts = [re.escape(part.rstrip(".")) for part in form.split()]
        alternatives.append(r"\.\s?".join(parts) + r"\.?")
    lead = r",?\s?" if with_comma else ""
    return re.compile(lead + r"(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _first_full_stops(forms: Iterable[str]) -> tuple[int, ...] | None:
    """The offsets, from a form's start, of the first full stop in each form as ``_legal_form_pattern`` reads it.

    Up to that full stop the pattern's text is literal (the first word, its final stop kept or added);
    None when a form has no full stop at all.
    """
    offsets = set()
    for form in forms:
        parts = [part.rstrip(".") for part in form.split()]
        if "." in parts[0]:
            offsets.add(parts[0].index("."))
        elif len(parts) > 1:
            offsets.add(len(parts[0]))
        else:
            return None
    return tuple(sorted(offsets))


def _first_full_stop_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """A full stop that the text before it lets be a form's first one (as ``_first_full_stops`` reads
    the forms); None when a form has no full stop.

    The full stop comes first in the pattern, so a search skips to full stops in C; the text before
    it is tested by look-behinds, one for each length (a look-behind has a fixed width).
    """
    if _first_full_stops(forms) is None:
        return None
    by_length: dict[int, set[str]] = {}
    for form in forms:
        first = form.split()[0].rstrip(".")
        before = first[: first.index(".")] if "." in first else first
        by_length.setdefault(len(before), set()).add(re.escape(before) + r"\.")
    behinds = [f"(?<={'|'.join(sorted(group))})" for _, group in sorted(by_length.items())]
    return re.compile(r"\.(?:" + "|".join(behinds) + ")")


_HEAD_FIRST_WORD = 1
_CUE_NOUN = 2


def _scanned_word_roles(head_first_words: frozenset[str], cue_nouns: frozenset[str]) -> dict[str, int]:
    roles = dict.fromkeys(head_first_words, _HEAD_FIRST_WORD)
    for noun in cue_nouns:
        roles[noun] = roles.get(noun, 0) | _CUE_NOUN
    return roles


@cache
def lexicon() -> OrgLexicon:
    raw = load_data("organisations")
    try:
        heads: dict[str, Head] = {}
        english: dict[str, Head] = {}
        for language in ("cs", "sk"):
            for nominative, (gender, *forms) in raw[language]["heads"].items():
                if gender not in ("m", "f", "n"):
                    raise LexiconError(f"organisations.toml: [{language}.heads] {nominative}: bad gender {gender!r}")
                heads[nominative.lower()] = Head(nominative, gender, language, True)
                for form in forms:
                    heads.setdefault(form.lower(), Head(nominative, gender, language, False))
        for head in raw["en"]["heads"]:
            english.setdefault(head.lower(), Head(head, "", "en", True))
        shared = raw["shared"]
        cue_fillers: dict[str, tuple[tuple[str, ...], ...]] = {}
        for filler in shared["cue_fillers"]:
            words = tuple(_TOKEN.findall(filler.lower()))
            if not words:
                raise LexiconError(f"organisations.toml: an empty cue filler {filler!r}")
            cue_fillers[words[0]] = (*cue_fillers.get(words[0], ()), words)
        head_first_words = frozenset(form.split(" ")[0] for form in [*heads, *english])
        cue_nouns = frozenset(word.lower() for word in shared["cue_nouns"])
        declension = {
            (language, gender): tuple(sorted(table.items(), key=lambda item: -len(item[0])))
            for language, genders in raw["declension"].items()
            for gender, table in genders.items()
        }
        return OrgLexicon(
            slavic_heads=heads,
            english_heads=english,
            head_first_words=head_first_words,
            head_prefixes=frozenset(
                " ".join(words[:count]) for words in map(str.split, [*heads, *english]) for count in range(1, len(words))
            ),
            capitalised_only=frozenset(shared["capitalised_only"]),
            kept_before_name=frozenset(shared["kept_before_name"]),
            max_head_words=max(len(form.split()) for form in [*heads, *english]),
            en_connectors=frozenset(raw["en"]["connectors"]),
            slavic_connectors=frozenset(shared["connectors"]),
            place_prepositions=frozenset(shared["place_prepositions"]),
            cue_nouns=cue_nouns,
            cue_fillers=cue_fillers,
            scanned_words=_scanned_word_roles(head_first_words, cue_nouns),
            stop_words=frozenset(shared["stop_words"]),
            verb_endings=tuple(shared["verb_endings"]),
            verbal_noun_endings=tuple(shared["verbal_noun_endings"]),
            not_acronyms=frozenset(shared["not_acronyms"]),
            not_organisations=frozenset(fold(name) for name in shared["not_organisations"]),
            legal_form=_legal_form_pattern(shared["legal_forms"]),
            legal_form_core=_legal_form_pattern(shared["legal_forms"], with_comma=False),
            legal_form_dots=_first_full_stops(shared["legal_forms"]),
            legal_form_dot=_first_full_stop_pattern(shared["legal_forms"]),
            adjective_endings=tuple(sorted(raw["adjective"]["endings"], key=len, reverse=True)),
            declension=declension,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(f"organisations.toml: missing or malformed key {exc}") from exc


@lru_cache(maxsize=8192)  # the same names are folded again and again, within a document and across them
def fold(name: str) -> str:
    """Case- and diacritic-folded name with punctuation collapsed: the key entities are merged on."""
    words = _ALPHANUMERIC_RUN.findall(strip_diacritics(name.casefold(), compatibility=True))
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of a text as columns: item ``i`` of each list is a property of token ``i``.

    Columns, not a ``Token`` each: C loops (split, map, accumulate) build them without a Python call
    per token, and rules that look for a few words scan a column with C loops (map, compress).
    """

    text: list[str]
    start: list[int]
    end: list[int]
    lower: list[str]
    is_word: list[bool]  # read by _TOKEN's first branch: starts with ``[^\\W_]`` (``str.isalnum``)
    is_capitalised: list[bool]
    is_acronym: list[bool]
    acronyms: list[int]  # indices of the acronyms
    count: int  # of tokens (a field: the rules ask often, and a __len__ is a Python call)


def tokenize(text: str) -> list[Token]:
    """The ``_TOKEN`` matches of ``text`` with their properties.

    A token is a word when _TOKEN's first branch read it, i.e. when it starts with ``[^\\W_]``
    (``str.isalnum``); an acronym is a word of two or more letters, all capitals, starting with one.
    """
    t = _token_columns(text)
    columns = zip(t.text, t.start, t.end, t.lower, t.is_word, t.is_capitalised, t.is_acronym)
    return list(map(tuple.__new__, repeat(Token), columns))


def _token_columns(text: str) -> Tokens:
    """``tokenize`` as columns."""
    # Only white space separates two matches, so splitting at them (kept) gives [gap, token, gap, ...]
    # and the offsets follow from the lengths; every column is then built by C loops (map, accumulate).
    pieces = (_TOKEN_PIECES if "_" in text else _TOKEN_PIECES_NO_UNDERSCORE).split(text)
    offsets = list(accumulate(map(len, pieces)))
    texts = pieces[1::2]
    count = len(texts)
    first_characters = list(map(itemgetter(0), texts))
    is_word = list(map(str.isalnum, first_characters))  # read by _TOKEN's first branch
    # A capital starts a word: a character with a case that is no letter or digit (a symbol: "Ⓐ") starts
    # a punctuation token. Such tokens are rare, so the capitals are found first and then checked.
    is_capitalised = list(map(str.isupper, first_characters))
    capitalised = list(compress(range(count), is_capitalised))
    if not all(map(is_word.__getitem__, capitalised)):
        for index in capitalised:
            is_capitalised[index] = is_word[index]
        capitalised = list(compress(capitalised, map(is_word.__getitem__, capitalised)))
    acronyms = _acronym_indices(texts, capitalised)
    is_acronym = [False] * count
    for index in acronyms:
        is_acronym[index] = True
    lower = list(map(str.lower, texts))
    return Tokens(texts, offsets[0::2], offsets[1::2], lower, is_word, is_capitalised, is_acronym, acronyms, count)


def _acronym_indices(texts: list[str], capitalised: list[int]) -> list[int]:
    """Indices of the acronyms among the capitalised words (at ``capitalised``, in order), ``_is_acronym``
    called on few of them.

    A word of letters only is an acronym only if ``str.isupper`` (its letters are all capitals); words
    with other characters (digits, hyphens) are few and go to ``_is_acronym`` as they are.
    """
    words = list(map(texts.__getitem__, capitalised))
    # (for truth values, ``a >= b`` is ``a or not b``)
    may_be = list(map(ge, map(str.isupper, words), map(str.isalpha, words)))
    return list(compress(compress(capitalised, may_be), map(_is_acronym, compress(words, may_be))))


# --- name boundaries ---------------------------------------------------------------------------------


def _head_at(t: Tokens, i: int, lex: OrgLexicon, english_first: bool = False) -> tuple[Head, int] | None:
    """The head starting at token ``i`` (longest multi-word form first) and its token count.

    English heads must be capitalised; a form both languages use ("Centre" is also the Slovak
    locative of "Centrum") is read in the document's language.
    """
    is_word, lower, is_capitalised = t.is_word, t.lower, t.is_capitalised
    if not is_word[i] or lower[i] not in lex.head_first_words:
        return None
    tables = (lex.english_heads, lex.slavic_heads) if english_first else (lex.slavic_heads, lex.english_heads)
    # the keys of the sizes that may be heads: words only, each key but the last begins a longer form
    keys = [lower[i]]
    while (
        keys[-1] in lex.head_prefixes  # most words begin no longer form: tested first
        and len(keys) < lex.max_head_words and i + len(keys) < t.count and is_word[i + len(keys)]
    ):
        keys.append(keys[-1] + " " + lower[i + len(keys)])
    for size in range(len(keys), 0, -1):  # the longest first
        key = keys[size - 1]
        for table in tables:
            head = table.get(key)
            if head is None:
                continue
            if head.language == "en" and not is_capitalised[i]:
                continue
            if head.nominative in lex.capitalised_only and not is_capitalised[i]:
                # only "Mezinárodní organizace": a capitalised adjective inside a sentence opens a name
                if i < 1 or not is_capitalised[i - 1] or i < 2 or not is_word[i - 2]:
                    continue
            return head, size
    return None


def _is_adjective(t: Tokens, k: int, lex: OrgLexicon) -> bool:
    return t.is_word[k] and not t.is_acronym[k] and t.lower[k].endswith(lex.adjective_endings)


def _is_verb_like(word: str, lex: OrgLexicon) -> bool:
    return word.islower() and len(word) > 4 and word.endswith(lex.verb_endings)


def _same_line(text: str, t: Tokens, a: int, b: int) -> bool:
    """True when no line break separates tokens ``a`` and ``b``."""
    return "\n" not in text[t.end[a] : t.start[b]]


def _extend_left(text: str, t: Tokens, i: int, head: Head, lex: OrgLexicon) -> int:
    """Index of the first token of the name whose head starts at ``i``."""
    start = i
    is_capitalised, lower = t.is_capitalised, t.lower
    if head.language == "en":
        while (
            start > 0
            and is_capitalised[start - 1]
            and not t.is_acronym[start - 1]
            and _same_line(text, t, start - 1, start)
        ):
            if start - 1 == 0 or t.text[start - 2] in ".!?:•\"":
                if lower[start - 1] in lex.en_connectors:
                    break
            start -= 1
            if i - start >= 5:
                break
        return start
    while start > 0 and i - start < 3:
        previous = start - 1
        if not (_is_adjective(t, previous, lex) and _same_line(text, t, previous, start)):
            break
        if lower[previous] in lex.stop_words or lower[previous].endswith(lex.verbal_noun_endings):
            break
        start -= 1
    # lower-case adjectives only count when a capitalised word opens the name ("Jihomoravský kraj")
    while start < i and not is_capitalised[start]:
        start += 1
    return start


def _english_right(text: str, t: Tokens, j: int, lex: OrgLexicon) -> int:
    """Index after the last token of an English name whose head ends before ``j``.

    "and" joins words inside a complement ("Union of Towns and Municipalities") but not two names
    ("Pontis Foundation and Donio", "the Ministry of the Interior and the Refugee ... Administration").
    """
    end = j
    k = j
    in_complement = False
    is_capitalised, lower = t.is_capitalised, t.lower
    while k < t.count and _same_line(text, t, k - 1, k):
        lowered = lower[k]
        if is_capitalised[k] and lowered != "the":
            k += 1
            end = k
            continue
        if lowered in ("and", "&"):
            if not in_complement or (k + 1 < t.count and lower[k + 1] == "the"):
                break
            k += 1
            continue
        if lowered in lex.en_connectors:
            in_complement = True
            k += 1
            continue
        if t.text[k] == "," and is_capitalised[k - 1] and in_complement and _comma_enumeration(t, k + 1):
            k += 1
            continue
        break
    return end


def _comma_enumeration(t: Tokens, k: int) -> bool:
    """True when tokens from ``k`` read "Cap ... and Cap" (an enumeration inside a name)."""
    seen_and = False
    while k < t.count:
        if t.text[k] == "and":
            seen_and = True
        elif not t.is_capitalised[k]:
            return False
        elif seen_and:
            return True
        k += 1
    return False


def _slavic_right(text: str, t: Tokens, j: int, head_index: int, lex: OrgLexicon) -> int:
    """Index after the last token of a Czech/Slovak name whose head ends before ``j``.

    The complement takes genitives and capitalised words ("Ministerstvo vnútra Slovenskej republiky");
    "a" joins words only after a preposition ("Sdružení pro integraci a migraci", not "Ministerstvo
    vnitra a žadatele"); a place ("v Banskej Bystrici") only after a capitalised name.
    """
    end = j
    k = j
    lower_words = 0
    after_preposition = False
    is_capitalised, lower = t.is_capitalised, t.lower
    has_capital = any(is_capitalised[head_index + 1 : j])
    while k < t.count and _same_line(text, t, k - 1, k):
        lowered = lower[k]
        if not t.is_word[k] or t.text[k].isdigit():
            break
        if lowered in lex.place_prepositions:
            run = _capitalised_run(text, t, k + 1)
            if not has_capital or not 1 <= run <= 2:
                break
            k += 1 + run
            end = k
            break
        if lowered in ("a", "i"):
            if not after_preposition or (k + 1 < t.count and _head_at(t, k + 1, lex) is not None):
                break
            k += 1
            continue
        if lowered in lex.slavic_connectors:
            after_preposition = True
            k += 1
            continue
        if lowered in lex.stop_words or _is_verb_like(t.text[k], lex):
            break
        if is_capitalised[k]:
            has_capital = True
            k += 1
            end = k
            continue
        lower_words += 1
        if lower_words > 4:
            break
        k += 1
        end = k
    return end


def _capitalised_run(text: str, t: Tokens, k: int) -> int:
    run = 0
    while k + run < t.count and t.is_capitalised[k + run] and _same_line(text, t, k + run - 1, k + run):
        run += 1
    return run


def _attach_legal_form(text: str, end_char: int, lex: OrgLexicon) -> int:
    match = lex.legal_form.match(text, end_char)
    return match.end() if match else end_char


# --- canonical names --------------------------------------------------------------------------------


def _nominative(t: Tokens, start: int, head_index: int, head_size: int, head: Head, lex: OrgLexicon) -> list[str]:
    """Words of the name from ``start`` through the head, put back into the nominative."""
    words = t.text[start : head_index + head_size]
    if head.is_nominative or head.language == "en":
        return words
    printed_head = words[head_index - start :]
    nominative_words = head.nominative.split()
    if printed_head and printed_head[0][:1].islower():
        nominative_words[0] = nominative_words[0].lower()
    table = lex.declension.get((head.language, head.gender), ())
    adjectives = [_decline_adjective(w, table) for w in words[: head_index - start]]
    return adjectives + nominative_words


def _decline_adjective(word: str, table: tuple[tuple[str, str], ...]) -> str:
    for ending, nominative in table:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + nominative
    return word


def _clean_name(name: str) -> str:
    """The name with white-space runs made one space, outer punctuation, a leading "the" and a final
    "'s" taken off.

    Without regexes: the words joined by single spaces are what replacing each white-space run by a
    space leaves once the outer spaces are stripped; then only one space can follow "the".
    """
    name = " ".join(name.split()).strip(" ,;:-–—\"'")
    if name.startswith(("The ", "the ")):
        name = name[4:]
    if name.endswith("'s"):
        name = name[:-2]
    return name



# --- the rules --------------------------------------------------------------------------------------


def _head_mentions(
    text: str, t: Tokens, starts: Iterable[int], lex: OrgLexicon, english_first: bool, title_case: _TitleCaseLines
) -> Iterable[Candidate]:
    """Names around a head, from ``starts``: the words some head starts with, in order."""
    is_capitalised = t.is_capitalised
    i = 0  # the next token a name may start at
    for candidate in starts:
        if candidate < i:
            continue  # inside the name read before
        i = candidate
        found = _head_at(t, i, lex, english_first)
        if found is None or (found[0].language == "en" and title_case(t.start[i], t.end[i])):
            i += 1
            continue
        head, size = found
        start = _extend_left(text, t, i, head, lex)
        kept_lowercase = (
            start == i and not is_capitalised[i] and head.nominative in lex.kept_before_name
            and i + size < t.count and is_capitalised[i + size]  # followed by a name
        )
        if not (start < i or is_capitalised[i] or kept_lowercase):
            i += size
            continue
        if head.language == "en":
            end = _english_right(text, t, i + size, lex)
        else:
            end = _slavic_right(text, t, i + size, i, lex)
        if end == i + size and start == i:
            i += size
            continue  # a bare "Ministry" or "Nadácia" names nothing
        prefix = _nominative(t, start, i, size, head, lex)
        rest = text[t.end[i + size - 1] : t.end[end - 1]] if end > i + size else ""
        end_char = _attach_legal_form(text, t.end[end - 1], lex)
        legal = text[t.end[end - 1] : end_char]
        name = _clean_name(" ".join(prefix) + rest + legal)
        yield t.start[start], end_char, name, "org.head"
        i = max(end, i + size)


def _in_title_case_line(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is inside a headline Written Like This (no final full stop),
    where capitals do not mark names."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    while line_end > line_start and text[line_end - 1].isspace():  # (the line read in place, right-stripped)
        line_end -= 1
    if line_end > line_start and text[line_end - 1] in ".!?:":
        return False
    firsts = _LONG_LETTER_RUN_FIRSTS.findall(text, line_start, line_end)
    return len(firsts) >= 5 and sum(map(str.isupper, firsts)) >= 0.8 * len(firsts)


class _TitleCaseLines:
    """``_in_title_case_line`` for the tokens of one text, worked out once for each line."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._verdicts: dict[int, bool] = {}  # line start -> verdict

    def __call__(self, start: int, end: int) -> bool:
        """``_in_title_case_line`` of a token's span (one without a line break)."""
        line_start = self._text.rfind("\n", 0, start) + 1
        verdict = self._verdicts.get(line_start)
        if verdict is None:
            verdict = self._verdicts[line_start] = _in_title_case_line(self._text, start, end)
        return verdict


def _legal_form_mentions(text: str, t: Tokens, lex: OrgLexicon) -> Iterable[Candidate]:
    is_word, is_capitalised = t.is_word, t.is_capitalised
    breaking_connectors = lex.en_connectors - {"and", "&"}
    for index in _legal_form_places(text, t.end, lex):
        if not is_word[index - 1]:
            continue
        if not (t.text[index] in (",", ".") or is_word[index]):
            continue
        name_end = t.end[index - 1]
        match = lex.legal_form.match(text, name_end)
        if match is None or match.start() != name_end:
            continue
        start = index - 1
        while start > 0 and index - start < 6:
            lowered = t.lower[start - 1]
            if not is_word[start - 1] or lowered in lex.stop_words or lowered in breaking_connectors:
                break
            if not _same_line(text, t, start - 1, start):
                break
            start -= 1
        while start < index - 1 and not is_capitalised[start]:
            start += 1
        if not is_capitalised[start]:
            continue
        name = _clean_name(text[t.start[start] : match.end()])
        yield t.start[start], match.end(), name, "org.legal_form"


def _legal_form_places(text: str, ends: Sequence[int], lex: OrgLexicon) -> list[int]:
    """Indices of the tokens right after a token a legal form may follow, in order.

    The forms themselves are searched for (every start, overlapping ones too); a form read after a
    name may begin with a comma and a space, so the name may end up to two characters before.
    """
    places: set[int] = set()
    last = len(ends) - 1  # (a token ending last has no token after it)
    for form_start in _legal_form_starts(text, lex):
        # the tokens ending from two characters before the form to its start (the ends increase)
        index = bisect_left(ends, form_start - 2)
        while index < last and ends[index] <= form_start:
            index += 1
            places.add(index)
    return sorted(places)


def _legal_form_starts(text: str, lex: OrgLexicon) -> Iterable[int]:
    """Every offset a legal form matches at (overlapping ones too), in no particular order."""
    core = lex.legal_form_core
    if lex.legal_form_dots is None or lex.legal_form_dot is None:
        form = core.search(text)
        while form is not None:
            yield form.start()
            form = core.search(text, form.start() + 1)
        return
    # a form starts a known distance before its first full stop: full stops are rare, and searched
    # for fast, where the forms' first letters are common; most are after other words than a form's
    offsets = lex.legal_form_dots
    for dot in map(_MATCH_START, lex.legal_form_dot.finditer(text)):
        for offset in offsets:
            if dot >= offset and core.match(text, dot - offset):
                yield dot - offset


def _cue_mentions(
    text: str, t: Tokens, cue_nouns: Iterable[int], lex: OrgLexicon, title_case: _TitleCaseLines
) -> Iterable[Candidate]:
    """Capitalised names after the generic nouns at ``cue_nouns`` (token indices, in order)."""
    is_capitalised, is_acronym = t.is_capitalised, t.is_acronym
    for index in cue_nouns:
        k = _skip_filler(t, index + 1, lex)
        if k >= t.count or not (is_capitalised[k] or is_acronym[k]):
            continue
        if _head_at(t, k, lex) is not None:
            continue  # the head rule reads it better
        if title_case(t.start[index], t.end[index]):
            continue  # (the line's verdict, the dearest test, last)
        end = k + 1
        while end < t.count and end - k < 6 and _same_line(text, t, end - 1, end):
            if is_capitalised[end] or is_acronym[end] or (t.text[end] == ":" and end + 1 < t.count and is_capitalised[end + 1]):
                end += 1
            elif t.lower[end] in ("and", "&") and end + 1 < t.count and is_capitalised[end + 1] and t.text[end + 1] not in ("The",):
                end += 1
            else:
                break
        end_char = _attach_legal_form(text, t.end[end - 1], lex)
        yield t.start[k], end_char, _clean_name(text[t.start[k] : end_char]), "org.cue"


def _skip_filler(t: Tokens, k: int, lex: OrgLexicon) -> int:
    if k < t.count:
        lower = t.lower
        for filler in lex.cue_fillers.get(lower[k], ()):  # only the fillers starting with the word
            if tuple(lower[k : k + len(filler)]) == filler:
                return _skip_filler(t, k + len(filler), lex)
        if t.text[k] == ",":
            return _skip_filler(t, k + 1, lex)
    return k


def _acronym_mentions(text: str, t: Tokens, lex: OrgLexicon) -> Iterable[Candidate]:
    for index in t.acronyms:
        word = t.text[index]
        if word in lex.not_acronyms or any(c.isdigit() for c in word):
            continue
        following = t.text[index + 1] if index + 1 < t.count else None
        if following == ":":
            continue  # a label in capitals ("VÝZVA:")
        if len(word) > 8 and "-" not in word:
            continue
        end = t.end[index]
        # "MV ČR", "MPSVR SR": a ministry acronym carries its country
        if following in ("ČR", "SR") and t.start[index + 1] == end + 1:
            end = t.end[index + 1]
        yield t.start[index], end, text[t.start[index] : end], "org.acronym"


# text in brackets; searched from the bracket, which the scan finds far faster than an optional space
_BRACKETED = re.compile(r"\(([^()\n]{2,120})\)")


def _acronym_definitions(text: str, mentions: Sequence[OrgMention]) -> dict[str, str]:
    """Acronym -> full name, from "Full Name (ACR)" and "ACR (Full Name)" in the text."""
    links: dict[str, str] = {}
    brackets = list(_BRACKETED.finditer(text))
    if not brackets:
        return links
    by_end: dict[int, OrgMention] = {}  # the last full name ending at each offset
    by_start: dict[int, OrgMention] = {}  # the first full name starting at each offset
    acronyms: dict[int, OrgMention] = {}  # the last acronym starting at each offset
    for m in mentions:
        if m.rule == "org.acronym":
            acronyms[m.start] = m
        else:
            by_end[m.end] = m
            by_start.setdefault(m.start, m)
    for match in brackets:
        inner_start = match.start(1)
        # the span of "\s?\(...\)": a white-space character before the bracket belongs to it
        span_start = match.start() - 1 if match.start() > 0 and text[match.start() - 1].isspace() else match.start()
        full = by_end.get(span_start)
        acronym = acronyms.get(inner_start)
        if full is not None and acronym is not None and acronym.end == match.end(1):
            links[acronym.name] = full.name
            continue
        before = acronyms.get(_word_start(text, span_start))
        inner = by_start.get(inner_start)
        if before is not None and inner is not None:
            links[before.name] = inner.name
    return links


def _word_start(text: str, end: int) -> int:
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-"):
        start -= 1
    return start


def find_mentions(text: str, language: str = "en") -> list[OrgMention]:
    """Every organisation mention in ``text``, overlaps resolved (longest, then earliest), in text order.

    ``language`` only decides how a head form shared by two languages is read.
    """
    lex = lexicon()
    t = _token_columns(text)
    head_starts, cue_nouns = _scanned_words(t, lex)
    title_case = _TitleCaseLines(text)
    candidates = [
        *_head_mentions(text, t, head_starts, lex, language == "en", title_case),
        *_legal_form_mentions(text, t, lex),
        *_cue_mentions(text, t, cue_nouns, lex, title_case),
        *_acronym_mentions(text, t, lex),
    ]
    chosen = _resolve_overlaps(candidates, _names_organisation)
    chosen.sort(key=_CANDIDATE_SPAN)
    return list(map(_mention, chosen))


def _scanned_words(t: Tokens, lex: OrgLexicon) -> tuple[list[int], list[int]]:
    """Indices of the words some head starts with, and of the cue nouns, in order.

    One C loop over the lower-case column finds the tokens either list may hold: the few found are
    then sorted out one by one.
    """
    roles = lex.scanned_words
    lower, is_word = t.lower, t.is_word
    found = list(compress(range(t.count), map(roles.get, lower)))
    head_starts = [i for i in found if roles[lower[i]] & _HEAD_FIRST_WORD and is_word[i]]
    cue_nouns = [i for i in found if roles[lower[i]] & _CUE_NOUN]
    return head_starts, cue_nouns


@lru_cache(maxsize=8192)  # a name is found many times, within a document and across them
def _names_organisation(name: str) -> bool:
    """``_is_organisation_name`` with the lexicon, which never changes."""
    return _is_organisation_name(name, lexicon())


def _is_organisation_name(name: str, lex: OrgLexicon) -> bool:
    folded = fold(name)
    if not folded or _starts_with_listed_name(folded, lex.not_organisations):
        return False
    return any(map(str.isalpha, name)) and len(folded) >= 2


def _starts_with_listed_name(folded: str, listed: frozenset[str]) -> bool:
    """True when ``folded`` is a listed folded name or begins with one followed by more words.

    Folded names are words joined by single spaces, so a name followed by more words is followed by a
    space: one look-up, and one ``startswith`` that tries every listed name in C.
    """
    return folded in listed or folded.startswith(_followed_by_space(listed))


@cache  # (a frozenset keeps its hash: the look-up is cheap)
def _followed_by_space(names: frozenset[str]) -> tuple[str, ...]:
    return tuple(name + " " for name in names)


# Rules are ranked: a head or legal-form span reads a name more completely than a cue or acronym.
_RULE_RANK = {"org.list": 0, "org.coordinated": 0, "org.head": 1, "org.legal_form": 1, "org.cue": 2, "org.acronym": 3}


def _resolve_overlaps(candidates: Sequence[Candidate], names_organisation: Callable[[str], bool]) -> list[Candidate]:
    """The candidates whose names ``names_organisation`` accepts, best first (by rule, the longest, the
    earliest), each left out where it overlaps one taken before.

    A candidate is asked about its name only where it overlaps none taken: what is taken is the same
    as when the candidates naming no organisation are left out first (those overlapping a taken one
    would be passed over all the same), and most names passed over are not looked at (nor folded).
    """
    rank = _RULE_RANK
    ordered = sorted(candidates, key=lambda m: (rank[m[3]], m[0] - m[1], m[0]))
    taken: list[Candidate] = []
    # The spans taken never overlap, so sorted by (start, end) their ends are sorted too: of those
    # starting before a span ends, only the last can reach into it (a bisection, not a scan of all).
    spans: list[tuple[int, int]] = []
    for mention in ordered:
        start, end = mention[0], mention[1]
        before = bisect_left(spans, (end,))
        if before > 0 and spans[before - 1][1] > start:
            continue
        if not names_organisation(mention[2]):
            continue
        insort(spans, (start, end))
        taken.append(mention)
    return taken


# --- entities ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class OrgEntity:
    """Mentions of one organisation."""

    mentions: list[OrgMention] = field(default_factory=list)
    acronyms: set[str] = field(default_factory=set)

    @property
    def first(self) -> OrgMention:
        return min(self.mentions, key=_START)

    def names(self) -> list[str]:
        return sorted({m.name for m in self.mentions})

    def canonical_name(self) -> str:
        """The most frequent full (non-acronym) name; ties go to the earliest mention."""
        full = [m for m in self.mentions if m.rule != "org.acronym"] or self.mentions
        counts: dict[str, int] = {}
        for mention in full:
            counts[mention.name] = counts.get(mention.name, 0) + 1
        first_seen = {m.name: m.start for m in sorted(full, key=lambda m: -m.start)}
        return max(counts, key=lambda name: (counts[name], -first_seen[name], len(name)))


@lru_cache(maxsize=8192)  # the same names come back within a document and across them
def _name_key(name: str) -> str:
    return _strip_legal(fold(name))


def _same_key(
    fa: str, fb: str, characters: Callable[[str], frozenset[str]] = frozenset, counts: Callable[[str], Counter[str]] = Counter
) -> bool:
    """True when two folded names (legal forms stripped) name the same organisation.

    ``characters`` and ``counts`` give a name's set and counts of characters; a caller comparing names
    often passes cached ones.
    """
    if fa == fb:
        return True
    length_a, length_b = len(fa), len(fb)
    # on equal lengths, fa is the short one
    short, long, length = (fb, fa, length_b) if length_b < length_a else (fa, fb, length_a)
    # (a name inside the other, tested first, is the cheap condition for either end)
    if short in long and (long.startswith(short + " ") or long.endswith(" " + short)) and len(short.split()) >= 2:
        return True
    total = length_a + length_b
    if length < 6 or 2.0 * length / total < 0.9:
        return False  # the lengths alone bound the ratio below 0.9 (difflib's real_quick_ratio)
    # Each character of one name that the other lacks takes at least one from the characters both
    # share: a bound of difflib's quick_ratio() from the character sets, which most pairs fail
    # (each name's characters it alone has: its set less those both have)
    characters_a, characters_b = characters(fa), characters(fb)
    both = len(characters_a & characters_b)
    if 2.0 * min(length_a - len(characters_a) + both, length_b - len(characters_b) + both) / total < 0.9:
        return False
    # difflib's quick_ratio(), an upper bound of ratio(), from the characters both names share
    # (counted once per name, not once per pair): most pairs are told apart without the full match
    if 2.0 * _shared_characters(counts(fa), counts(fb)) / total < 0.9:
        return False
    return difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.9


def _shared_characters(a: Counter[str], b: Counter[str]) -> int:
    """The size of the multiset intersection of two character counts."""
    return sum(map(min, a.values(), map(b.get, a, repeat(0))))


_LEGAL_TAILS = ("z s", "z u", "o p s", "s r o", "a s", "o s", "o z", "n o", "n f", "zs", "zu", "ops", "sro", "as", "os", "oz", "no", "nf")
_LEGAL_TAIL = re.compile(r"(?:\s(?:" + "|".join(_LEGAL_TAILS) + r"))+$")
# the last words of the forms: a folded name (words joined by single spaces) ending in another word has none
_LEGAL_TAIL_LAST_WORDS = frozenset(tail.rsplit(" ", 1)[-1] for tail in _LEGAL_TAILS)


def _strip_legal(folded: str) -> str:
    if folded[folded.rfind(" ") + 1 :] not in _LEGAL_TAIL_LAST_WORDS:
        return folded  # most names: no form to strip, and no pattern tried at each space
    return _LEGAL_TAIL.sub("", folded)


class _CharacterCounts(dict[str, Counter[str]]):
    """Key -> its ``Counter`` of characters, each counted on first look-up."""

    def __missing__(self, key: str) -> Counter[str]:
        counts = self[key] = Counter(key)
        return counts


class _CharacterSets(dict[str, frozenset[str]]):
    """Key -> the set of its characters, each made on first look-up."""

    def __missing__(self, key: str) -> frozenset[str]:
        characters = self[key] = frozenset(key)
        return characters


def group_entities(text: str, mentions: Sequence[OrgMention]) -> list[OrgEntity]:
    """Merge mentions naming the same organisation: same folded name, acronym definitions, name prefixes.

    Each mention, in text order, joins the first entity (in order of creation) that holds a name whose
    key (``_name_key``) is the same as its own (``_same_key``), or, for an acronym, its expansion, or,
    for a full name, an acronym standing for it; else it starts an entity.
    """
    links = _acronym_definitions(text, mentions)
    characters, counts = _CharacterSets().__getitem__, _CharacterCounts().__getitem__  # of each key, made once
    entities: list[OrgEntity] = []
    names: list[set[str]] = []  # the distinct names of each entity
    added: list[tuple[int, str]] = []  # (entity, key) for each name an entity gained, in order
    first_holding: dict[str, int] = {}  # name -> the first entity holding it
    first_targeting: dict[str, int] = {}  # full name -> the first entity holding an acronym standing for it
    # name -> (how many of ``added`` its key was compared with, the first entity one of these matched):
    # keys are only ever added, so a name seen before is compared with the keys added since only
    progress: dict[str, tuple[int, int | None]] = {}
    for mention in sorted(mentions, key=_START):
        name = mention.name
        key = _name_key(name)
        compared, found = progress.get(name, (0, None))
        if compared < len(added):
            length = len(key)
            for entity, other in added[compared:] if compared else added:
                if found is not None and entity >= found:
                    continue  # a match there would not be the first
                # the first tests of ``_same_key``, where most pairs fail, made here (a call costs more):
                # the shorter key is not inside the other (nor equal to it), and the lengths are too
                # short or too far apart for a close match
                other_length = len(other)
                if other_length < length:
                    if (other_length < 6 or 2.0 * other_length / (length + other_length) < 0.9) and other not in key:
                        continue
                elif (length < 6 or 2.0 * length / (length + other_length) < 0.9) and key not in other:
                    continue
                if _same_key(key, other, characters, counts):
                    found = entity
        if mention.rule == "org.acronym":
            expansion = links.get(name)
            linked = first_holding.get(expansion) if expansion is not None else None
        else:
            linked = first_targeting.get(name)
        target = found if linked is None or (found is not None and found < linked) else linked
        progress[name] = (len(added), found)
        if target is None:
            target = len(entities)
            entities.append(OrgEntity())
            names.append(set())
        entities[target].mentions.append(mention)
        if name not in names[target]:
            names[target].add(name)
            added.append((target, key))
            if first_holding.get(name, target) >= target:
                first_holding[name] = target
            full = links.get(name)
            if full is not None and first_targeting.get(full, target) >= target:
                first_targeting[full] = target
    return entities
