import re
import sys
from dataclasses import replace
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import language
from pipeline.language import TextScores, detect, detect_document, detect_segment, language_data


@pytest.mark.parametrize(
    "text,expected",
    [
        # cs
        ("Projekt se zaměřuje na integraci cizinců, kteří žijí v České republice již několik let.", "cs"),
        ("V rámci projektu ve spolupráci s partnerskými organizacemi ICP poskytovalo tyto služby.", "cs"),
        ("Integrační centrum Praha o. p. s. je organizace, která pomáhá cizincům při řešení problémů.", "cs"),
        # sk
        ("Projekt sa zameriava na integráciu cudzincov, ktorí žijú na Slovensku už niekoľko rokov.", "sk"),
        ("Ďakujeme Visegrad fondu za podporu nášho projektu dlhodobej pomoci ľuďom v núdzi.", "sk"),
        ("Cieľom projektu je posilniť kompetencie samospráv v oblasti integrácie migrantov.", "sk"),
        # en
        ("The project aims to encourage municipalities and build their capacities in the field of inclusion.", "en"),
        ("Projekt realizujeme: the aim of the project was to increase the knowledge of the staff.", "en"),
        # other languages keep their own code
        ("Dies ist ein deutscher Text über die Integration von Migranten in Bayern und in der Stadt.", "de"),
    ],
)
def test_detect_document(text: str, expected: str) -> None:
    assert detect_document(text) == expected


def test_czech_text_with_slovak_looking_names_stays_czech() -> None:
    text = "Realizace: Integrační centrum Praha o.p.s., Poradna pro integraci z.s. a další organizace, které jsou členy platformy."
    assert detect_document(text) == "cs"


@pytest.mark.parametrize("text", ["", "Bilaterálny fond", "CZ03-0097", "€ 36,331"])
def test_short_text_is_undecided(text: str) -> None:
    assert detect(text) is None


def test_short_segment_takes_document_language() -> None:
    assert detect_segment("Bilaterálny fond", "en") == "en"


def test_detection_is_deterministic() -> None:
    text = "Ein kurzer deutscher Satz über Migration und Integration in der Region."
    assert {detect_document(text) for _ in range(5)} == {detect_document(text)}


def test_language_data_has_disjoint_czech_and_slovak_words() -> None:
    data = language_data()
    by_code = {p.code: p for p in data.profiles}
    assert not by_code["cs"].words & by_code["sk"].words


# Function words here are all shared by Czech and Slovak (a, v, na): the counts cannot tell them apart.
UNDECIDED_SLOVAK = "Migranti a azylanti v regiónoch a v mestách"
UNDECIDED_CZECH = "Program pro migranty a v regionu a na jihu"


@pytest.mark.parametrize("text", [UNDECIDED_SLOVAK, UNDECIDED_CZECH])
@pytest.mark.parametrize("document_language", ["cs", "sk"])
def test_segment_that_words_cannot_place_keeps_czech_or_slovak_document_language(text: str, document_language: str) -> None:
    assert detect_segment(text, document_language) == document_language


@pytest.mark.parametrize("text,expected", [(UNDECIDED_SLOVAK, "sk"), (UNDECIDED_CZECH, "cs")])
def test_segment_of_other_document_is_placed_by_lingua(text: str, expected: str) -> None:
    assert detect_segment(text, "en") == expected


def test_segment_that_words_place_keeps_its_own_language() -> None:
    assert detect_segment("Projekt sa zameriava na integráciu cudzincov, ktorí žijú na Slovensku.", "cs") == "sk"


# --- TextScores against counting each span alone ---------------------------------------------------


def reference_scores(text: str, data: language.LanguageData) -> tuple[dict[str, int], int]:
    """The counts of ``text`` made the plain way: every word looked up, every marker letter counted."""
    scores = {code: 0 for code in (*(p.code for p in data.profiles), "slavic")}
    words = re.findall(r"[^\W\d_]+", text)
    for word in words:
        for key in data.score_keys.get(word.lower(), ()):
            scores[key] += 1
    for code, letter in data.marker_letters:
        scores[code] += text.count(letter)
    return scores, len(words)


# function words in several cases, marker letters, and characters that end or split words
SCORE_PIECES = st.sampled_from(
    ["a", "A", "v", "na", "Na", "NA", "the", "The", "je", "sa", "že", "by", "aby", "ktorý", "který", "and", "of",
     "ě", "Ř", "ů", "ä", "ô", "Ľ", "ia", "iaia", "slovo", "Praha", " ", "  ", "\n", ".", ",", "1", "21", "_", "²", "İ",
     "Σ", "ß", "-", "𝐀", "😀", "\u00a0", "ǅ"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(SCORE_PIECES, max_size=30).map("".join), st.data())
def test_span_scores_equal_counting_the_span_alone(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    counted = TextScores(text)
    expected = reference_scores(text[start:end], language.language_data())
    assert counted.scores(start, end) == expected
    scores, words = expected
    assert counted.span_counts(start, end) == (words, scores["cs"], scores["sk"], scores["slavic"], scores["en"])
    assert counted.span_counts(start, end, words) == counted.span_counts(start, end)
    assert counted.span_counts(start, end, words + 1) is None


def with_long_marker_strings() -> language.LanguageData:
    # "ia" and "iaia" can overlap: str.count counts them from the span's start
    data = language.language_data()
    return replace(data, marker_letters=(*data.marker_letters, ("sk", "ia"), ("sk", "iaia"), ("cs", "ě ")))


@settings(max_examples=150, deadline=None)
@given(st.lists(SCORE_PIECES, max_size=30).map("".join), st.data())
def test_span_scores_with_marker_strings_of_several_characters(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    patched = with_long_marker_strings()
    with mock.patch.object(language, "language_data", lambda: patched):
        counted = TextScores(text)
        scores, words = reference_scores(text[start:end], patched)
        assert counted.scores(start, end) == (scores, words)
        assert counted.span_counts(start, end) == (words, scores["cs"], scores["sk"], scores["slavic"], scores["en"])


def test_lower_casing_keeps_letters_letters() -> None:
    # TextScores cuts the lower-cased text into words where lower-casing maps each character to one:
    # the words must be where they are in the text itself
    letter = re.compile(r"[^\W\d_]")
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        lowered = character.lower()
        if len(lowered) == 1:
            assert (letter.match(character) is None) == (letter.match(lowered) is None), hex(code_point)


@pytest.mark.parametrize("text", ["ΟΔΟΣ.Α a", "İstanbul a v na", "ΣΑ v Σ", "The İ and the A"])
def test_texts_whose_lower_case_form_differs_in_length_or_by_context(text: str) -> None:
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert TextScores(text).scores(start, end) == reference_scores(text[start:end], language.language_data())


def test_bmp_word_pattern_reads_letters_as_the_word_pattern_does() -> None:
    pattern = language._bmp_word_pieces()
    for code_point in range(0x10000):
        character = chr(code_point)
        assert pattern.split(character) == language._WORD_PIECES.split(character), hex(code_point)


def word_spans(text: str) -> tuple[list[int], list[int]]:
    """The reference: the starts and ends of ``_WORD_PIECES``'s matches."""
    spans = [match.span() for match in language._WORD_PIECES.finditer(text)]
    return [start for start, _ in spans], [end for _, end in spans]


def test_word_bounds_read_each_bmp_character_as_the_word_pattern_does() -> None:
    for code_point in range(0x10000):
        text = f"{chr(code_point)}a{chr(code_point)} {chr(code_point)}"
        assert language._word_bounds(text) == word_spans(text), hex(code_point)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.lists(SCORE_PIECES, max_size=30).map("".join))
def test_word_bounds_equal_the_word_pattern_within_the_bmp(text: str) -> None:
    bounds = language._word_bounds(text)
    if any(ord(character) > 0xFFFF for character in text):
        assert bounds is None
    else:
        assert bounds == word_spans(text)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "č", " ", "1", "_", "\n", "."]), min_size=1, max_size=12), st.data())
def test_word_bounds_of_texts_longer_than_one_block(unit: list[str], data: st.DataObject) -> None:
    # texts are read a block at a time: words across a block's edge, and at the text's ends, must not split
    pattern = "".join(unit)
    length = data.draw(st.integers(language._BOUNDS_BLOCK - 2, 3 * language._BOUNDS_BLOCK + 2))
    text = (pattern * (length // len(pattern) + 1))[:length]
    assert language._word_bounds(text) == word_spans(text)


def test_word_arrays_give_each_word_its_first_code_unit() -> None:
    # the first letters are read block by block: a word across a block's edge starts in the block before
    block = language._BOUNDS_BLOCK
    text = "ab " * (block // 3) + "čx" + "y" * (block + 5) + " Ž " + "1 é" * 7
    arrays = language._word_arrays(text)
    assert arrays is not None
    starts, _ = language._word_bounds(text)
    assert arrays.first_units.tolist() == [ord(text[start]) for start in starts]


# words in several cases, and letters whose lower case is an ASCII letter (the Kelvin sign is "k")
KEY_CASES = st.sampled_from([str.lower, str.upper, str.title, lambda word: word.replace("k", "\u212a")])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(language.language_data().score_keys)), KEY_CASES).map(lambda p: p[1](p[0]))
        | SCORE_PIECES,
        max_size=20,
    ).map(" ".join)
)
def test_words_looked_up_include_every_function_word(text: str) -> None:
    # only the words of a function word's length and first letter are looked up: none may be missed
    starts, ends, keyed_starts, keyed_words = language._words(text)
    function_words = [
        (start, text[start:end].lower())
        for start, end in zip(starts, ends)
        if text[start:end].lower() in language.language_data().score_keys
    ]
    looked_up = dict(zip(keyed_starts, keyed_words))
    assert all(looked_up.get(start) == word for start, word in function_words)
