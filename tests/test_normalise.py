"""Tests for pipeline.normalise: character clean-up, mojibake, furniture lines and the offset map."""

from __future__ import annotations

import sys
import unicodedata

import ftfy.bad_codecs  # noqa: F401  (the sloppy-windows-125x codecs used to make mojibake)
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.lexicon import LexiconError, load_data
from pipeline.normalise import (
    BULLET,
    NormalisedText,
    build_furniture_rules,
    fold,
    furniture_rules,
    normalise,
)


def assert_offsets_consistent(raw: str, result: NormalisedText) -> None:
    offsets = list(result.raw_offsets)
    assert len(offsets) == len(result.text) + 1
    assert all(a <= b for a, b in zip(offsets, offsets[1:]))
    assert all(0 <= offset <= len(raw) for offset in offsets)


# --- line ends ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\rb", "a\n\nb"),
        ("a\u2028b", "a\nb"),
        ("a\u2029b", "a\nb"),
        ("a\x0cb", "a\nb"),
        ("a\r\n\r\n\r\n\r\nb", "a\n\nb"),
        ("a\n\n\nb", "a\n\nb"),
        ("a\n \n\t\n\u00a0\nb", "a\n\nb"),
        ("\n\n  \na\n\n", "a"),
        ("a\nb", "a\nb"),
    ],
)
def test_line_ends_and_blank_lines(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


# --- spaces, invisible characters, quotes ---------------------------------------------------------

SPACE_CHARACTERS = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Zs"]


@pytest.mark.parametrize("space", SPACE_CHARACTERS + ["\t"], ids=lambda char: f"U+{ord(char):04X}")
def test_every_space_character_becomes_ascii_space(space: str) -> None:
    assert normalise(f"8{space}442{space}€").text == "8 442 €"


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e", "\x07", "\x85"]
)
def test_invisible_characters_are_removed(invisible: str) -> None:
    result = normalise(f"Nad{invisible}ácia")
    assert result.text == "Nadácia"
    assert result.to_raw(3) == 4  # "á" still points at its raw position


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("\u201eInBáze\u201c", '"InBáze"'),  # cs/sk low-high quotes
        ("\u201cWorking\u201d", '"Working"'),
        ("\u00abAhoj\u00bb", '"Ahoj"'),
        ("\u201aa\u2018", "'a'"),
        ("it\u2019s", "it's"),
        ("5\u2032 6\u2033", "5' 6\""),
        ("\u2039x\u203a", "'x'"),
    ],
)
def test_quotes_are_straightened(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_dashes_are_kept() -> None:
    assert normalise("1. 4. 2012–31. 3. 2013 — a - b").text == "1. 4. 2012–31. 3. 2013 — a - b"


# --- NFC ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Zuzana S\u030ctevulova\u0301", "Zuzana Števulová"),
        ("Pr\u030ci\u0301jemce", "Příjemce"),
        ("Z\u030cadatel", "Žadatel"),
        ("l\u030cudia", "ľudia"),
        ("Nadác\u030cia", "Nadáčia"),
    ],
)
def test_nfc(raw: str, expected: str) -> None:
    result = normalise(raw)
    assert result.text == unicodedata.normalize("NFC", expected)
    assert unicodedata.is_normalized("NFC", result.text)


def test_composed_character_maps_to_its_base_and_spans_cover_the_accent() -> None:
    raw = "Pr\u030ci\u0301jemce"
    result = normalise(raw)
    assert result.text == "Příjemce"
    assert [result.to_raw(i) for i in range(4)] == [0, 1, 3, 5]
    start, end = result.raw_span(1, 3)
    assert raw[start:end] == "r\u030ci\u0301"


def test_zero_width_space_between_letter_and_accent_does_not_block_composition() -> None:
    assert normalise("e\u200b\u0301").text == "é"


# --- bullets --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bullet", ["•", "●", "▪", "◦", "‣", "∙", "·", "-", "*", "–", "\uf0b7"])
def test_bullets_at_line_start_are_unified(bullet: str) -> None:
    assert normalise(f"Typy:\n  {bullet}  poradenské služby\n\t{bullet} kurzy").text == (
        f"Typy:\n{BULLET} poradenské služby\n{BULLET} kurzy"
    )


@pytest.mark.parametrize(
    "raw",
    ["-5 %", "2019-2020", "*emphasis*", "a - b", "—citát"],
)
def test_not_bullets(raw: str) -> None:
    assert normalise(raw).text == raw


def test_bullet_maps_to_the_raw_bullet() -> None:
    raw = "x\n    • Liga za ľudské práva"
    result = normalise(raw)
    assert result.text == "x\n• Liga za ľudské práva"
    assert raw[result.to_raw(2)] == "•"
    start, end = result.raw_span(4, len(result.text))
    assert raw[start:end] == "Liga za ľudské práva"


def test_trailing_spaces_are_removed_and_indentation_of_other_lines_kept() -> None:
    assert normalise("Realizace:   \n   odsazeno  \t").text == "Realizace:\n   odsazeno"


# --- mojibake -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        # cs: UTF-8 read as Windows-1250 and as Windows-1252
        ("PĹ™Ă\u00adjemce podpory", "Příjemce podpory"),
        ("ĂšspÄ›ĹˇnĂˇ integrace migrantĹŻ", "Úspěšná integrace migrantů"),
        ("PÅ™Ã\u00adjemce: SdruÅ¾enÃ\u00ad pro integraci", "Příjemce: Sdružení pro integraci"),
        ("Výše grantu: 8 442 â‚¬", "Výše grantu: 8 442 €"),
        # sk
        ("Ãºspech projektu", "úspech projektu"),
        ("ÃšspeÅ¡nÃ¡ integrÃ¡cia", "Úspešná integrácia"),
        ("Liga za Ä¾udskÃ© prÃ¡va", "Liga za ľudské práva"),
        ("PrijĂ­mateÄľ: NadĂˇcia", "Prijímateľ: Nadácia"),
        # en with mojibake punctuation
        ("â€žExchange of good practiceâ€œ", '"Exchange of good practice"'),
    ],
)
def test_mojibake_is_repaired(raw: str, expected: str) -> None:
    result = normalise(raw)
    assert result.text == expected
    assert_offsets_consistent(raw, result)


def test_mojibake_offsets_point_at_the_misread_bytes() -> None:
    raw = "Projekt\nPĹ™Ă\u00adjemce podpory"
    result = normalise(raw)
    assert result.text == "Projekt\nPříjemce podpory"
    word_start = result.text.index("Příjemce")
    start, end = result.raw_span(word_start, word_start + len("Příjemce"))
    assert raw[start:end] == "PĹ™Ă\u00adjemce"
    assert raw[result.to_raw(result.text.index("podpory")) :] == "podpory"


MOJIBAKE_DOCUMENTS = {
    "cs": "Příjemce: Sdružení pro integraci a migraci\n\nVýše grantu: 1,5 mil. Kč\nŽluťoučký kůň úpěl ďábelské ódy – stažení",
    "sk": "Prijímateľ: Liga za ľudské práva\n  • Výška grantu: 8.442,00 €\nŠťastie, päť dôvodov, vŕba, kĺb, Ľubochňa",
    "en": "The project \u201cExchange of good practice\u201d ran from October 2018 \u2013 May 2019 in Bergen",
}


@pytest.mark.parametrize("language", sorted(MOJIBAKE_DOCUMENTS))
@pytest.mark.parametrize("codec", ["sloppy-windows-1250", "sloppy-windows-1252", "latin-1"])
def test_misread_document_is_repaired_with_exact_spans(language: str, codec: str) -> None:
    original = MOJIBAKE_DOCUMENTS[language]
    misread = original.encode("utf-8").decode(codec)
    result = normalise(misread)
    assert result.text == normalise(original).text
    for index, char in enumerate(result.text):
        if not char.isascii() and char.isalpha():
            start, end = result.raw_span(index, index + 1)
            assert misread[start:end].encode(codec).decode("utf-8") == char


@pytest.mark.parametrize(
    "text",
    [
        "Těžký úkol, píše níže, pěšky",  # cs pairs that look like lead + continuation bytes
        "Ďakujeme, že ste prišli, ľudia",
        "Naïve café, Ärger über Öl",
        "Zuzana Števulová, Liga za ľudské práva",
    ],
)
def test_genuine_text_is_not_repaired(text: str) -> None:
    assert normalise(text).text == text


# --- furniture ------------------------------------------------------------------------------------

FURNITURE_EN = [
    "Scroll to top",
    "Back to top",
    "Skip to content",
    "Entire text Less text",
    "Entire text",
    "Less text",
    "Menu",
    "Share",
    "EEA Grants and Norway Grants - logo",
    "Logo EEA_smallLogo OSF",
    "visegrad logo printscreen",
    "This website uses cookies to improve your experience. By continuing you agree.",
    "©",
    "© 2021",
    "erasmus_1603208363.jpg",
    "IMG 0042.JPG",
    "Read more →",
    "Follow us on Facebook",
]
FURNITURE_CS = [
    "Přeskočit na obsah",
    "Nahoru",
    "nahoru",
    "Sdílet",
    "Zvolte si oblast:",
    "Celý text",
    "Loga partnerů",
    "Tento web používá soubory cookies. Více informací.",
    "Sdílejte na Facebooku",
]
FURNITURE_SK = [
    "Prejsť na obsah",
    "Preskočiť na obsah",
    "hore",
    "Zdieľať",
    "Menu",
    "Prejsť na výzvu →",
    "Ak Vás článok zaujal, zazdieľajte ho na Facebook-u:",
    "Táto stránka používa súbory cookies.",
    "Vyberte si oblasť:",
]


@pytest.mark.parametrize("line", FURNITURE_EN, ids=lambda line: f"en:{line}")
def test_furniture_en(line: str) -> None:
    assert normalise(f"Title\n\n{line}\n\nBody text.").text == "Title\n\nBody text."


@pytest.mark.parametrize("line", FURNITURE_CS, ids=lambda line: f"cs:{line}")
def test_furniture_cs(line: str) -> None:
    assert normalise(f"Název\n{line}\nText.").text == "Název\nText."


@pytest.mark.parametrize("line", FURNITURE_SK, ids=lambda line: f"sk:{line}")
def test_furniture_sk(line: str) -> None:
    assert normalise(f"  {line}  \nText.").text == "Text."


CONTENT_LINES = [
    # en
    "The logo was designed by students of the academy.",
    "Share of migrants in the region grew to 5 %.",
    "Menu of services for foreigners",
    "220513 visegrad 2x1 tinyfied",
    "Platforms such as Facebook are used by migrants.",
    "Copyright © 2020 Člověk v tísni",
    # cs
    "Soutěž o nové logo Integračního centra Praha",
    "Nahoru a dolů: vývoj počtu cizinců v letech 2015-2020",
    "Sdílet zkušenosti s kolegy z Norska je cílem projektu.",
    "Více informací: info@example.org",
    # sk
    "Hore uvedené aktivity realizuje Liga za ľudské práva.",
    "Projekt podporilo logo a vizuálnu identitu mesta Mechelen ako partnera.",
    "Zdieľať know-how s partnermi z Nórska je cieľom fondu.",
]


@pytest.mark.parametrize("line", CONTENT_LINES)
def test_content_lines_are_kept(line: str) -> None:
    assert normalise(line).text == line


def test_removed_lines_are_reported_with_raw_spans() -> None:
    raw = "Scroll to top\nText.\nLogo EEA_smallLogo OSF"
    result = normalise(raw)
    assert result.text == "Text."
    assert [(raw[r.start : r.end], r.rule) for r in result.removed] == [
        ("Scroll to top", "furniture.phrase"),
        ("Logo EEA_smallLogo OSF", "furniture.logo"),
    ]
    assert result.to_raw(0) == raw.index("Text.")


@pytest.mark.parametrize(
    "text,expected",
    [("Přeskočit na obsah:", "preskocit na obsah"), ("  Prejsť  na—obsah → ", "prejst na obsah"), ("©", "")],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_boilerplate_data_loads_and_covers_three_languages() -> None:
    data = load_data("boilerplate")
    assert {"common", "cs", "sk", "en"} <= set(data)
    rules = furniture_rules()
    assert {"preskocit na obsah", "prejst na obsah", "skip to content"} <= rules.phrases


@pytest.mark.parametrize(
    "broken,message",
    [
        ({"common": {}}, "no language table"),
        ({"cs": {"lines": ["Menu"]}}, "missing table [common]"),
        ("lines", "[cs] lines"),
        ("max_caption_words", "[common] max_caption_words"),
    ],
)
def test_malformed_boilerplate_data_names_the_key(broken: object, message: str) -> None:
    data = {key: dict(value) for key, value in load_data("boilerplate").items()}
    if isinstance(broken, dict):
        data = broken
    elif broken == "lines":
        data["cs"]["lines"] = ["Menu", ""]
    else:
        data["common"][str(broken)] = "eight"
    with pytest.raises(LexiconError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_furniture_rules(data)


# --- offsets and whole documents ------------------------------------------------------------------


def test_offset_map_on_a_document() -> None:
    raw = "Title\r\n\r\n\r\nScroll to top\r\n  • Amount:\u00a08\u00a0442\u00a0€  \r\n"
    result = normalise(raw)
    assert result.text == "Title\n\n• Amount: 8 442 €"
    assert_offsets_consistent(raw, result)
    start = result.text.index("8 442 €")
    raw_start, raw_end = result.raw_span(start, start + len("8 442 €"))
    assert raw[raw_start:raw_end] == "8\u00a0442\u00a0€"
    assert result.to_raw(len(result.text)) == raw.index("€") + 1  # trailing blanks not included


def test_empty_and_furniture_only_text() -> None:
    assert normalise("").text == ""
    assert list(normalise("").raw_offsets) == [0]
    assert normalise("Menu\n\nScroll to top\n").text == ""


@pytest.mark.parametrize(
    "raw,expected",
    [("Ã©\ud800x", "éx"), ("\ud800Ã©", "é"), ("a\udc80\nb", "a\nb")],
)
def test_lone_surrogates_are_removed(raw: str, expected: str) -> None:
    result = normalise(raw)
    assert result.text == expected
    assert_offsets_consistent(raw, result)
    assert normalise(result.text).text == result.text


def test_to_raw_rejects_offsets_outside_the_text() -> None:
    result = normalise("abc")
    with pytest.raises(IndexError):
        result.to_raw(4)
    with pytest.raises(IndexError):
        result.to_raw(-1)


def test_an_unchanged_document_is_one_run() -> None:
    result = normalise("Line one\nLine two\n\nLine three")
    assert result.raw_offsets.starts == (0,)
    assert list(result.raw_offsets) == list(range(len(result.text) + 1))


# --- properties -----------------------------------------------------------------------------------

# Arbitrary Unicode, plus text built from the characters the rules act on, so that examples hit them.
INTERESTING = list(
    "aáčěřšžľôÁŠ \u00a0\u2009\u202f\t\n\r\u2028\u200b\u00ad\ufeff„“”«»‚‘’•·-–*e\u0301\u030c"
    "ĂĹÃÅÄâ€™ˇ©®Š\x85\x00"
) + ["\r\n", "Menu", "logo", "Scroll to top", "PĹ™Ă\u00adjemce", "Ãºspech", ".jpg", " → "]
CZECH_SLOVAK = "aáäbcčdďeéěfghiíjklĺľmnňoóôpqrŕřsštťuúůvwxyýzžAÁČĎÉĚÍĽŇÓŘŠŤÚŮÝŽ .,:-–„“€\n\u00a0"
# Czech/Slovak text in UTF-8 misread as a single-byte code page.
mojibake = st.builds(
    lambda text, codec: text.encode("utf-8").decode(codec, errors="replace"),
    st.text(alphabet=CZECH_SLOVAK, max_size=80),
    st.sampled_from(["cp1250", "cp1252", "latin-1"]),
)
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8")),
    st.lists(st.sampled_from(INTERESTING), max_size=60).map("".join),
    mojibake,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_properties_on_arbitrary_text(raw: str) -> None:
    result = normalise(raw)
    assert_offsets_consistent(raw, result)
    assert normalise(result.text).text == result.text
    assert unicodedata.is_normalized("NFC", result.text)
    assert "\r" not in result.text and "\t" not in result.text and "\u00a0" not in result.text
    assert "\n\n\n" not in result.text
    assert result.text == result.text.strip("\n")
    assert all(line == line.rstrip(" ") for line in result.text.split("\n"))


# --- the plain path against the general one --------------------------------------------------------

from pipeline import normalise as normalise_module  # noqa: E402

_PIECES = [
    "a", "Zá", "ř", "ěš", " ", "  ", "\t", "\u00a0", "\u2003", "\u201e", "\u201c", "\u2019", "\u00ab", "•", "* ", "- ",
    "– ", "\uf0b7 ", " ● ", "·", ".", "!", "Menu", "Přeskočit na obsah", "© 2020", "logo.jpg", "IMG 0042.JPG",
    "Sdílet na Facebooku", "Tento web používá cookies.", "Logo EEA Grants", "Více →", "→", "x" * 40,
]
_BREAKS = ["\n", "\n", "\n", "\r\n", "\r", "\u2028", "\x0c", "\x0b"]


def _plain_texts() -> st.SearchStrategy[str]:
    line = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
    pairs = st.lists(st.tuples(line, st.sampled_from(_BREAKS)), max_size=12)
    return pairs.map(lambda items: "".join(text + end for text, end in items))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_plain_texts() | st.text(alphabet=st.sampled_from(list(" \t\n\r\u2028•*-–ažŽ\u00a0\u201e\u201c'\"©.→")), max_size=60))
def test_plain_path_matches_the_general_path(raw: str) -> None:
    if normalise_module._REMOVED_RE.search(raw) or normalise_module._MOJIBAKE_RE.search(raw):
        return
    assert normalise(raw) == normalise_module._normalise_lines(raw, False)


def test_every_removed_character_is_unprintable() -> None:
    # the plain path looks for invisible characters only in lines that are not printable
    removed = [chr(code) for code in range(sys.maxunicode + 1) if normalise_module._REMOVED_RE.match(chr(code))]
    assert removed and not any(char.isprintable() for char in removed)


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("aAz čďěňřšťžůúýáíóľĺôäŕ \u034f\u0301\u0308\u0327.-_")), max_size=12)
    | st.text(alphabet=st.sampled_from(list("aZ čžÇñØßłİ\u034f\u0301·-_.,€")) | st.characters(), max_size=30)
)
@example(text="Pr\u034fe")
def test_fold_strips_diacritics_as_the_shared_helper(text: str) -> None:
    from pipeline.folding import strip_diacritics

    folded = text.casefold()
    assert normalise_module._strip_diacritics(folded) == strip_diacritics(folded)
    assert fold(text) == " ".join(normalise_module._FOLD_SPLIT_RE.split(strip_diacritics(folded))).strip()


def reference_fold(text: str) -> str:
    """``fold`` the plain way: case folded, every combining mark dropped after decomposition, runs of
    characters that are no letter or digit made one space."""
    from pipeline.folding import strip_diacritics

    return normalise_module._FOLD_SPLIT_RE.sub(" ", strip_diacritics(text.casefold())).strip()


def test_fold_of_every_bmp_character_equals_the_plain_fold() -> None:
    # the fast paths hold for ASCII and for Latin letters with Latin marks: every character is tried
    # between ASCII letters and between Latin letters, and beside separators
    for code_point in range(0x10000):
        character = chr(code_point)
        for text in (f"a{character}b_{character}", f"ř{character}é.{character}"):
            assert fold(text) == reference_fold(text), hex(code_point)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ čžÇñØßłİſK\u212a\u034f\u0301\u0340·-_.,€ \t\u037e")), max_size=20))
def test_fold_equals_the_plain_fold(text: str) -> None:
    assert fold(text) == reference_fold(text)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*normalise_module._MOJIBAKE_LEADS[::3], *normalise_module._MOJIBAKE_CONTINUATIONS[::7], "a", "ř", " ", "ď", "Ď"]
        ),
        max_size=12,
    )
)
def test_mojibake_found_lead_by_lead_as_by_one_search(text: str) -> None:
    assert normalise_module._has_mojibake(text) == (normalise_module._MOJIBAKE_RE.search(text) is not None)


def test_every_mojibake_pair_is_found_lead_by_lead() -> None:
    for lead in normalise_module._MOJIBAKE_LEADS:
        for continuation in normalise_module._MOJIBAKE_CONTINUATIONS:
            assert normalise_module._has_mojibake(f"ab{lead}{continuation}c")
        assert not normalise_module._has_mojibake(f"{lead}a{lead}")
