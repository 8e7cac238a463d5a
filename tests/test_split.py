import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.split import (
    _DAY,
    _is_day_number,
    _nlp,
    _trimmed_spans,
    _windows,
    sentence_spans,
    sentence_spans_of,
    split,
)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        # cs: legal forms, abbreviations and numeric dates do not end sentences
        ("Akce organizace SIMI z. s. proběhla 21. 9. 2021 v Praze. Další věta.", ["Akce organizace SIMI z. s. proběhla 21. 9. 2021 v Praze.", "Další věta."]),
        ("Tzv. fórum č. 5 se konalo. Bylo úspěšné.", ["Tzv. fórum č. 5 se konalo.", "Bylo úspěšné."]),
        ("Projekt trval 1. 4. 2012–31. 3. 2013. Skončil.", ["Projekt trval 1. 4. 2012–31. 3. 2013.", "Skončil."]),
        ("Seminář byl 27. února 2019 v Praze. Přišlo 40 lidí.", ["Seminář byl 27. února 2019 v Praze.", "Přišlo 40 lidí."]),
        ("Integrační centrum Praha o. p. s. pomáhá. Ano.", ["Integrační centrum Praha o. p. s. pomáhá.", "Ano."]),
        # sk
        ("Združenie o. z. a nadácia n. o. vyhlásili výzvu. Termín je 30. jún 2016.", ["Združenie o. z. a nadácia n. o. vyhlásili výzvu.", "Termín je 30. jún 2016."]),
        ("Stretnutie bude 7. júna 2016 o 10:30 hod. na ministerstve. Príďte.", ["Stretnutie bude 7. júna 2016 o 10:30 hod. na ministerstve.", "Príďte."]),
        # en
        ("The seminar took place e.g. in Prague. It was good.", ["The seminar took place e.g. in Prague.", "It was good."]),
        ('He said "Yes." Then he left.', ['He said "Yes."', "Then he left."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_key_value_lines_inline_and_below_label() -> None:
    text = "Title line\n\nOrganization name: CVEK\nAmount: 8 442 €\nProject promoter:\nAssociation for Integration and Migration\n"
    kv = [s for s in split(text, "en") if s.kind == "key_value"]
    assert [(s.label, text[s.value_start : s.end]) for s in kv] == [
        ("Organization name", "CVEK"),
        ("Amount", "8 442 €"),
        ("Project promoter", "Association for Integration and Migration"),
    ]


def test_title_and_bullets_under_label() -> None:
    text = "Výstupy z fóra\n\nPříjemci podpory:\n\n• Jihomoravský kraj.\n• Poradna pro integraci, z. ú.\n"
    segments = split(text, "cs")
    assert segments[0].kind == "title" and text[segments[0].start : segments[0].end] == "Výstupy z fóra"
    bullets = [s for s in segments if s.kind == "bullet"]
    assert [(s.label, text[s.start : s.end]) for s in bullets] == [
        ("Příjemci podpory", "Jihomoravský kraj."),
        ("Příjemci podpory", "Poradna pro integraci, z. ú."),
    ]


def test_wrapped_line_continues_paragraph() -> None:
    text = "Title\n\nCieľom projektu je posilniť kompetencie a zapojenia\nrôznych skupín do života komunít.\n"
    paragraphs = [s for s in split(text, "sk") if s.kind == "paragraph"]
    assert len(paragraphs) == 1
    assert text[paragraphs[0].start : paragraphs[0].end].endswith("komunít.")


def test_segments_have_language() -> None:
    text = "Title\n\nThe project aims to encourage municipalities and build their capacities in Slovakia.\n\nProjekt sa zameriava na integráciu cudzincov, ktorí žijú na Slovensku."
    paragraphs = [s for s in split(text, "en") if s.kind == "paragraph"]
    assert [p.language for p in paragraphs] == ["en", "sk"]


@pytest.mark.parametrize(
    "run",
    [
        "www.example.org/" + "(" * 3000,  # brackets the tokenizer would take off one at a time
        "https://example.org/" + "a/" * 200 + "Index.html",
        "-" * 5000,
    ],
)
def test_sentences_around_a_long_run_without_spaces(run: str) -> None:
    # the run stays in its sentence, and the sentences around it are found as without it
    text = f"První věta. Adresa je {run}. Druhá věta."
    assert sentences(text) == ["První věta.", f"Adresa je {run}.", "Druhá věta."]


def test_vocabulary_is_bounded_and_sentences_stay_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import split as split_module

    text = "Nadácia Pontis získala 8 442 € dne 21. 9. 2021. Projekt skončil 3. 4. 2022 v Žiline."
    before = sentences(text)
    monkeypatch.setattr(split_module, "MAX_VOCABULARY", len(split_module._nlp().vocab) + 5)
    for number in range(50):
        sentence_spans(f"Slovo{number} a číslo {number * 7919}. Další věta.")  # new strings every time
    assert len(split_module._nlp().vocab) <= split_module.MAX_VOCABULARY + 20
    assert sentences(text) == before


def sentences_of_whole_text(text: str) -> list[tuple[int, int]]:
    """The reference: the "report_sentences" component run on the whole (trimmed) text, read from doc.sents."""
    stripped = text.strip()
    if not stripped:
        return []
    lead = len(text) - len(text.lstrip())
    return _trimmed_spans(text, [lead + sentence.start_char for sentence in _nlp()(stripped).sents])


# pieces that exercise every rule: sentence marks, closing marks, abbreviations, legal forms, numeric
# dates, line breaks, runs of white space
SENTENCE_PIECES = st.sampled_from(
    [".", "!", "?", "…", "?!", "...", '"', "'", ")", "]", "(", "„", "“", " ", " ", "  ", "\n", " \n", "\n\n", "\t",
     "a", "Ab", "slovo", "Praha", "ŽENA", "1", "21", "2021", "9.", "21.", "z. s.", "o.p.s.", "e.g.", "tzv.", "č.",
     "www.x.cz", "ň"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(SENTENCE_PIECES, max_size=40).map("".join))
def test_sentences_equal_those_of_the_whole_text_tokenized(text: str) -> None:
    # sentence_spans tokenizes only the stretches where a sentence can start; the result must be
    # what tokenizing everything gives
    assert sentence_spans(text) == sentences_of_whole_text(text)


def test_texts_split_together_equal_texts_split_alone() -> None:
    texts = ["První věta. Druhá věta.", "", "   ", "Bez konce", "Řádek\nDalší řádek. A pak 21. 9. 2021 nic.", "a. B"]
    assert sentence_spans_of(texts) == [sentences_of_whole_text(text) for text in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(SENTENCE_PIECES | st.text(min_size=1, max_size=6), max_size=30).map("".join))
def test_token_flags_equal_those_of_spacys_full_vocabulary(text: str) -> None:
    # the pipeline's vocabulary works out only the flags the rules read: they must be spaCy's own
    from spacy.attrs import IS_LOWER, IS_SPACE, LIKE_NUM, ORTH

    attributes = [ORTH, IS_LOWER, IS_SPACE, LIKE_NUM]
    ours, stock = _nlp().tokenizer(text), _stock_tokenizer()(text)
    assert ours.to_array(attributes).tolist() == stock.to_array(attributes).tolist()


@cache
def _stock_tokenizer():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.blank("xx").tokenizer


@given(st.text(alphabet=st.sampled_from("0123456789١٣ 1a.–-/ž"), max_size=12))
def test_day_number_check_equals_the_day_pattern(word: str) -> None:
    assert _is_day_number(word) == (_DAY.search(word) is not None)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(SENTENCE_PIECES, max_size=20).map("".join), min_size=1, max_size=6))
def test_texts_split_together_equal_each_text_tokenized_whole(texts: list[str]) -> None:
    # the windows of all texts are tokenized in one call and read by one pass of the rules
    assert sentence_spans_of(texts) == [sentences_of_whole_text(text) for text in texts]


def reference_windows(text: str) -> list[tuple[int, int]]:
    """The windows found the plain way: every sentence-final mark and line break, in text order, each
    adding its chunk (or the chunk before the line break) and the chunk after; overlapping ones merged."""
    windows: list[list[int]] = []
    for mark in re.finditer(r"[.!?…\n]", text):
        position = mark.start()
        if text[position] == "\n":
            after = re.compile(r"\s+(\S+)").match(text, position)
            if after is None:
                continue
            before = re.search(r"\S+\s*\Z", text[:position])
            start, end = (before.start() if before else after.start(1)), after.end()
        else:
            after = re.compile(r"\S*(?:\s+\S+)?").match(text, position)
            end = after.end()
            if end == position + 1:
                continue
            start = re.search(r"\S*\Z", text[:position]).start()
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [(start, end) for start, end in windows]


@settings(max_examples=400, deadline=None)
@given(st.lists(SENTENCE_PIECES, max_size=40).map("".join))
def test_windows_equal_those_found_mark_by_mark(text: str) -> None:
    assert _windows(text) == reference_windows(text)


@cache
def _stock_affixes():  # type: ignore[no-untyped-def]
    import spacy

    tokenizer = spacy.blank("xx").tokenizer
    return tokenizer.suffix_search, tokenizer.infix_finditer


def _our_affixes():  # type: ignore[no-untyped-def]
    tokenizer = _nlp().tokenizer
    return tokenizer.suffix_search, tokenizer.infix_finditer


def assert_affixes_found_as_spacy_finds_them(text: str) -> None:
    (suffix, infixes), (stock_suffix, stock_infixes) = _our_affixes(), _stock_affixes()
    ours, stock = suffix(text), stock_suffix(text)
    assert (ours and ours.span()) == (stock and stock.span()), text
    assert [match.span() for match in infixes(text)] == [match.span() for match in stock_infixes(text)], text


# every one-character suffix, the suffixes of several characters, infixes, and what their look-behinds
# and look-aheads read
AFFIX_PIECES = st.sampled_from(
    [*"…,:;!?¿()[]{}<>_#*&。？！，、；：～·।،۔؛٪'\"”“`‘´’‚„»«「」『』（）〔〕【】《》〈〉⟦⟧—–", "……", "...", "'s", "’S", "+",
     "°C.", "$", "US$", "€", "km", "m²", "%", "1", "2021", "a", "Ab", "ŽENA", "slovo", ".", "©", "\n", "-", "--", "ž",
     "^", "/", "=", "~", "ё", "Я", "\U0001F600", "\U0001EE00", "\U00020000", "ﬀ", "Ⅻ"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(AFFIX_PIECES, max_size=7).map("".join))
def test_affix_searches_find_what_spacys_find(text: str) -> None:
    assert_affixes_found_as_spacy_finds_them(text)


def test_affix_searches_read_every_character_as_spacys_do() -> None:
    # the sets of one character were listed for the Basic Multilingual Plane: every character is tried
    # alone, after a letter and a digit, and before a letter
    for code_point in [*range(0x10000), *range(0x10000, 0x110000, 97)]:
        character = chr(code_point)
        for text in (character, f"a{character}", f"1{character}", f"{character}A", f"a{character}b"):
            assert_affixes_found_as_spacy_finds_them(text)
