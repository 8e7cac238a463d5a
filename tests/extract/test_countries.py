"""Country extraction: names in every case, abbreviations, and what is not a country, per language."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import countries as countries_module
from pipeline.extract.countries import compile_country_data, country_code, extract_countries
from pipeline.extract.phrases import leftmost_matches
from pipeline.lexicon import LexiconError, load_data


def _found(text: str, language: str) -> list[tuple[str, str]]:
    return [(mention.value, mention.evidence.text) for mention in extract_countries(text, language)]


# --- Czech ----------------------------------------------------------------------------------------------

CS_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Spolupráce s Norskem a Islandem.", [("NO", "Norskem"), ("IS", "Islandem")]),
    ("Fondy EHP a Norska", [("NO", "Norska")]),
    ("Projekt v Norsku.", [("NO", "Norsku")]),
    ("Norsko je dárcem.", [("NO", "Norsko")]),
    ("Česko, Česka, Česku, Českem", [("CZ", "Česko"), ("CZ", "Česka"), ("CZ", "Česku"), ("CZ", "Českem")]),
    ("Česká republika přijala", [("CZ", "Česká republika")]),
    ("občané České republiky", [("CZ", "České republiky")]),
    ("v České republice", [("CZ", "České republice")]),
    ("spolupráce s Českou republikou", [("CZ", "Českou republikou")]),
    ("Policie ČR a MV ČR", [("CZ", "ČR"), ("CZ", "ČR")]),
    ("Velvyslanectví SR v Praze", [("SK", "SR")]),
    ("ze Slovenska a ze Slovenské republiky", [("SK", "Slovenska"), ("SK", "Slovenské republiky")]),
    ("partneři z Belgie, v Belgii, s Belgií", [("BE", "Belgie"), ("BE", "Belgii"), ("BE", "Belgií")]),
    ("v Německu a Rakousku", [("DE", "Německu"), ("AT", "Rakousku")]),
    ("Polsko, Maďarsko", [("PL", "Polsko"), ("HU", "Maďarsko")]),
    ("uprchlíci z Ukrajiny", [("UA", "Ukrajiny")]),
    ("pomoc Ukrajině a s Ukrajinou", [("UA", "Ukrajině"), ("UA", "Ukrajinou")]),
    ("ve Spojených státech amerických", [("US", "Spojených státech amerických")]),
    ("do Spojených států", [("US", "Spojených států")]),
    ("Spolkové republiky Německo", [("DE", "Spolkové republiky Německo")]),
    ("ve Velké Británii", [("GB", "Velké Británii")]),
    ("v Severním Irsku", [("GB", "Severním Irsku")]),
    ("migranti z Vietnamu a Mongolska", [("VN", "Vietnamu"), ("MN", "Mongolska")]),
    ("z Afghánistánu, Sýrie a Iráku", [("AF", "Afghánistánu"), ("SY", "Sýrie"), ("IQ", "Iráku")]),
    ("na Kypru, v Izraeli, v Egyptě", [("CY", "Kypru"), ("IL", "Izraeli"), ("EG", "Egyptě")]),
    ("v Ruské federaci a Bělorusku", [("RU", "Ruské federaci"), ("BY", "Bělorusku")]),
    ("v Moldavsku a Gruzii", [("MD", "Moldavsku"), ("GE", "Gruzii")]),
    ("NORSKO A ISLAND", [("NO", "NORSKO"), ("IS", "ISLAND")]),
    ("v Ceske republice", [("CZ", "Ceske republice")]),
    ("Česká Republika", [("CZ", "Česká Republika")]),
    ("Island, Lichtenštejnsko a Norsko", [("IS", "Island"), ("LI", "Lichtenštejnsko"), ("NO", "Norsko")]),
    (
        "v České a Slovenské republice",
        [("CZ", "České a Slovenské republice"), ("SK", "České a Slovenské republice")],
    ),
    # not countries
    ("český jazyk, česká organizace, norských korun", []),
    ("Česko-německý fond budoucnosti", []),
    ("výlet do Bavorska a Saska", []),
    ("v Dolním Rakousku", []),
    ("hl. m. Praha", []),
    ("Evropská unie a EU", []),
    ("norsko", []),
    ("student FF UK", []),
    ("Kuba přišel pozdě.", []),
    ("www.slovensko.sk a Slovensko.sk", []),
    ("Slovenská organizace a Norská rada", []),
    ("ČRo a SR-01", []),
]


@pytest.mark.parametrize("text,expected", CS_CASES)
def test_cs(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text, "cs") == expected


# --- Slovak ---------------------------------------------------------------------------------------------

SK_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("dobré príklady z Nórska", [("NO", "Nórska")]),
    ("Nórsko, Nórsku, Nórskom", [("NO", "Nórsko"), ("NO", "Nórsku"), ("NO", "Nórskom")]),
    ("Ministerstvo vnútra Slovenskej republiky", [("SK", "Slovenskej republiky")]),
    ("Slovenská republika", [("SK", "Slovenská republika")]),
    ("pre Slovenskú republiku", [("SK", "Slovenskú republiku")]),
    ("so Slovenskou republikou", [("SK", "Slovenskou republikou")]),
    ("na Slovensku", [("SK", "Slovensku")]),
    ("Úrad vlády SR", [("SK", "SR")]),
    ("Česká republika a Českej republiky", [("CZ", "Česká republika"), ("CZ", "Českej republiky")]),
    ("z Islandu, Lichtenštajnska a Nórska", [("IS", "Islandu"), ("LI", "Lichtenštajnska"), ("NO", "Nórska")]),
    ("(Island, Lichtenštajnsko a Nórsko)", [("IS", "Island"), ("LI", "Lichtenštajnsko"), ("NO", "Nórsko")]),
    ("na Islande", [("IS", "Islande")]),
    ("v Nemecku a Belgicku", [("DE", "Nemecku"), ("BE", "Belgicku")]),
    ("z Ukrajiny, na Ukrajine", [("UA", "Ukrajiny"), ("UA", "Ukrajine")]),
    ("s Ukrajinou", [("UA", "Ukrajinou")]),
    ("v Rakúsku a Poľsku", [("AT", "Rakúsku"), ("PL", "Poľsku")]),
    ("v Maďarsku", [("HU", "Maďarsku")]),
    ("v Spojených štátoch amerických", [("US", "Spojených štátoch amerických")]),
    ("Spojeným kráľovstvom", [("GB", "Spojeným kráľovstvom")]),
    ("vo Veľkej Británii", [("GB", "Veľkej Británii")]),
    ("zo Sýrie a Iraku", [("SY", "Sýrie"), ("IQ", "Iraku")]),
    ("v Afganistane a Iráne", [("AF", "Afganistane"), ("IR", "Iráne")]),
    ("v Kosove", [("XK", "Kosove")]),
    ("z Ruskej federácie", [("RU", "Ruskej federácie")]),
    ("do Francúzska a Talianska", [("FR", "Francúzska"), ("IT", "Talianska")]),
    ("z Izraela a Egypta", [("IL", "Izraela"), ("EG", "Egypta")]),
    ("Kirgizsko a Kazachstan", [("KG", "Kirgizsko"), ("KZ", "Kazachstan")]),
    ("Granty EHP a Nórska", [("NO", "Nórska")]),
    ("Mali sme šťastie v Mali a Nigérii.", [("ML", "Mali"), ("NG", "Nigérii")]),
    ("Slovensku chýba stratégia.", [("SK", "Slovensku")]),
    ("v Rakusku", [("AT", "Rakusku")]),
    # not countries
    ("Nórska vláda schválila grant.", []),
    ("Rakúsku vládu kritizovali.", []),
    ("nórsky partner, slovenská organizácia, slovenský jazyk", []),
    ("Mali sme šťastie.", []),
    ("Slovensko-nórske partnerstvo", []),
    ("v Dolnom Rakúsku", []),
    ("Univerzita Komenského (UK)", []),
    ("Európska únia", []),
    ("Bavorsko", []),
]


@pytest.mark.parametrize("text,expected", SK_CASES)
def test_sk(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text, "sk") == expected


# --- English --------------------------------------------------------------------------------------------

EN_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("in the Czech Republic and Norway", [("CZ", "Czech Republic"), ("NO", "Norway")]),
    ("Czechia", [("CZ", "Czechia")]),
    ("Slovak Republic and Slovakia", [("SK", "Slovak Republic"), ("SK", "Slovakia")]),
    ("the Netherlands", [("NL", "Netherlands")]),
    ("United Kingdom, UK and U.K.", [("GB", "United Kingdom"), ("GB", "UK"), ("GB", "U.K.")]),
    ("Police of the Czech Republic", [("CZ", "Czech Republic")]),
    ("Norway's municipalities", [("NO", "Norway")]),
    ("EEA and Norway Grants", [("NO", "Norway")]),
    ("Iceland, Liechtenstein and Norway", [("IS", "Iceland"), ("LI", "Liechtenstein"), ("NO", "Norway")]),
    ("refugees from Ukraine", [("UA", "Ukraine")]),
    ("the USA and the U.S.", [("US", "USA"), ("US", "U.S.")]),
    ("United States of America", [("US", "United States of America")]),
    ("Republic of Moldova", [("MD", "Republic of Moldova")]),
    ("Democratic Republic of the Congo", [("CD", "Democratic Republic of the Congo")]),
    ("Northern Ireland and Ireland", [("GB", "Northern Ireland"), ("IE", "Ireland")]),
    ("South Sudan and Sudan", [("SS", "South Sudan"), ("SD", "Sudan")]),
    ("North Korea and South Korea", [("KP", "North Korea"), ("KR", "South Korea")]),
    ("Syria, Afghanistan, Iraq and Iran", [("SY", "Syria"), ("AF", "Afghanistan"), ("IQ", "Iraq"), ("IR", "Iran")]),
    ("Vietnam, Mongolia, China and India", [("VN", "Vietnam"), ("MN", "Mongolia"), ("CN", "China"), ("IN", "India")]),
    (
        "Nigeria, Ethiopia, Eritrea, Somalia",
        [("NG", "Nigeria"), ("ET", "Ethiopia"), ("ER", "Eritrea"), ("SO", "Somalia")],
    ),
    ("Turkey and Türkiye", [("TR", "Turkey"), ("TR", "Türkiye")]),
    ("Bosnia and Herzegovina", [("BA", "Bosnia and Herzegovina")]),
    ("CZECH REPUBLIC", [("CZ", "CZECH REPUBLIC")]),
    ("Czech republic", [("CZ", "Czech republic")]),
    ("Island, Lichtenštajnsko a Nórsko", [("IS", "Island"), ("LI", "Lichtenštajnsko"), ("NO", "Nórsko")]),
    ("Kazakhstan, Uzbekistan", [("KZ", "Kazakhstan"), ("UZ", "Uzbekistan")]),
    ("Canada, Belarus, Georgia", [("CA", "Canada"), ("BY", "Belarus"), ("GE", "Georgia")]),
    ("Kosovo-based groups in Slovakia", [("SK", "Slovakia")]),
    ("the Czech and Slovak Republics", [("CZ", "Czech and Slovak Republics"), ("SK", "Czech and Slovak Republics")]),
    ("Chad, Jordan and Lebanon", [("TD", "Chad"), ("JO", "Jordan"), ("LB", "Lebanon")]),
    # not countries
    ("Norwegian partner, Czech Police, Slovak NGOs, Slovak language", []),
    ("the European Union and the EU", []),
    ("Island of Krk", []),
    ("Michael Jordan", []),
    ("Saxony and Bavaria", []),
    ("New South Wales and New Mexico", []),
    ("ABOUT US", []),
    ("info@norway.no", []),
    ("Czechs and Slovaks", []),
    ("PERU", []),
]


@pytest.mark.parametrize("text,expected", EN_CASES)
def test_en(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text, "en") == expected


# --- country_code ---------------------------------------------------------------------------------------

CODE_CASES: list[tuple[str, str | None]] = [
    ("Norway", "NO"),
    ("(Belgie)", "BE"),
    ("z Nórska", "NO"),
    ("Czech Republic", "CZ"),
    ("Slovenská republika", "SK"),
    ("Slovenskej republiky", "SK"),
    ("Deutschland", None),
    ("norway", "NO"),
    ("NORSKO", "NO"),
    ("Island", "IS"),
    ("ČR", "CZ"),
    ("SR", "SK"),
    ("NO", "NO"),
    ("Ministry of Foreign Affairs of Norway", "NO"),
    ("Norwegian", None),
    ("Norway and Iceland", None),
    ("", None),
    ("Velká Británie", "GB"),
    ("Spojené státy", "US"),
    ("Ukrajina", "UA"),
]


@pytest.mark.parametrize("name,expected", CODE_CASES)
def test_country_code(name: str, expected: str | None) -> None:
    assert country_code(name) == expected


# --- properties and data --------------------------------------------------------------------------------

FRAGMENTS = [
    "Norsko", "z Nórska", "Czech Republic", " ", ", ", " a ", "\n", "ČR", "SR", "Island", "island",
    "Česko-německý", "Slovenskej republiky", "Norwegian", "USA", "U.S.", "•", "-", "–", "Ukrajině", "EU",
    "Slovensko.sk", "Spojené státy", "Kuba", "123", "(", ")", "Nórska vláda",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=25),
    st.sampled_from(["cs", "sk", "en", "de", ""]),
)
def test_evidence_points_at_text(pieces: list[str], language: str) -> None:
    text = "".join(pieces)
    codes = set(load_data("countries")["countries"])
    mentions = extract_countries(text, language)
    for mention in mentions:
        assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text
        assert mention.evidence.text and mention.value in codes
        assert mention.rule.startswith("country.")
    starts = [mention.evidence.start for mention in mentions]
    assert starts == sorted(starts)
    assert all(a.evidence.end <= b.evidence.start for a, b in zip(mentions, mentions[1:]))


def test_rule_names_the_matching_rule() -> None:
    rules = [mention.rule for mention in extract_countries("Norsku, ČR, Ceske republice", "cs")]
    assert rules == ["country.name.cs", "country.abbreviation.cs", "country.name_ascii.cs"]


def test_ordinary_word_in_list_is_marked() -> None:
    mention = extract_countries("Island, Liechtenstein and Norway", "en")[0]
    assert (mention.value, mention.rule) == ("IS", "country.name.cs.in_list")


def _broken(path: list[str], value: object) -> dict:
    data = copy.deepcopy(load_data("countries"))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "path,value,message",
    [
        (["cs", "names", "NO"], ["Norsko|neut_x"], "cs.names.NO"),
        (["cs", "names", "NO"], ["Norsko|fem_a"], "cs.names.NO"),
        (["cs", "names", "QQ"], ["Qqsko"], "cs.names.QQ"),
        (["cs", "patterns", "neut_o"], {"strip": "o", "endings": ["o", "a"]}, "cs.patterns.neut_o"),
        (["sk", "names", "NO"], "Nórsko", "sk.names.NO"),
        (["en", "names", "CZ"], ["Norway"], "en.names.CZ"),
        (["en", "abbreviations", "GB"], ["USA"], "en.abbreviations.US.*already stands for GB"),
        (["en", "colour"], ["x"], "'en'"),
    ],
)
def test_malformed_data_is_refused(path: list[str], value: object, message: str) -> None:
    with pytest.raises(LexiconError, match=f"countries.toml: key .*{message}"):
        compile_country_data(_broken(path, value))


# --- scanning patterns ------------------------------------------------------------------------------

_SCAN_ALPHABET = "SRUKČBiHaé.-&@ \n1_"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_SCAN_ALPHABET, max_size=40))
def test_capitalised_tokens_are_capitals_not_after_a_letter(text: str) -> None:
    upper = re.escape(countries_module._UPPER_LETTERS)
    plain = re.compile(rf"(?<![^\W\d_])[{upper}][^\W\d_]*")
    found = [m.span() for m in countries_module._CAPITALISED_TOKEN.finditer(text)]
    assert found == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_SCAN_ALPHABET, max_size=40))
def test_abbreviations_stand_alone(text: str) -> None:
    abbreviations = ["U.K.", "BiH", "UK", "SR", "ČR", "SRN", "U.S.", "U.S.A.", "S"]
    body = "|".join(re.escape(abbreviation) for abbreviation in sorted(abbreviations, key=len, reverse=True))
    plain = re.compile(rf"(?<![\w\-.&@])(?:{body})(?![\w\-&@])(?!\.\w)")
    found = leftmost_matches(countries_module._abbreviation_patterns(abbreviations), text)
    assert [m.span() for m in found] == [m.span() for m in plain.finditer(text)]


_ABBREVIATION_PIECES = [*countries_module._LEXICON.abbreviations, "U", "S", "K", "Č", "R", "A", ".", "-", "&", "@", " ",
                        "\n", "x", "1", "_", "É"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_ABBREVIATION_PIECES), max_size=12))
def test_abbreviation_patterns_find_what_the_alternation_of_the_data_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    abbreviations = sorted(countries_module._LEXICON.abbreviations, key=len, reverse=True)
    body = "|".join(re.escape(abbreviation) for abbreviation in abbreviations)
    plain = re.compile(rf"(?<![\w\-.&@])(?:{body})(?![\w\-&@])(?!\.\w)")
    found = leftmost_matches(countries_module._LEXICON.abbreviation_patterns, text)
    assert [(m.span(), m.group()) for m in found] == [(m.span(), m.group()) for m in plain.finditer(text)]


def test_abbreviation_after_glue_is_no_country() -> None:
    assert [m.value for m in extract_countries("MV SR a SR-01, x.SR, R&SR, ČR.", "sk")] == ["SK", "CZ"]


# --- the name scan against a plain one ----------------------------------------------------------------


def _plain_name_candidates(text: str, hint: str) -> list[countries_module._Candidate]:
    """Every capitalised word whose folded form starts a listed name tried (strict mode)."""
    candidates: list[countries_module._Candidate] = []
    covered = 0
    for first in countries_module._CAPITALISED_TOKEN.finditer(text):
        if first.start() < covered or first.group().casefold() not in countries_module._LEXICON.max_tokens:
            continue
        covered = max(covered, countries_module._match_at(text, first, hint, True, candidates))
    return candidates


_NAME_PIECES = ["Česká republika", "ČESKÁ REPUBLIKA", "Česká Republika", "Ceska republika", "česká republika",
                "České", "Nórsko", "NÓRSKO", "NORSKO", "Norsko", "NOrsko", "Island", "ISLAND", "SR", "Slovensko.sk",
                "USA", "Dolní Rakousko", "Rakousko", "Praha", "AMIF", "Xx", "Nórska vláda", "Česko-německý",
                "Czech Republic", "CZECH republic", "İsland", "Ǆ", " ", ", ", " a ", "\n", "-", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=10), st.sampled_from(["cs", "sk", "en"]))
def test_name_scan_is_the_plain_scan(pieces: list[str], hint: str) -> None:
    text = "".join(pieces)
    plain = _plain_name_candidates(text, hint)
    assert countries_module._name_candidates(text, hint, True) == plain
    assert countries_module._strict_candidates(text, hint)[0] == plain


_MIXED_PIECES = [*_ABBREVIATION_PIECES, *_NAME_PIECES, "U.S.A", "BiHa", "xBiH", "(ČR)", "„SR“", "𝐀SR", "SR𝐀", "5SR", "SR5"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_MIXED_PIECES), max_size=12), st.sampled_from(["cs", "sk", "en", ""]))
def test_strict_scan_finds_the_abbreviations_of_their_own_scan(pieces: list[str], hint: str) -> None:
    text = "".join(pieces)
    assert countries_module._strict_candidates(text, hint)[1] == countries_module._abbreviation_candidates(text, hint)


def test_every_abbreviation_is_found_by_the_strict_scan_wherever_it_stands() -> None:
    for abbreviation in countries_module._LEXICON.abbreviations:
        for text in [abbreviation, f"x {abbreviation}.", f"({abbreviation})", f"Norsko a {abbreviation}", f"1 {abbreviation}"]:
            found = countries_module._strict_candidates(text, "cs")[1]
            assert [(c.start, c.end) for c in found] == [(text.index(abbreviation), text.index(abbreviation) + len(abbreviation))]


def test_abbreviation_without_a_capital_is_refused() -> None:
    with pytest.raises(LexiconError, match="countries.toml: key 'abbreviations'.*'čr' must start with a capital"):
        compile_country_data(_broken(["cs", "abbreviations", "CZ"], ["čr"]))


_RUN_PIECES = [*_NAME_PIECES, "Czech", "Republic", "Slovak", "-", "'", " ", "  ", "\t", " \n ", "\n\n", "5", ".", "𝐀", "ǅ"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=12), st.integers(1, 5))
def test_words_of_a_run_are_its_tokens(pieces: list[str], longest: int) -> None:
    text = "".join(pieces)
    for first in countries_module._TOKEN.finditer(text):
        keys, spans, words = countries_module._words_from(text, first, longest)
        assert len(keys) == len(spans) == len(words)
        for width, (start, end) in enumerate(spans, 1):
            assert words[:width] == countries_module._TOKEN.findall(text, start, end)


def test_a_name_is_judged_by_its_own_words_not_those_after_it() -> None:
    # the longest run tried holds words after the name: the case check and the compound check see the name's
    assert _found("CZECH REPUBLIC and Norway", "en") == [("CZ", "CZECH REPUBLIC"), ("NO", "Norway")]
    assert _found("v ČESKÉ REPUBLICE a Norsku", "cs") == [("CZ", "ČESKÉ REPUBLICE"), ("NO", "Norsku")]
