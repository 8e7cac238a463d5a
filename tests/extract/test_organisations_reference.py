"""Faster forms of the organisation rules against the straightforward forms they replace."""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.extract.organisations import (
    _TOKEN,
    OrgMention,
    _acronym_definitions,
    _acronym_indices,
    _clean_name,
    _first_full_stop_pattern,
    _first_full_stops,
    _in_title_case_line,
    _is_acronym,
    _legal_form_pattern,
    _legal_form_places,
    _legal_form_starts,
    _mention,
    _name_key,
    _resolve_overlaps,
    _same_key,
    _skip_filler,
    _starts_with_listed_name,
    _strip_legal,
    _token_columns,
    find_mentions,
    group_entities,
    lexicon,
    tokenize,
)
from pipeline.lexicon import load_data

# folded keys: few letters and single spaces, so that similar names are frequent
keys = st.lists(st.sampled_from(["a", "b", "c", "z", "s", "centrum", "nadacia", "pontis", "pro"]), max_size=6).map(" ".join)
near_keys = st.text(alphabet="abcde ", max_size=14)


def _same_key_reference(fa: str, fb: str) -> bool:
    if fa == fb:
        return True
    short, long = sorted((fa, fb), key=len)
    if len(short.split()) >= 2 and (long.startswith(short + " ") or long.endswith(" " + short)):
        return True
    if len(short) < 6 or 2.0 * len(short) / (len(fa) + len(fb)) < 0.9:
        return False
    matcher = difflib.SequenceMatcher(None, fa, fb)
    return matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


@settings(max_examples=500, deadline=None)
@given(st.one_of(keys, near_keys), st.one_of(keys, near_keys))
def test_same_key_equals_the_difflib_reference(fa: str, fb: str) -> None:
    assert _same_key(fa, fb) == _same_key_reference(fa, fb)
    assert _same_key(fa + "x", fa + "y") == _same_key_reference(fa + "x", fa + "y")


def _is_acronym_reference(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and text[0].isalpha()


def _acronym_indices_reference(texts: list[str], is_capitalised: list[bool]) -> list[int]:
    return [
        index for index, (capitalised, word) in enumerate(zip(is_capitalised, texts)) if capitalised and _is_acronym_reference(word)
    ]


_TRICKY = "AaBbŽžİıǅǈⅠⅰⅯⅿ①1٣-'ßẞΣσς"  # title-case letters, upper- and lower-case numerals, digits


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=_TRICKY, min_size=1, max_size=5), max_size=12))
def test_acronym_prefilter_keeps_every_acronym(words: list[str]) -> None:
    capitalised = [word[0].isalnum() and word[0].isupper() for word in words]
    assert _acronym_indices(words, [i for i, c in enumerate(capitalised) if c]) == _acronym_indices_reference(words, capitalised)


def test_acronym_prefilter_on_every_alphanumeric_character() -> None:
    alphanumeric = [chr(code) for code in range(0x110000) if chr(code).isalnum()]
    words = [w for c in alphanumeric for w in ("A" + c, c + "B", "AB" + c, c + c)]
    capitalised = [True] * len(words)
    assert _acronym_indices(words, [i for i, c in enumerate(capitalised) if c]) == _acronym_indices_reference(words, capitalised)


def _token_reference(text: str, start: int, end: int) -> tuple:
    """The properties of a token, each worked out on its own."""
    word = text[start:end]
    is_word = word[0].isalnum()
    is_capitalised = is_word and word[0].isupper()
    return word, start, end, word.lower(), is_word, is_capitalised, is_capitalised and _is_acronym_reference(word)


# cased symbols (no letters: "Ⓐ" starts a punctuation token), numerals with a case, title-case letters
_TOKEN_CHARACTERS = "aZ9_ -'.\nčŠ①ⒶⓐⅠⅰǅİΣςAB"


@settings(max_examples=1000, deadline=None)
@example("Ⓐ AB Ⓐb ⒶB")
@example("AⅠ Aⅰ ABⅰ A-B A'B-c Ab-C Σσ ΣΑ")
@given(st.text(alphabet=_TOKEN_CHARACTERS, max_size=30))
def test_token_properties_are_those_of_each_token(text: str) -> None:
    tokens = tokenize(text)
    assert [tuple(token) for token in tokens] == [_token_reference(text, token.start, token.end) for token in tokens]


def _legal_form_starts_reference(text: str, core: re.Pattern[str]) -> list[int]:
    starts = []
    form = core.search(text)
    while form is not None:
        starts.append(form.start())
        form = core.search(text, form.start() + 1)
    return starts


_FORM_PIECES = st.sampled_from(["z", "s", "o", "p", "r", "spol", "v", "a", "ú", ".", ". ", " ", ",", "x", "\n"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_FORM_PIECES, max_size=30).map("".join))
def test_legal_form_starts_are_those_a_search_finds(text: str) -> None:
    lex = lexicon()
    assert sorted(set(_legal_form_starts(text, lex))) == _legal_form_starts_reference(text, lex.legal_form_core)


@pytest.mark.parametrize(
    "forms,expected",
    [(["z. s.", "spol. s r. o."], (1, 4)), (["s.r.o.", "a. s."], (1,)), (["GmbH", "z. s."], None)],
)
def test_first_full_stops(forms: list[str], expected: tuple[int, ...] | None) -> None:
    assert _first_full_stops(forms) == expected


_OTHER_FORMS = [["s.r.o.", "a. s.", "spol. s r. o."], ["ab. c.", "b.c.", "abc. d.", "ab.c"], ["x.", "y z."]]


def _form_texts(forms: list[str]) -> st.SearchStrategy[str]:
    """Texts of the forms, written whole, without spaces or in words, with letters and stops around."""
    pieces = [*forms, *(form.replace(" ", "") for form in forms), *(word for form in forms for word in form.split())]
    return st.lists(st.sampled_from([*pieces, "a", "s", "x", ".", " ", ","]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_OTHER_FORMS).flatmap(lambda forms: st.tuples(st.just(forms), _form_texts(forms))))
def test_legal_form_starts_of_other_forms_are_those_a_search_finds(case: tuple[list[str], str]) -> None:
    forms, text = case
    core = _legal_form_pattern(forms, with_comma=False)
    lex = replace(lexicon(), legal_form_core=core, legal_form_dots=_first_full_stops(forms), legal_form_dot=_first_full_stop_pattern(forms))
    assert sorted(set(_legal_form_starts(text, lex))) == _legal_form_starts_reference(text, core)


def test_legal_form_starts_without_full_stops_search_everywhere() -> None:
    lex = replace(lexicon(), legal_form_core=_legal_form_pattern(["GmbH", "z. s."], with_comma=False), legal_form_dots=None)
    text = "Firma GmbH a Liga z.s. a GmbHx"
    assert sorted(_legal_form_starts(text, lex)) == _legal_form_starts_reference(text, lex.legal_form_core)


_ORIGINAL_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|\S")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZ9_ -'.\n\tčŠ①²", max_size=30))
def test_tokens_are_the_original_pattern_matches(text: str) -> None:
    tokens = tokenize(text)
    assert [(token.text, token.start, token.end) for token in tokens] == [
        (match.group(), match.start(), match.end()) for match in _ORIGINAL_TOKEN.finditer(text)
    ]


def _clean_name_reference(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,;:-–—\"'")
    name = re.sub(r"^(?:[Tt]he)\s+", "", name)
    return re.sub(r"'s$", "", name)


_NAME_PIECES = ["The", "the", "They", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "'s", "'", "s", ",", "-", "–", "\"", "Liga", "x"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=10).map("".join))
def test_clean_name_equals_the_regex_reference(name: str) -> None:
    assert _clean_name(name) == _clean_name_reference(name)


def _in_title_case_line_reference(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)].rstrip()
    if line.endswith((".", "!", "?", ":")):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) > 3]
    return len(words) >= 5 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


# words of three to five letters (upper- and title-case digraphs, numerals) and what ends or breaks them
_TITLE_PIECES = [" Word", " word", " Wor", " wor", " Slovo", " ⅯⅯⅯⅯ", " Ǆabc", " ǅabc", "1", "_", "-", "\n", ".", ":", " ", ". ", "\u00a0"]


@settings(max_examples=1000, deadline=None)
@example("Word Word Word Word Wor", 0)
@example("Word Word Word Word Slovo word", 3)
@example("Word Word Word Word Slovo: \n", 3)
@example("Word Word Word Word Slovo \u00a0", 3)
@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=16).map("".join), st.integers(0, 100))
def test_title_case_line_equals_the_reference(text: str, position: int) -> None:
    position = min(position, len(text))
    assert _in_title_case_line(text, position, position) == _in_title_case_line_reference(text, position, position)


def _group_reference(text: str, mentions: list[OrgMention]) -> list[list[OrgMention]]:
    """Each mention joins the first entity holding a name of the same key, or a name it is linked to."""
    links = _acronym_definitions(text, mentions)
    entities: list[list[OrgMention]] = []
    for mention in sorted(mentions, key=lambda m: m.start):
        key = _name_key(mention.name)
        for entity in entities:
            names = list(dict.fromkeys(m.name for m in entity))
            targets = {links[name] for name in names if name in links}
            if (
                any(_same_key_reference(key, _name_key(other)) for other in names)
                or (mention.rule == "org.acronym" and links.get(mention.name) in names)
                or (mention.rule != "org.acronym" and mention.name in targets)
            ):
                entity.append(mention)
                break
        else:
            entities.append([mention])
    return entities


_GROUP_NAMES = ["Nadácia Pontis", "Nadacia Pontis", "Pontis", "Liga za ľudské práva", "Liga za ludske prava o.z.",
                "Liga", "Centrum pro integraci", "Centrum pre integraciu", "SIMI", "Poradna", "Poradna z. s.", "ČR",
                # a chain: each name is like the next (one letter in ten), not like the one after it
                "Aaaaaaaaaa", "Aaaaaaaaab", "Aaaaaaaabb", "Aaaaaaabbb"]


@settings(max_examples=500, deadline=None)
@example([("Aaaaaaaaaa", "org.head"), ("Aaaaaaaabb", "org.head"), ("Aaaaaaaaab", "org.head"), ("Aaaaaaaabb", "org.head")])
@given(st.lists(st.tuples(st.sampled_from(_GROUP_NAMES), st.sampled_from(["org.head", "org.cue", "org.acronym"])), max_size=12))
def test_grouping_equals_the_reference(named: list[tuple[str, str]]) -> None:
    mentions = [OrgMention(10 * index, 10 * index + 5, name, rule) for index, (name, rule) in enumerate(named)]
    text = " " * (10 * len(named) + 5)
    assert [entity.mentions for entity in group_entities(text, mentions)] == _group_reference(text, mentions)


def _acronym_definitions_reference(text: str, mentions: list[OrgMention]) -> dict[str, str]:
    links: dict[str, str] = {}
    by_end = {m.end: m for m in mentions if m.rule != "org.acronym"}
    acronyms = {m.start: m for m in mentions if m.rule == "org.acronym"}
    for match in re.finditer(r"\(([^()\n]{2,120})\)", text):
        inner_start = match.start(1)
        span_start = match.start() - 1 if match.start() > 0 and text[match.start() - 1].isspace() else match.start()
        full = by_end.get(span_start)
        acronym = acronyms.get(inner_start)
        if full is not None and acronym is not None and acronym.end == match.end(1):
            links[acronym.name] = full.name
            continue
        start = span_start
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1
        before = acronyms.get(start)
        inner = next((m for m in mentions if m.start == inner_start and m.rule != "org.acronym"), None)
        if before is not None and inner is not None:
            links[before.name] = inner.name
    return links


_DEFINITION_PIECES = ["Liga", " ", "(", ")", "LZP", "SIMI", "-", "x", "\n", "Liga za práva (LZP)", "LZP (Liga za práva)"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_DEFINITION_PIECES), max_size=10).map("".join),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8), st.sampled_from(["A", "B", "C"]),
                       st.sampled_from(["org.head", "org.acronym", "org.cue"])), max_size=10),
)
def test_acronym_definitions_equal_the_reference(text: str, spans: list[tuple[int, int, str, str]]) -> None:
    mentions = [OrgMention(start, start + length, name, rule) for start, length, name, rule in spans]
    mentions += find_mentions(text)
    assert _acronym_definitions(text, mentions) == _acronym_definitions_reference(text, mentions)


_LEGAL_TAIL_REFERENCE = re.compile(r"(?:\s(?:z s|z u|o p s|s r o|a s|o s|o z|n o|n f|zs|zu|ops|sro|as|os|oz|no|nf))+$")
_FOLDED_WORDS = ["z", "s", "u", "o", "p", "r", "a", "n", "f", "zs", "ops", "sro", "as", "no", "liga", "x", "nadacia"]


@settings(max_examples=1000, deadline=None)
@example("liga o p s")
@example("liga z s o p s")
@example("as")
@given(st.lists(st.sampled_from(_FOLDED_WORDS), max_size=7).map(" ".join))
def test_strip_legal_equals_the_pattern(folded: str) -> None:
    assert _strip_legal(folded) == _LEGAL_TAIL_REFERENCE.sub("", folded)


def _starts_with_listed_name_reference(folded: str, listed: frozenset[str]) -> bool:
    words = folded.split(" ")
    return any(" ".join(words[:count]) in listed for count in range(1, len(words) + 1))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["eea", "grants", "european", "union", "unie", "x", "eeagrants"]), max_size=5).map(" ".join))
def test_starts_with_listed_name_equals_the_word_prefixes(folded: str) -> None:
    listed = lexicon().not_organisations | {"eea", "x eea"}
    assert _starts_with_listed_name(folded, listed) == _starts_with_listed_name_reference(folded, listed)


def test_kept_mentions_are_the_dataclass_made_from_the_candidates() -> None:
    candidate = (3, 9, "Liga", "org.head")
    made = _mention(candidate)
    assert made == OrgMention(*candidate) and hash(made) == hash(OrgMention(*candidate)) and made.acronym_of is None


def _legal_form_places_reference(text: str, ends: list[int], lex) -> list[int]:
    places: set[int] = set()
    for form_start in _legal_form_starts(text, lex):
        for name_end in range(max(form_start - 2, 0), form_start + 1):
            index = bisect_left(ends, name_end)
            if index + 1 < len(ends) and ends[index] == name_end:
                places.add(index + 1)
    return sorted(places)


@settings(max_examples=500, deadline=None)
@example("z.s.")
@example("Liga z.s.")
@given(st.lists(st.sampled_from(["z", "s", "o", "p", "spol", "Liga", ".", ". ", " ", ", ", ",", "\n", "x"]), max_size=20).map("".join))
def test_legal_form_places_are_those_of_each_form_start(text: str) -> None:
    lex = lexicon()
    ends = [token.end for token in tokenize(text)]
    assert _legal_form_places(text, ends, lex) == _legal_form_places_reference(text, ends, lex)


def _resolve_overlaps_reference(candidates: list[tuple[int, int, str, str]], names_organisation) -> list[tuple[int, int, str, str]]:
    """The candidates naming an organisation, best first; each one overlapping one taken before left out."""
    rank = {"org.head": 1, "org.legal_form": 1, "org.cue": 2, "org.acronym": 3}
    kept = [candidate for candidate in candidates if names_organisation(candidate[2])]
    taken: list[tuple[int, int, str, str]] = []
    for candidate in sorted(kept, key=lambda m: (rank[m[3]], -(m[1] - m[0]), m[0])):
        if all(candidate[1] <= other[0] or other[1] <= candidate[0] for other in taken):
            taken.append(candidate)
    return taken


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from(["Liga", "EEA Grants", "x", "Pontis"]),
                  st.sampled_from(["org.head", "org.legal_form", "org.cue", "org.acronym"])),
        max_size=12,
    )
)
def test_overlaps_resolved_as_when_the_names_are_filtered_first(spans: list[tuple[int, int, str, str]]) -> None:
    candidates = [(start, start + length, name, rule) for start, length, name, rule in spans]
    names_organisation = lambda name: name not in ("EEA Grants", "x")  # noqa: E731
    assert _resolve_overlaps(candidates, names_organisation) == _resolve_overlaps_reference(candidates, names_organisation)


_LINKED_FULL_NAMES = ["Liga za práva", "Liga za prava", "Nadácia Pontis", "Centrum pro integraci", "Pontis"]
_LINKED_ACRONYMS = ["LZP", "NP", "CPI", "SIMI"]


@st.composite
def _linked_mentions(draw) -> tuple[str, list[OrgMention]]:
    """A text naming organisations in full, by acronym, and as "Full Name (ACR)" or "ACR (Full Name)"."""
    text = ""
    mentions: list[OrgMention] = []
    for _ in range(draw(st.integers(0, 10))):
        full = draw(st.sampled_from(_LINKED_FULL_NAMES))
        acronym = draw(st.sampled_from(_LINKED_ACRONYMS))
        full_rule = draw(st.sampled_from(["org.head", "org.cue", "org.acronym"]))
        form = draw(st.sampled_from(["full", "acronym", "full (acronym)", "acronym (full)"]))
        text += ". "
        pieces = {"full": [(full, full_rule)], "acronym": [(acronym, "org.acronym")],
                  "full (acronym)": [(full, full_rule), (" (", None), (acronym, "org.acronym"), (")", None)],
                  "acronym (full)": [(acronym, "org.acronym"), (" (", None), (full, full_rule), (")", None)]}[form]
        for piece, rule in pieces:
            if rule is not None:
                mentions.append(OrgMention(len(text), len(text) + len(piece), piece, rule))
            text += piece
    return text, mentions


@settings(max_examples=1000, deadline=None)
@given(_linked_mentions())
def test_grouping_with_acronym_definitions_equals_the_reference(case: tuple[str, list[OrgMention]]) -> None:
    text, mentions = case
    assert [entity.mentions for entity in group_entities(text, mentions)] == _group_reference(text, mentions)


def _skip_filler_reference(lower: list[str], texts: list[str], k: int, fillers: list[tuple[str, ...]]) -> int:
    """Past every filler (tried in the data's order) and comma from token ``k``."""
    if k < len(lower):
        for filler in fillers:
            if tuple(lower[k : k + len(filler)]) == filler:
                return _skip_filler_reference(lower, texts, k + len(filler), fillers)
        if texts[k] == ",":
            return _skip_filler_reference(lower, texts, k + 1, fillers)
    return k


_FILLER_PIECES = ["is", "Is", "are", "s", "názvem", "názvom", "for", "example", "such", "as", "e", "g", ".", ",", "like",
                  "called", "např", "Liga", " "]


@settings(max_examples=500, deadline=None)
@example("s názvom Liga")
@example("is, for example, Liga")
@given(st.lists(st.sampled_from(_FILLER_PIECES), max_size=12).map(" ".join))
def test_fillers_skipped_as_when_every_filler_is_tried(text: str) -> None:
    fillers = [tuple(_TOKEN.findall(filler.lower())) for filler in load_data("organisations")["shared"]["cue_fillers"]]
    t = _token_columns(text)
    for k in range(t.count + 1):
        assert _skip_filler(t, k, lexicon()) == _skip_filler_reference(t.lower, t.text, k, fillers)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("9-.", ["9", "-", "."]),
        ("a'b- x'-y", ["a'b", "-", "x", "'", "-", "y"]),
        ("Jiho-moravský kraj's-", ["Jiho-moravský", "kraj's", "-"]),
    ],
)
def test_a_hyphen_or_apostrophe_joins_only_letters_on_both_sides(text: str, expected: list[str]) -> None:
    # a table, not the pattern itself: an engine that keeps part of a failed repeat fails it
    assert [token.text for token in tokenize(text)] == expected
