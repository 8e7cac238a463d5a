"""Funding programmes: names in every case and language, "Other" after funding cues, future plans left out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import phrases as phrases_module
from pipeline.extract import programmes as programmes_module
from pipeline.extract.phrases import alternation, phrase_regex
from pipeline.extract.programmes import extract_programmes, programme_values
from pipeline.folding import lower_same_length
from pipeline.lexicon import LexiconError


def values(text: str, language: str) -> list[str]:
    return programme_values(extract_programmes(text, language))


CS_CASES = [
    ("Projekt je financován z Fondů EHP.", ["EEA Grants"]),
    ("Fondy EHP podporují občanskou společnost.", ["EEA Grants"]),
    ("O Fondech EHP se dozvíte více na webu.", ["EEA Grants"]),
    ("Projekt je financován z Fondů EHP a Norska.", ["EEA Grants", "Norway Grants"]),
    ("v souladu s pravidly Norských fondů 2014-2021", ["Norway Grants"]),
    ("Norské fondy přispívají na integraci.", ["Norway Grants"]),
    ("z Finančního mechanismu EHP", ["EEA Grants"]),
    ("podpořeno z Fondu pro občanskou společnost", ["Active Citizens Fund"]),
    ("z Fondu pro bilaterální vztahy", ["Bilateral Fund"]),
    ("podpořeného v rámci programu Erasmus+, klíčové akce 2", ["Erasmus+"]),
    ("z Azylového, migračního a integračního fondu", ["AMIF"]),
    ("Výše podpory projektu z NP AMIF může dosáhnout 100 %.", ["AMIF"]),
    ("Operační program Zaměstnanost (OPZ)", ["ESF"]),
    ("spolufinancováno z Evropského sociálního fondu", ["ESF"]),
    ("program přeshraniční spolupráce Česko – Polsko", ["Interreg"]),
    ("díky Mezinárodnímu visegrádskému fondu", ["Visegrad Fund"]),
    ("z programu Horizont Evropa", ["Horizon Europe"]),
    ("Financování:\n\nEvropský fond pro integraci státních příslušníků třetích zemí (EIF)", ["Other"]),
    ("Projekt je financován Magistrátem hl. m. Prahy.", ["Other"]),
    ("Projekt se koná za finanční podpory Ministerstva vnitra ČR.", ["Other"]),
    ("Projekt finančně podpořil Magistrát hl. m. Prahy.", ["Other"]),
    ("Fondy EHP/Norska", ["EEA Grants", "Norway Grants"]),
    ("SIMI podpořilo migranty v regionech.", []),
    # future plan: not funding
    ("Projekt bude předložen do Fondu pro občanskou společnost.", []),
    # adjectives and money in general are not programmes
    ("Norská partnerská organizace a norské velvyslanectví", []),
    ("Projekt byl hrazen z evropských fondů.", []),
    ("Projekt byl financován ze státního rozpočtu.", []),
]

SK_CASES = [
    ("z Finančného mechanizmu EHP 2009-2014", ["EEA Grants"]),
    ("Projekt bol podporený z Grantov EHP a Nórska.", ["EEA Grants", "Norway Grants"]),
    ("Nórske granty podporujú ľudské práva.", ["Norway Grants"]),
    ("súčasťou finančnej pomoci krajín Európskeho hospodárskeho priestoru", ["EEA Grants"]),
    (
        "výzva vo Fonde bilaterálnej spolupráce v programe Active Citizens Fund",
        ["Bilateral Fund", "Active Citizens Fund"],
    ),
    ("Area: Bilaterálny fond", ["Bilateral Fund"]),
    ("Fond aktívneho občianstva podporuje mimovládne organizácie.", ["Active Citizens Fund"]),
    ("VÝZVA: Fond pre azyl, migráciu a integráciu", ["AMIF"]),
    ("Ďakujeme Visegrad fondu za podporu.", ["Visegrad Fund"]),
    ("Višegrad fond podporil 72 organizácií.", ["Visegrad Fund"]),
    ("Medzinárodný vyšehradský fond", ["Visegrad Fund"]),
    ("financované z Európskeho sociálneho fondu v rámci OP Ľudské zdroje", ["ESF"]),
    ("program cezhraničnej spolupráce Interreg V-A", ["Interreg"]),
    ("Aktivity sú spolufinancované Ministerstvom vnútra SR.", ["Other"]),
    ("Projekt podporila Nadácia Pontis.", ["Other"]),
    ("Projekt bol podporený z Fondu pre mimovládne organizácie.", ["Other"]),
    # a fund financed from a listed programme is part of it
    (
        "podporený z Fondu pre mimovládne organizácie, ktorý je financovaný z Finančného mechanizmu EHP.",
        ["EEA Grants"],
    ),
    # future plan
    ("Žiadosť bude predložená do Fondu aktívneho občianstva.", []),
    # a call's reference names the fund the call belongs to
    ("výzva ref. číslo SK 2016 AMIF SC2.1", ["AMIF"]),
    ("Nórsky helsinský výbor a Nórsko", []),
    ("Projekt je financovaný zo štátneho rozpočtu.", []),
]

EN_CASES = [
    ("From EEA Grants: € 36,331", ["EEA Grants"]),
    ("EEA Grants and Norway Grants - logo", ["EEA Grants", "Norway Grants"]),
    (
        "financed under the Support of Bilateral Cooperation from the EEA and Norway Funds",
        ["Bilateral Fund", "EEA Grants", "Norway Grants"],
    ),
    ("the Fund for Bilateral Relations", ["Bilateral Fund"]),
    ("Asylum, Migration and Integration Fund (AMIF)", ["AMIF"]),
    ("co-funded by the European Social Fund+", ["ESF"]),
    ("Supported by the International Visegrad Fund.", ["Visegrad Fund"]),
    ("funded by Horizon Europe", ["Horizon Europe"]),
    ("an Erasmus+ KA2 strategic partnership", ["Erasmus+"]),
    ("The project was supported by the Pontis Foundation.", ["Other"]),
    ("Source of funding: City of Brno", ["Other"]),
    # future plan
    ("A joint project was agreed, which will be submitted to the Active Citizens Fund after the call.", []),
    ("We plan to apply to the EEA Grants next year.", []),
    # no cue, no funder, or money in general
    ("The aim of the call announced by the Pontis Foundation was to help.", []),
    ("The event was supported by volunteers.", []),
    ("allocate European funds from Slovak public resources", []),
    ("The project was financed from European funds.", []),
    ("the Norwegian partner organization", []),
    ("Action contre la Faim (ACF) distributed food.", []),
]


@pytest.mark.parametrize(("text", "expected"), CS_CASES)
def test_cs(text: str, expected: list[str]) -> None:
    assert values(text, "cs") == expected


@pytest.mark.parametrize(("text", "expected"), SK_CASES)
def test_sk(text: str, expected: list[str]) -> None:
    assert values(text, "sk") == expected


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_en(text: str, expected: list[str]) -> None:
    assert values(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "evidence", "rule"),
    [
        ("Projekt je financován Magistrátem hl. m. Prahy.", "Magistrátem hl. m. Prahy", "programme.other_cue"),
        ("Donor: Nadácia Pontis", "Nadácia Pontis", "programme.other_label"),
        ("z Finančného mechanizmu EHP 2009-2014", "Finančného mechanizmu EHP", "programme.name"),
    ],
)
def test_evidence_and_rule(text: str, evidence: str, rule: str) -> None:
    [mention] = extract_programmes(text, "cs")
    assert (mention.evidence.text, mention.rule) == (evidence, rule)
    assert text[mention.evidence.start : mention.evidence.end] == evidence


def test_both_programmes_share_one_span() -> None:
    text = "EEA and Norway Grants"
    mentions = extract_programmes(text, "en")
    assert [(m.value, m.evidence.start, m.evidence.end) for m in mentions] == [
        ("EEA Grants", 0, 21),
        ("Norway Grants", 0, 21),
    ]


def test_language_is_only_a_hint() -> None:
    text = "Projekt bol podporený z Grantov EHP. Funded by the EEA Grants."
    assert values(text, "en") == values(text, "sk") == ["EEA Grants"]


@pytest.mark.parametrize(
    ("phrase", "matches", "rejects"),
    [
        ("fond{,u,em}", ["fond", "fondu", "fondem"], ["fondy"]),
        ("ESF{ plus,+,}", ["ESF", "ESF+", "ESF  plus"], ["ESFx"]),
    ],
)
def test_phrase_notation(phrase: str, matches: list[str], rejects: list[str]) -> None:
    pattern = re.compile(phrase_regex(phrase))
    assert all(pattern.fullmatch(text) for text in matches)
    assert not any(pattern.fullmatch(text) for text in rejects)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"common": {"names": {"EEA": ["x"]}}}, r"^programmes\.toml: common\.names\.EEA is not a funding programme"),
        ({"common": {"names": {"ESF": "ESF"}}}, r"^programmes\.toml: common\.names\.ESF must be a list"),
        ({"common": {"names": {"ESF": ["Fond{y"]}}}, r"^programmes\.toml: common\.names\.ESF unbalanced brace"),
        ({"common": {"names": {}}}, r"^programmes\.toml: common\.exact must be a table"),
    ],
)
def test_malformed_data_names_file_and_key(monkeypatch: pytest.MonkeyPatch, data: dict, message: str) -> None:
    programmes_module.programme_data.cache_clear()
    monkeypatch.setattr(phrases_module, "load_data", lambda name: data)
    try:
        with pytest.raises(LexiconError, match=message):
            programmes_module.programme_data()
    finally:
        monkeypatch.undo()
        programmes_module.programme_data.cache_clear()


_FRAGMENTS = [
    "Fondy EHP", "Norských fondů", "financováno Magistrátem hl. m. Prahy", "Financování:\n", "Donor: ",
    "will be submitted to the Active Citizens Fund", "Erasmus+", "AMIF", "supported by the ", "Foundation",
    "Nadácia Pontis", ", ", ". ", "\n", "\n\n", "  ", "EEA and Norway Grants",
    "Fond pre azyl, migráciu a integráciu", "Grantov EHP a Nórska", "ktorý je financovaný z", "„Projekt“", "–", "(EIF)", "ESF+", "Ľudské zdroje",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=20))
def test_evidence_is_the_text_at_its_offsets(parts: list[str]) -> None:
    text = "".join(parts)
    for mention in extract_programmes(text, "cs"):
        assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text
        assert mention.evidence.text.strip() == mention.evidence.text != ""


# --- funding labels at line starts --------------------------------------------------------------------

def _funding_labels() -> list[str]:
    table = programmes_module.DataTable.load("programmes")
    return [label for language in ("cs", "sk", "en") for label in table.table(language).phrases("funding_labels")]


# a label at a line start, as the labels' plain case-blind alternation finds it in the text itself
_PLAIN_LABEL_LINE = r"[ \t]*(?:•[ \t]*)?" + alternation(_funding_labels()) + r"[ \t]*:"

_LABEL_PIECES = ["Financování", "Zdroj financovania", "Funding", ":", " ", "\n", "• ", "x", "\t", "Financování:",
                 "FINANCOVÁNÍ", "DONOŘI", "Donoři", "ſource of funding", "fundİng", "fundıng", "\u212aa", "\U0001d400",
                 "\U0001f600", "•", "\r", "\xa0", "s"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=10))
def test_label_ends_are_those_of_the_line_start_pattern(pieces: list[str]) -> None:
    data = programmes_module.programme_data()
    text = "".join(pieces)
    plain = re.compile(r"^" + _PLAIN_LABEL_LINE, re.MULTILINE)
    assert list(programmes_module._label_ends(text, data)) == [label.end() for label in plain.finditer(text)]


def test_label_on_the_first_line_and_after_a_break() -> None:
    data = programmes_module.programme_data()
    text = "Financování: EU\n• Funding: Norway\nnot a Funding: label"
    assert list(programmes_module._label_ends(text, data)) == [12, 26]
    text = "FINANCOVÁNÍ: EU\n •\tSOURCE OF FUNDING : Norway\nFundingx: no\n\U0001d400Funding: no"
    assert list(programmes_module._label_ends(text, data)) == [12, 38]


_LABEL_PIECES = ["Financování", "Zdroj financování", "Donor", "Donors", "Donoři", "Poskytovatel",
                 "Poskytovatel dotace", "FUNDING", "Funded by", "funding source", ":", " ", "\t", "\n", "• ", "x",
                 "dotace", "s", "ſupported by", "fundİng", "DONOŘİ", "\U0001d400", "\u212a"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=12))
def test_label_lines_are_those_of_the_label_alternation(pieces: list[str]) -> None:
    text = "".join(pieces)
    lowered = lower_same_length(text)
    plain = re.compile("\n" + _PLAIN_LABEL_LINE)
    data = programmes_module.programme_data()
    assert [m.span() for m in data.label_after_break.finditer(lowered)] == [m.span() for m in plain.finditer(text)]
    plain_first = re.compile(_PLAIN_LABEL_LINE).match(text)
    first = data.label.match(lowered)
    assert (first and first.span()) == (plain_first and plain_first.span())


_LOWER, _UPPER = programmes_module.LOWER_LETTERS, programmes_module.UPPER_LETTERS
_PLAIN_CLAUSE_END = re.compile(
    rf"(?<![ ][{_LOWER}])(?<![ ][{_LOWER}]{{2}})[.!?](?=\s+[{_UPPER}]|\s*$)|\s[-–—]\s"
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "ab", "abc", "A", "Fond", "m", "hl", " ", "  ", "\n", "\t", ".", "!", "?",
                                 "-", "–", "—", " - ", "1", ",", "Š", "č", " hl. Fond", " m. Prahy", "x. A", ".- ", "?— B",
                                 " ab.", " abc. Z"]), max_size=14),
       st.integers(0, 4), st.integers(0, 4))
def test_clause_end_finds_what_its_conditions_say(pieces: list[str], skip: int, cut: int) -> None:
    text = "".join(pieces)
    end = max(0, len(text) - cut)
    found = [m.span() for m in programmes_module._CLAUSE_END.finditer(text, skip, end)]
    assert found == [m.span() for m in _PLAIN_CLAUSE_END.finditer(text, skip, end)]
    searched = programmes_module._CLAUSE_END.search(text, skip, end)
    expected = _PLAIN_CLAUSE_END.search(text, skip, end)
    assert (searched and searched.span()) == (expected and expected.span())


# --- future-plan cues ---------------------------------------------------------------------------------

_FUTURE_PIECES = ["will", "be", "submitted", "to", "apply", "plan", "Plans", "WILL", "bude", "předložen", "předloženo",
                  "podán", "do", "budeme", "žádat", "žiadať", "požiadať", "chceme", "sa", "chystáme", "ſ", "İ", " ",
                  "  ", "\n", "\t", ".", "(", "x", "\U0001d400", "Active Citizens Fund"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FUTURE_PIECES), max_size=14), st.integers(0, 14), st.integers(0, 14))
def test_future_cues_are_found_where_their_alternation_is(pieces: list[str], first: int, last: int) -> None:
    text = "".join(pieces)
    bounds = [len("".join(pieces[:count])) for count in range(len(pieces) + 1)]
    start, end = bounds[min(first, len(pieces))], bounds[min(last, len(pieces))]
    cues = [cue for language in ("cs", "sk", "en")
            for cue in programmes_module.DataTable.load("programmes").table(language).phrases("future_cues")]
    plain = re.compile(alternation(cues))
    found = programmes_module.programme_data().future.found_in(text, start, end)
    assert found == (plain.search(text, start, end) is not None)


# --- a funder's name: its first words -------------------------------------------------------------------

_WORD_PIECES = ["Fond", "pro", "a", " ", "  ", "\t", "\n", "\xa0", "\u2028", "\x1c", "\x1f", "\x85", "\u3000", "\u200b",
                "\U0001d400", "\U0001f600", ".", "-", "EHP,"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_WORD_PIECES), max_size=16), st.integers(0, 4), st.integers(0, 4),
       st.integers(1, 5))
def test_first_words_are_the_first_tokens(pieces: list[str], skip: int, cut: int, count: int) -> None:
    text = "".join(pieces)
    start, end = min(skip, len(text)), max(0, len(text) - cut)
    tokens = list(programmes_module._NAME_TOKEN.finditer(text, start, end))[:count]
    words, last_end = programmes_module._first_words(text, start, end, count)
    assert words == tuple(token.group() for token in tokens)
    if tokens:
        assert last_end == tokens[-1].end()


def test_every_character_split_at_is_one_the_token_pattern_stops_at() -> None:
    for code in range(0x110000):
        char = chr(code)
        split_at = ("a" + char + "b").split() != ["a" + char + "b"]
        assert (programmes_module._NAME_TOKEN.fullmatch(char) is None) == split_at, hex(code)
