"""The quicker formulations in the amounts module against their plain references."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import amounts

# ASCII, Latin letters with and without diacritics in both cases, "İ" (longer in lower case), the Kelvin
# sign (lower-cased to "k", outside the fold table), word characters beyond the Basic Multilingual Plane
_FOLD_ALPHABET = st.sampled_from(
    [chr(code) for code in range(0x80)] + list("ÁáČčĚěŘřŠšŽžŮůÝýÔôĽľĹĺŔŕÄäßẞİıſÆæǄǅǆ") + ["\u212a", "\u0130", "𝐀", "𝟓", "€", "–", "\u00a0"]
)


def test_fold_of_each_ascii_character_is_the_table_fold() -> None:
    for code in range(0x80):
        assert amounts.fold(chr(code)) == chr(code).translate(amounts._FOLD_TABLE)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_FOLD_ALPHABET, max_size=30))
def test_fold_is_the_table_fold(text: str) -> None:
    assert amounts.fold(text) == text.translate(amounts._FOLD_TABLE)


_CUE_KEYS = sorted(amounts.LEXICON.cues)
_CUE_PIECES = [*_CUE_KEYS, " ", "  ", "\n", "\t", "x", "a", "s", ":", "5", "_", "-", "(", "ß", "𝐀", "é", "ceny", "celkove",
               "grant", "dotace", "naklady"]


def _plain_cues(folded: str) -> list[tuple[int, amounts.Cue]]:
    plain = re.compile(amounts.cue_alternation(amounts.LEXICON.cues))
    return [(found.end(), amounts.LEXICON.cues[amounts._spaced(found.group())]) for found in plain.finditer(folded)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=10))
def test_cues_in_finds_what_the_cue_alternation_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert amounts._cues_in(text) == _plain_cues(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=6))
def test_first_cue_is_the_first_of_the_cue_alternation(pieces: list[str]) -> None:
    label = "".join(pieces)
    found = _plain_cues(amounts.fold(label))
    assert amounts._first_cue(label) == (found[0][1].role if found else None)


def test_cues_at_the_text_start_and_after_any_character() -> None:
    key = "amount"
    assert key in amounts.LEXICON.cues
    for before in ["", " ", "\n", "(", "-", "5", "_", "x", "𝐀", "€"]:
        expected = _plain_cues(before + key)
        assert amounts._cues_in(before + key) == expected
        assert bool(expected) == (before in {"", " ", "\n", "(", "-", "€"})


_START_TOKENS = amounts._opening_tokens(amounts.LEXICON)


def test_amount_start_is_a_whole_token_after_no_letter_of_any_plane() -> None:
    plain = re.compile(f"(?={amounts._words(_START_TOKENS)})(?s:.)")
    for before in ["", " ", "\n", "5", "_", "€", "x", "ô", "ǅ", "²", "𝐀", "𝟓", "\U00020000"]:
        for token in ["eur", "mezi", "€", "$", "dva", "půl", "čtyři", "ôsmich", "x", "akce", "je", "eurx", "a", "a half"]:
            text = f"{before}{token} 5"
            found = [m.start() for m in amounts.PATTERNS.amount_start.finditer(text)]
            assert found == [m.start() for m in plain.finditer(text)], text


def _plain_parse_number(raw: str, decimal_mark: str | None) -> float:
    match = amounts.NUMBER_PARTS.fullmatch(raw)
    assert match is not None
    integer, fraction = match["int"], match["frac"]
    separators = [char for char in integer if not char.isdigit()]
    if fraction is None and len(separators) == 1 and separators[0] == decimal_mark:
        return float(integer.replace(decimal_mark, "."))
    digits = "".join(char for char in integer if char.isdigit())
    return float(f"{digits}.{fraction}" if fraction else digits)


@st.composite
def _numbers(draw: st.DrawFn) -> str:
    digits = st.text(alphabet="0123456789", min_size=1, max_size=8)
    if draw(st.booleans()):
        separator = draw(st.sampled_from([" ", ".", ",", "'"]))
        groups = draw(st.lists(st.text(alphabet="0123456789", min_size=3, max_size=3), min_size=1, max_size=3))
        integer = draw(st.text(alphabet="0123456789", min_size=1, max_size=3)) + "".join(separator + group for group in groups)
    else:
        integer = draw(digits)
    if draw(st.booleans()):
        integer += draw(st.sampled_from([".", ","])) + draw(digits)
    return integer


@settings(max_examples=1000, deadline=None)
@given(_numbers(), st.sampled_from([None, ",", ".", " ", "'"]))
def test_parse_number_reads_what_the_plain_reading_reads(raw: str, decimal_mark: str | None) -> None:
    assert amounts.NUMBER_PARTS.fullmatch(raw) is not None
    assert amounts.parse_number(raw, decimal_mark) == _plain_parse_number(raw, decimal_mark)


def _plain_prose_cue(context: str) -> str | None:
    """``_prose_cue`` over the whole context folded."""
    for end, cue in reversed(_plain_cues(amounts.fold(context))):
        gap = context[end:]
        if cue.label_only:
            if amounts.PATTERNS.tight_gap.fullmatch(gap):
                return cue.role
            continue
        if len(gap) > amounts.MAX_CUE_GAP_CHARS or amounts.PATTERNS.clause_break.search(gap):
            return None
        return cue.role
    return None


_CONTEXT_PIECES = [
    *_CUE_KEYS, "Výše dotace", "Celkové náklady", "GRANT", "příspěvek", "ß", "𝐀", "5", "2019", "_", ",", ".", ";", ")",
    "(", ":", " – ", "-", "=", " ", "   ", "\t", "\u00a0", "\n", "projekt", "realizovaný v letech", "činí",
    "celkem", "the project was funded", "ve výši", " " * 45, ": " * 12, "x" * 30,
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_CONTEXT_PIECES), max_size=16))
def test_prose_cue_of_the_window_is_the_prose_cue_of_the_whole_context(pieces: list[str]) -> None:
    context = "".join(pieces)
    assert amounts._prose_cue(context) == _plain_prose_cue(context)


def test_cue_window_starts_at_a_character_no_cue_holds() -> None:
    context = "celkove naklady projektu, ktery byl realizovan v letech 2019 az 2021, cinily "
    window = amounts._cue_window(context)
    # the last character no cue holds before the last MAX_CUE_GAP_CHARS: the comma after "projektu"
    assert window == context.index(",")
    assert amounts._cue_window("kratky kontext ") == 0


def test_prose_cue_of_the_window_for_every_cue_at_every_distance() -> None:
    # cues straddling the last MAX_CUE_GAP_CHARS characters, and labels apart by a long run of tight signs
    keys = [*_CUE_KEYS, *(key.replace(" ", "\t") for key in _CUE_KEYS if " " in key),
            *(key.replace(" ", "\u00a0\n") for key in _CUE_KEYS if " " in key)]
    for key in keys:
        for before in ["", "x, ", "5 ", "ß "]:
            for after in ["", " ", " je ", ": ", " – ", " " * 38, " " * 45, ": " * 30, " 2019 ", " (x) ", ". Y "]:
                context = f"{before}{key}{after}"
                assert amounts._prose_cue(context) == _plain_prose_cue(context), context
