"""Money amounts: values, currencies, ranges, roles, evidence spans and the data file's checks."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import amounts
from pipeline.extract.amounts import extract_amounts, parse_number
from pipeline.extract.phrases import leftmost_matches
from pipeline.lexicon import LexiconError, load_data

Case = tuple[str, list[tuple[float, str]]]

CS_VALUES: list[Case] = [
    ("Celkový finanční objem určený pro tuto výzvu je 66 666 669 Kč.", [(66666669, "CZK")]),
    ("Celkem byly podpořeny 3 projekty za téměř 15,3 milionů Kč.", [(15300000, "CZK")]),
    ("Výše dotace: 1,5 mil. Kč", [(1500000, "CZK")]),
    ("Vstupné 10 000,- Kč", [(10000, "CZK")]),
    ("Vstupné 10.000,- Kč", [(10000, "CZK")]),
    ("Kurz stojí 1500 Kč na osobu.", [(1500, "CZK")]),
    ("Rozpočet činí 386 419 CZK.", [(386419, "CZK")]),
    ("Nadace nám věnovala milion korun.", [(1000000, "CZK")]),
    ("Získali jsme jeden milion korun.", [(1000000, "CZK")]),
    ("Obec přispěla dva miliony korun.", [(2000000, "CZK")]),
    ("Program má tři miliony eur.", [(3000000, "EUR")]),
    ("Dostali půl milionu korun.", [(500000, "CZK")]),
    ("Dostali čtvrt milionu Kč.", [(250000, "CZK")]),
    ("Sbírka vynesla pět set tisíc korun.", [(500000, "CZK")]),
    ("Projekt stál 3 miliony 250 tisíc korun.", [(3250000, "CZK")]),
    ("Granty od 5 do 10 mil. Kč", [(5000000, "CZK"), (10000000, "CZK")]),
    ("mezi 2 a 3 miliardami korun", [(2000000000, "CZK"), (3000000000, "CZK")]),
    ("Příspěvek 10 000 – 20 000 EUR", [(10000, "EUR"), (20000, "EUR")]),
    ("Norsko dalo 2 miliony norských korun.", [(2000000, "NOK")]),
    ("Dotace 500 tis. Kč", [(500000, "CZK")]),
    ("Program za 1,2 mld. Kč", [(1200000000, "CZK")]),
    ("Celkem 48 310,50 €", [(48310.5, "EUR")]),
    ("Cena 5 000 Kc bez DPH", [(5000, "CZK")]),
    ("Podpora 100 tisíc eur", [(100000, "EUR")]),
    ("Výše grantu 1,500 mil. Kč", [(1500000, "CZK")]),
    ("Rozpočet 2019 – 500 000 Kč", [(500000, "CZK")]),
    ("Rozpočet 2019 – 25 000 Kč", [(25000, "CZK")]),
    ("Výzva č. 12 – 5 000 000 Kč", [(5000000, "CZK")]),
    ("Příspěvek 1 000 – 500 000 Kč", [(1000, "CZK"), (500000, "CZK")]),
    ("Fondy EHP 2014–2021: 3 mil. EUR", [(3000000, "EUR")]),
    ("Grant 1 000 Kč a 2 000 Kč", [(1000, "CZK"), (2000, "CZK")]),
    # Not amounts.
    ("Výdaje budou hrazeny ze 75 % z prostředků AMIF; 25 % z prostředků státního rozpočtu.", []),
    ("v souladu s pravidly Norských fondů 2014-2021", []),
    ("Datum zahájení příjmu žádostí o podporu je 3. 7. 2015.", []),
    ("Telefon: +420 222 333 444", []),
    ("Podpořili jsme 110 organizací a 3 000 lidí.", []),
    ("Šlo o desítky milionů korun.", []),
    ("Aktualizováno 19. 7. 2021 13:15", []),
]

SK_VALUES: list[Case] = [
    ("Projekt bol podporený sumou 8.442,00 EUR z Fondu.", [(8442, "EUR")]),
    ("Celková indikatívna čiastka je 2 173 000,00 EUR.", [(2173000, "EUR")]),
    (
        "Finančná alokácia je 100 000 € a žiadateľom bude poskytovať granty do výšky 10 000 € v otvorenej výzve.",
        [(100000, "EUR"), (10000, "EUR")],
    ),
    ("podporil 72 organizácií celkovou sumou 1 milión €.", [(1000000, "EUR")]),
    ("Grant 5 000 Sk", [(5000, "SKK")]),
    ("Dostali 500 000 slovenských korún.", [(500000, "SKK")]),
    ("Program má 2 mil. eur.", [(2000000, "EUR")]),
    ("Vláda dala dva milióny eur.", [(2000000, "EUR")]),
    ("Zbierka vyniesla pol milióna eur.", [(500000, "EUR")]),
    ("Rozpočet je 1,5 miliardy eur.", [(1500000000, "EUR")]),
    ("Podpora 300 tisíc eur", [(300000, "EUR")]),
    ("granty od 5 000 do 10 000 eur", [(5000, "EUR"), (10000, "EUR")]),
    ("medzi 10 a 20 tis. €", [(10000, "EUR"), (20000, "EUR")]),
    ("Celkovo 15 miliónov eur", [(15000000, "EUR")]),
    ("Fond rozdelil takmer milión eur.", [(1000000, "EUR")]),
    ("Darcovia dali päťsto tisíc eur.", [(500000, "EUR")]),
    ("Suma EUR 25 000", [(25000, "EUR")]),
    ("Nórsko prispelo 3 000 000 nórskych korún.", [(3000000, "NOK")]),
    ("Poplatok 10 000,- Sk", [(10000, "SKK")]),
    ("Rozpočet 1.000.000 EUR", [(1000000, "EUR")]),
    ("Granty 2 000 – 5 000 € pre organizácie", [(2000, "EUR"), (5000, "EUR")]),
    ("podporený sumou 12 500,50 €", [(12500.5, "EUR")]),
    ("Schválená suma: 9 999 eur", [(9999, "EUR")]),
    ("Dotácia 700 eurách", [(700, "EUR")]),
    # Not amounts.
    ("výzva ref. číslo SK 2016 AMIF SC2.1 v súlade s návrhom", []),
    ("Termín ukončenia výzvy: 30. jún 2016 (do 14:00 hod.)", []),
    ("Visegrad fond podporil 72 organizácií z krajín V4.", []),
    ("Začiatok realizácie aktivít: 1.1.2017 (cieľová skupina A)", []),
    ("pre 15 členských krajín EÚ", []),
    ("Išlo o desiatky miliónov eur.", []),
    ("Číslo 5 000 SK nie je mena.", []),
    ("Pribinova 2, Bratislava", []),
]

EN_VALUES: list[Case] = [
    ("Initial project cost:\n€42,040", [(42040, "EUR")]),
    ("From EEA Grants:\n€ 36,331", [(36331, "EUR")]),
    ("Price EUR 1,200.50 per unit", [(1200.5, "EUR")]),
    ("Amount: 8 442 €", [(8442, "EUR")]),
    ("The fund raised $1.2 million.", [(1200000, "USD")]),
    ("A fee of £300 applies.", [(300, "GBP")]),
    ("Norway added NOK 2 million.", [(2000000, "NOK")]),
    ("A budget of CZK 1.5m was set.", [(1500000, "CZK")]),
    ("Allocated Nearly 10 Million Euros to NGOs", [(10000000, "EUR")]),
    ("allocated over 9.5 million euros in 2023", [(9500000, "EUR")]),
    ("we will redistribute almost 1 million euros.", [(1000000, "EUR")]),
    ("The city gave one million euros.", [(1000000, "EUR")]),
    ("They raised half a million euros.", [(500000, "EUR")]),
    ("They raised a million euros.", [(1000000, "EUR")]),
    ("grants between €5,000 and €10,000", [(5000, "EUR"), (10000, "EUR")]),
    ("grants from EUR 5,000 to 10,000", [(5000, "EUR"), (10000, "EUR")]),
    ("The programme is worth €2.8 billion.", [(2800000000, "EUR")]),
    ("a grant of 10,000 Czech crowns", [(10000, "CZK")]),
    ("2 million Norwegian kroner", [(2000000, "NOK")]),
    ("a donation of 500 US dollars", [(500, "USD")]),
    ("micro-grants of €5k each", [(5000, "EUR")]),
    ("a package of EUR 5 bn", [(5000000000, "EUR")]),
    ("Each partner gets 1,500 €.", [(1500, "EUR")]),
    ("a fund of 1,500 million euros", [(1500000000, "EUR")]),
    ("5,000 PLN and 20 000 HUF", [(5000, "PLN"), (20000, "HUF")]),
    ("1 000 zł or 500 Ft", [(1000, "PLN"), (500, "HUF")]),
    ("CHF 1'000'000 for UAH 100 000", [(1000000, "CHF"), (100000, "UAH")]),
    ("Budget 2020 - 2021 EUR 10 000.", [(10000, "EUR")]),
    ("In 2020 EUR 5 million was allocated.", [(5000000, "EUR")]),
    ("grants of 2000 – 3000 EUR", [(2000, "EUR"), (3000, "EUR")]),
    ("Flights cost 250-300 EUR per person.", [(250, "EUR"), (300, "EUR")]),
    # Not amounts.
    ("The meetings will take place on 18 September 2018 and 13 November 2018.", []),
    ("its update valid for the period from 2018-2021", []),
    ("services to an average of 6,000 people a day", []),
    ("up to 100 % of eligible costs", []),
    ("Floor 3 (Room No. 349)", []),
    ("It cost several million euros.", []),
    ("The project ran from October 2018 to May 2019.", []),
    ("5 000 m of cable and 10 k points", []),
]

ROLE_CASES: list[tuple[str, str, list[str]]] = [
    ("cs", "Výše dotace: 500 000 Kč", ["grant"]),
    ("cs", "Přidělená částka:\n\n250 000 Kč", ["grant"]),
    ("cs", "Celkové způsobilé výdaje: 1 200 000 Kč", ["total_cost"]),
    ("cs", "Projekt byl podpořen částkou 300 000 Kč.", ["grant"]),
    ("cs", "Vlastní zdroje: 50 000 Kč", ["co_financing"]),
    ("cs", "Celkové náklady projektu: 1 000 000 Kč, z toho dotace 800 000 Kč", ["total_cost", "grant"]),
    ("cs", "Celkový finanční objem určený pro tuto výzvu je 66 666 669 Kč.", ["other"]),
    ("cs", "Rozpočet: 2 mil. Kč", ["total_cost"]),
    ("cs", "Výše podpory: 85 % (3 844 708,10 Kč)", ["grant"]),
    ("cs", "Spolufinancování ze státního rozpočtu 10 %, vlastní zdroje 5 % (226 159,31 Kč).", ["co_financing"]),
    ("cs", "Výše dotace je 5 000 Kč. Celkem 10 000 Kč.", ["grant", "total_cost"]),
    ("sk", "Výška grantu: 15 000 EUR", ["grant"]),
    ("sk", "Projekt bol podporený sumou 8.442,00 EUR z Fondu.", ["grant"]),
    ("sk", "Celkové oprávnené výdavky: 20 000 €", ["total_cost"]),
    ("sk", "Spolufinancovanie: 1 000 €", ["co_financing"]),
    ("sk", "Alokácia je 100 000 € a žiadateľom bude poskytovať granty do výšky 10 000 €.", ["other", "grant"]),
    ("sk", "Schválená suma:\n• 12 000 €", ["grant"]),
    ("sk", "Višegrad fond podporil 72 organizácií celkovou sumou 1 milión €.", ["other"]),
    (
        "sk",
        "Čiastka určená na granty (t.j. grant z fondu a štátneho rozpočtu) je 2 173 000,00 EUR.",
        ["other"],
    ),
    ("en", "Amount: 8 442 €", ["grant"]),
    (
        "en",
        "Initial project cost:\n€42,040\nFinal project cost:\n€40,839\nFrom EEA Grants:\n€ 36,331",
        ["initial_cost", "final_cost", "grant"],
    ),
    ("en", "Total budget: €120,000", ["total_cost"]),
    ("en", "Budget for the year 2019: 386 419 CZK\n1 272 230 CZK", ["total_cost", "other"]),
    ("en", "Own contribution: €5,000", ["co_financing"]),
    ("en", "The project received a grant of €25,000.", ["grant"]),
    ("en", "The foundation allocated over 9.5 million euros in 2023.", ["other"]),
    ("en", "Grant amount €10,000, co-financing €1,000", ["grant", "co_financing"]),
]


def _values(text: str, language: str) -> list[tuple[float, str]]:
    return [(mention.value, mention.currency) for mention in extract_amounts(text, language)]


@pytest.mark.parametrize(("text", "expected"), CS_VALUES)
def test_cs_values(text: str, expected: list[tuple[float, str]]) -> None:
    assert _values(text, "cs") == expected


@pytest.mark.parametrize(("text", "expected"), SK_VALUES)
def test_sk_values(text: str, expected: list[tuple[float, str]]) -> None:
    assert _values(text, "sk") == expected


@pytest.mark.parametrize(("text", "expected"), EN_VALUES)
def test_en_values(text: str, expected: list[tuple[float, str]]) -> None:
    assert _values(text, "en") == expected


@pytest.mark.parametrize(("language", "text", "expected"), ROLE_CASES)
def test_roles(language: str, text: str, expected: list[str]) -> None:
    assert [mention.role for mention in extract_amounts(text, language)] == expected


@pytest.mark.parametrize(("language", "text", "expected"), ROLE_CASES)
def test_roles_do_not_depend_on_the_language_hint(language: str, text: str, expected: list[str]) -> None:
    for hint in ("cs", "sk", "en"):
        assert [mention.role for mention in extract_amounts(text, hint)] == expected


ALL_TEXTS = [(text, "cs") for text, _ in CS_VALUES] + [(text, "sk") for text, _ in SK_VALUES]
ALL_TEXTS += [(text, "en") for text, _ in EN_VALUES] + [(text, language) for language, text, _ in ROLE_CASES]


@pytest.mark.parametrize(("text", "language"), ALL_TEXTS)
def test_evidence_is_the_text_at_its_offsets(text: str, language: str) -> None:
    found = extract_amounts(text, language)
    for mention in found:
        evidence = mention.evidence
        assert text[evidence.start : evidence.end] == evidence.text
        assert evidence.text.strip() == evidence.text
    assert [mention.evidence.start for mention in found] == sorted(mention.evidence.start for mention in found)


@pytest.mark.parametrize(
    ("text", "evidence", "rules"),
    [
        ("From EEA Grants:\n€ 36,331", ["€ 36,331"], ["amount.currency_before"]),
        ("Vstupné 10 000,- Kč.", ["10 000,- Kč"], ["amount.currency_after"]),
        ("Norsko dalo dva miliony norských korun.", ["dva miliony norských korun"], ["amount.number_words"]),
        ("Granty od 5 do 10 mil. Kč", ["5", "10 mil. Kč"], ["amount.range_low", "amount.range_high"]),
        ("grants between €5,000 and €10,000", ["€5,000", "€10,000"], ["amount.range_low", "amount.range_high"]),
        ("Celkem byly podpořeny 3 projekty za 15,3 milionů Kč.", ["15,3 milionů Kč"], ["amount.currency_after"]),
    ],
)
def test_evidence_text_and_rule(text: str, evidence: list[str], rules: list[str]) -> None:
    found = extract_amounts(text, "cs")
    assert [mention.evidence.text for mention in found] == evidence
    assert [mention.rule for mention in found] == rules


@pytest.mark.parametrize(
    ("raw", "decimal_mark", "expected"),
    [
        ("1,500", None, 1500.0),
        ("1.500", None, 1500.0),
        ("1,500", ",", 1.5),
        ("1,500", ".", 1500.0),
        ("1,5", None, 1.5),
        ("9.5", None, 9.5),
        ("8.442,00", None, 8442.0),
        ("1,200.50", None, 1200.5),
        ("2 173 000,00", None, 2173000.0),
        ("1 500", ",", 1500.0),
        ("1'000'000", None, 1000000.0),
        ("1,234,567", ".", 1234567.0),
    ],
)
def test_parse_number(raw: str, decimal_mark: str | None, expected: float) -> None:
    assert parse_number(raw, decimal_mark) == expected


TOKENS = [
    "1", "5", "000", "1,5", "8.442,00", "€", "$", "EUR", "Kč", "eur", "Sk", "mil.", "milion", "million", "půl",
    "a", "dva", "k", "m", "mezi", "between", "and", "do", "–", "-", ",-", "2019", "2021", ":", "\n", "%",
    "Grant", "Amount:", "Výše dotace", "tisíc", "korun",
]
SPACES = st.lists(st.sampled_from(["", " ", "  "]), min_size=25, max_size=25)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25), SPACES)
def test_any_text_gives_well_formed_mentions(tokens: list[str], spaces: list[str]) -> None:
    text = "".join(token + space for token, space in zip(tokens, spaces))
    for mention in extract_amounts(text, "cs"):
        assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text
        assert mention.value >= 0


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_data("amounts"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda data: data["common"]["currency_codes"].update({"€": "euro"}), "common.currency_codes.€"),
        (lambda data: data["cs"]["scales"].update({"mil.": -1}), "cs.scales.mil."),
        (lambda data: data["sk"]["roles"].update({"donation": {"labels": [], "phrases": []}}), "sk.roles.donation"),
        (lambda data: data["en"].pop("decimal_mark"), "en.decimal_mark"),
        (lambda data: data["en"]["number_words"].update({"jeden": 2}), "en.number_words.jeden"),
        (lambda data: data["cs"].update({"standalone_scales": ["milionek"]}), "cs.scales"),
        (lambda data: data["en"].update({"range_connectors": "to"}), "en.range_connectors"),
        (lambda data: data["sk"]["roles"]["grant"]["phrases"].append("celkové náklady"), "sk.roles.grant.phrases"),
    ],
)
def test_malformed_data_names_file_and_key(monkeypatch: pytest.MonkeyPatch, change: Any, key: str) -> None:
    monkeypatch.setattr(amounts, "load_data", lambda name: _broken(change))
    with pytest.raises(LexiconError) as error:
        amounts._load_lexicon()
    assert "amounts.toml" in str(error.value)
    assert key in str(error.value)


def test_amount_after_a_year_opens_with_its_code() -> None:
    lowered = "in 2020 eur 5 million was allocated."
    match = amounts.PATTERNS.amount.match(lowered, lowered.index("2020"))
    assert match is not None and match["post"] == "eur"
    moved = amounts._past_year(lowered, match)
    assert moved is not None and moved.group() == "eur 5 million"


def test_amount_without_a_year_before_its_code_stays() -> None:
    lowered = "cost 500 eur 5 days"
    match = amounts.PATTERNS.amount.match(lowered, lowered.index("500"))
    assert match is not None and amounts._past_year(lowered, match) is match


def test_matches_without_a_currency_give_no_mentions() -> None:
    assert extract_amounts("Tel. 2019 20 30, 15 000 lidí, 12 – 14 dní", "cs") == []


# --- split patterns ---------------------------------------------------------------------------------

_TOKEN_SETS = {
    "scales": amounts.LEXICON.word_scale_tokens,
    "number words": amounts.LEXICON.number_word_tokens,
    "currencies": amounts.LEXICON.currency_tokens,
}


@pytest.mark.parametrize("name", sorted(_TOKEN_SETS))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_trie_branches_find_what_the_trie_finds(name: str, data: st.DataObject) -> None:
    tokens = _TOKEN_SETS[name]
    pieces = [token.lower() for token in tokens] + ["x", " ", "  ", "1", ".", "ú", "ia", "n"]
    text = "".join(data.draw(st.lists(st.sampled_from(pieces), max_size=8)))
    whole = re.compile(amounts._trie(tokens) + amounts.NOT_LETTER_AFTER)
    branches = [re.compile(branch + amounts.NOT_LETTER_AFTER)
                for branch in amounts._trie_branches(tokens, 3)]
    expected = [(m.span(), m.group()) for m in whole.finditer(text)]
    assert [(m.span(), m.group()) for m in leftmost_matches(branches, text)] == expected


def test_scale_anchors_are_the_scale_anchor_pattern_split() -> None:
    text = "1,5 mil. Kč, půl milionu, tři miliardy, 10 tis., two thousand, a billion, bilion, emil mil"
    whole = [m.span() for m in amounts.PATTERNS.scale_anchor.finditer(text)]
    assert [m.span() for m in leftmost_matches(amounts.PATTERNS.scale_anchors, text)] == whole
    assert len(whole) == 9  # "mil" inside "emil" too: the word start is checked afterwards


_AMOUNT_PIECES = ["eur", "EUR", "€", "$", "us$", "US$ ", "mezi", "between", "a", "půl", "dva", "tři", "million",
                  "milionu", "mil.", "tis.", "5", "10 000", "2019", "-", "–", " ", "  ", "\n", ",", ".", "kč", "od",
                  "do", "and", "a half", "three quarters of a", "x", "ô", "šest", "jeden a půl", "k", "CZK", ":",
                  "půl milionu", "dva miliony", "a million", "three quarters of a million", "mezi 5 a 10 mil. Kč",
                  "between €5 and €10", "EUR 5 million", "milion korun", "2 – 3 mil.", "tři sta tisíc"]


def _plain_amount_at(lowered: str, anchor: int, lead: int, floor: int) -> re.Match[str] | None:
    """``_amount_at`` trying the amount at every token start before the anchor."""
    line_start = lowered.rfind("\n", max(0, anchor - lead), anchor) + 1
    lead_start = max(floor, line_start, anchor - lead)
    for token in amounts.TOKEN_START.finditer(lowered, lead_start, anchor):
        match = amounts.PATTERNS.amount.match(lowered, token.start())
        if match is not None and match.end() > anchor:
            return amounts._past_year(lowered, match)
    match = amounts.PATTERNS.amount.match(lowered, anchor)
    return amounts._past_year(lowered, match) if match is not None and match.end() > anchor else None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_AMOUNT_PIECES, "𝐀", "x€", "ǅ", "²"]), max_size=12))
def test_amount_at_tries_the_token_starts_an_amount_may_start_at(pieces: list[str]) -> None:
    lowered = "".join(pieces).lower()
    for token in amounts.TOKEN_START.finditer(lowered):
        if amounts.PATTERNS.amount.match(lowered, token.start()) is not None:
            assert amounts.PATTERNS.amount_start.match(lowered, token.start()) is not None
    for anchor, lead in amounts._anchors(lowered):
        for floor in {0, max(0, anchor - 6), anchor}:
            found = amounts._amount_at(lowered, anchor, lead, floor)
            plain = _plain_amount_at(lowered, anchor, lead, floor)
            assert (found and (found.span(), found.groupdict())) == (plain and (plain.span(), plain.groupdict()))


_START_TOKENS = [*amounts.LEXICON.range_openers, *amounts.LEXICON.code_tokens, *amounts.LEXICON.number_word_tokens,
                 *amounts.LEXICON.standalone_tokens]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*(token.lower() for token in _START_TOKENS), *_AMOUNT_PIECES, "_", "x€", "a$", "9a",
                                 "𝐀", "𝟓", "²", "ǅ"]),
                max_size=10),
       st.integers(0, 5), st.integers(0, 5))
def test_amount_start_finds_the_places_the_tokens_stand_at(pieces: list[str], skip: int, cut: int) -> None:
    text = "".join(pieces).lower()
    plain = re.compile(f"(?={amounts._words(_START_TOKENS)})(?s:.)")
    end = max(0, len(text) - cut)
    found = [m.span() for m in amounts.PATTERNS.amount_start.finditer(text, skip, end)]
    assert found == [m.span() for m in plain.finditer(text, skip, end)]


_NUMBERS = ["1", "12", "123", "5", "0", "1 500", "10.000", "2,5", "1'000", "1,500", "12 345,50", "2019", "1 50", "7.5"]
_SCALES = ["k", "m", "mil", "mil.", "tis.", "milionů", "million", "billion", "mld", "bn", "miliony", "tisíc", "kč"]
_WORDS = ["dva", "tři", "jeden", "a", "half", "půl", "jeden a půl", "two", "x"]
_GAPS = ["", " ", " ", " ", "  ", "   ", "'", ".", ","]
_AFTER = ["", " ", ",-", ".-", " – ", "-", " a ", " and ", " do ", " až ", "\n", "x", " eur", " kč", "€", ".", ","]


@st.composite
def _quantities(draw: st.DrawFn) -> str:
    """Something like a quantity: terms (a number or a number word, maybe with a scale word) joined by gaps."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        term = draw(st.sampled_from(_NUMBERS + _WORDS))
        if draw(st.booleans()):
            term += draw(st.sampled_from(_GAPS)) + draw(st.sampled_from(_SCALES))
        terms.append(term)
    return "".join(term + draw(st.sampled_from(_GAPS)) for term in terms)


@st.composite
def _amount_texts(draw: st.DrawFn) -> str:
    opener = draw(st.sampled_from(["", "mezi ", "between ", "od ", "eur ", "€", "us$ ", "x "]))
    pieces = [opener, draw(_quantities())]
    for _ in range(draw(st.integers(0, 2))):
        pieces += [draw(st.sampled_from(_AFTER)), draw(_quantities())]
    return "".join(pieces) + draw(st.sampled_from(_AFTER))


def test_no_opening_word_holds_a_place_an_amount_is_anchored_at() -> None:
    """What the lead scan of ``_amount_at`` rests on (it looks no further than the anchor): a word an amount
    may open with holds no digit and no scale word after a character that is no letter or digit, so
    one before an anchor ends before it."""
    for token in (token.lower() for token in _START_TOKENS):
        assert not any(char.isdigit() for char in token), token
        for place in range(1, len(token)):
            if not token[place - 1].isalnum():
                assert amounts.PATTERNS.scale_anchor.match(token, place) is None, token


def test_every_scale_word_starts_with_a_letter() -> None:
    """What reading a number once rests on (``quantity_regex``): no scale word starts where a shorter
    reading of a number ends (before a space or "'" and a digit)."""
    assert all(token[0].isalpha() for token in amounts.LEXICON.scale_tokens)


def test_no_token_after_a_run_of_spaces_starts_with_a_space() -> None:
    """What the possessive runs of spaces rest on (``Spacing``): the words, dashes and currencies after them
    start with no space (quantities start with a digit or a word)."""
    lexicon = amounts.LEXICON
    tokens = [*lexicon.scale_tokens, *lexicon.currency_tokens, *lexicon.code_tokens, *lexicon.dashes,
              *lexicon.range_connectors, *lexicon.range_paired_connectors, *lexicon.number_word_tokens,
              *lexicon.standalone_tokens]
    assert not [token for token in tokens if token[:1].isspace()]


@settings(max_examples=1000, deadline=None)
@given(st.one_of(_amount_texts(), st.lists(st.sampled_from(_AMOUNT_PIECES), max_size=10).map("".join)))
def test_amount_reads_what_the_plain_quantity_reads(text: str) -> None:
    text = text.lower()
    parts = amounts.quantity_parts(amounts.LEXICON, amounts.PLAIN_SPACING)
    plain = re.compile(amounts.amount_regex(amounts.LEXICON, amounts.plain_quantity_regex(parts), amounts.PLAIN_SPACING))
    names = list(plain.groupindex)
    for start in range(len(text) + 1):
        found, expected = amounts.PATTERNS.amount.match(text, start), plain.match(text, start)
        assert (found is None) == (expected is None)
        if found is not None and expected is not None:
            assert [found.span(name) for name in [0, *names]] == [expected.span(name) for name in [0, *names]]
