"""Date extraction: tables of cases per language, roles, evidence spans and the data file."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import dates as dates_module
from pipeline.extract.dates import LANGUAGES, PATTERNS, extract_dates, fold, is_month_name, parse_lexicon
from pipeline.extract.phrases import leftmost_matches
from pipeline.folding import lower_same_length
from pipeline.lexicon import LexiconError, load_data

# A title line first, so that a date alone on the next line is not read as the publication date
# unless a test wants it.
TITLE = "Report\n\n"


def values(text: str, language: str = "cs") -> list[str]:
    return [mention.value for mention in extract_dates(TITLE + text, language)]


def roles(text: str, language: str = "cs") -> list[tuple[str, str]]:
    return [(mention.value, mention.role) for mention in extract_dates(TITLE + text, language)]


# --- values -----------------------------------------------------------------------------------------

CS_CASES = [
    ("Seminář se konal 27. února 2019 v Praze.", ["2019-02-27"]),
    ("Seminář se konal 27. unora 2019 v Praze.", ["2019-02-27"]),
    ("Uzávěrka je 3. Března 2020.", ["2020-03-03"]),
    ("Projekt začal v únoru 2019.", ["2019-02"]),
    ("Období: únor 2019", ["2019-02"]),
    ("od října 2018 do května 2019", ["2018-10", "2019-05"]),
    ("Výzva byla vyhlášena v červnu 2020.", ["2020-06"]),
    ("Žádosti bylo možné podat do listopadu 2020.", ["2020-11"]),
    ("v lednu 2021 a v prosinci 2021", ["2021-01", "2021-12"]),
    ("Spolupráce trvá od září 2020.", ["2020-09"]),
    ("Koncem července 2019 jsme otevřeli pobočku.", ["2019-07"]),
    ("v cervenci 2019, v rijnu 2019, v zari 2019", ["2019-07", "2019-10", "2019-09"]),
    ("s dubnem 2018 a se srpnem 2018", ["2018-04", "2018-08"]),
    ("Akce proběhne 5. a 6. září 2021.", ["2021-09-05", "2021-09-06"]),
    ("Kurz probíhá 15.–16. května 2019.", ["2019-05-15", "2019-05-16"]),
    ("Festival se koná 30. září – 2. října 2021.", ["2021-09-30", "2021-10-02"]),
    ("od září do prosince 2020", ["2020-09", "2020-12"]),
    ("Projekt běží od prosince do února 2020.", ["2019-12", "2020-02"]),
    ("17. listopadu 1989", ["1989-11-17"]),
    ("Ve středu 4. 3. 2020 se uskutečnil kulatý stůl.", ["2020-03-04"]),
    ("dne 21. IX. 2021", ["2021-09-21"]),
    ("KVĚTEN 2022", ["2022-05"]),
    # not dates
    ("v roce 2019", []),
    ("v programovém období 2014–2021", []),
    ("Norské fondy 2014-2021", []),
    ("na Praze 4, Praze 12 a Praze 13", []),
    ("podle zákona č. 326/1999 Sb.", []),
    ("vyhláška č. 12/2019 Sb.", []),
    ("27. února", []),
    ("30. února 2019", []),
    ("celkem 15,3 milionů Kč, tj. 100 %", []),
    ("Sídlo: Praha 4 a 5. září 2021 akce", ["2021-09-05"]),
]

SK_CASES = [
    ("Stretnutie sa uskutoční 27. februára 2019.", ["2019-02-27"]),
    ("Stretnutie sa uskutoční 27. februara 2019.", ["2019-02-27"]),
    ("vo februári 2019", ["2019-02"]),
    ("február 2019", ["2019-02"]),
    ("od októbra 2018 do mája 2019", ["2018-10", "2019-05"]),
    ("Obdobie realizácie: Február – Apríl 2016", ["2016-02", "2016-04"]),
    ("Termín ukončenia výzvy: 30. jún 2016", ["2016-06-30"]),
    ("sa uskutoční dňa 07. júna 2016 o 10:30 hod.", ["2016-06-07"]),
    ("v januári 2020 a v marci 2020", ["2020-01", "2020-03"]),
    ("s januárom 2020", ["2020-01"]),
    ("v apríli 2017", ["2017-04"]),
    ("od júla 2017 do augusta 2017", ["2017-07", "2017-08"]),
    ("v júni 2018 a v auguste 2018", ["2018-06", "2018-08"]),
    ("v septembri 2019", ["2019-09"]),
    ("v októbri 2019", ["2019-10"]),
    ("v novembri 2019 a decembri 2019", ["2019-11", "2019-12"]),
    ("Výzva bola vyhlásená 17. marca 2022.", ["2022-03-17"]),
    ("Začiatok realizácie aktivít: 1.1.2017", ["2017-01-01"]),
    ("koniec: 21.12.2019", ["2019-12-21"]),
    ("od 1. 3. do 30. 6. 2020", ["2020-03-01", "2020-06-30"]),
    ("v dňoch 5. – 7. novembra 2019", ["2019-11-05", "2019-11-07"]),
    ("JÚN 2021", ["2021-06"]),
    ("na jeseň v septembri a októbri 2020", ["2020-09", "2020-10"]),
    # not dates
    ("podporený sumou 8.442,00 EUR", []),
    ("Finančný mechanizmus EHP 2009-2014", []),
    ("zákon č. 404/2011 Z. z. a č. 5/2019 Z. z.", []),
    ("ref. číslo SK 2016 AMIF SC2.1", []),
    ("v máji", []),
    ("31. apríla 2019", []),
    ("Pribinova 2, Bratislava", []),
]

EN_CASES = [
    ("The seminar took place on 27 February 2019 in Prague.", ["2019-02-27"]),
    ("It was signed on February 27, 2019.", ["2019-02-27"]),
    ("on the 27th of February 2019", ["2019-02-27"]),
    ("Report of Feb. 2019", ["2019-02"]),
    ("Sept 2019 newsletter", ["2019-09"]),
    ("In April 2019, a study trip took place.", ["2019-04"]),
    ("The project ran from October 2018 to May 2019.", ["2018-10", "2019-05"]),
    ("from October 2018 until May 2019", ["2018-10", "2019-05"]),
    ("Meetings will take place on 18 September 2018 and 13 November 2018.", ["2018-09-18", "2018-11-13"]),
    ("Period: February – April 2016", ["2016-02", "2016-04"]),
    ("The course runs 1-3 March 2020.", ["2020-03-01", "2020-03-03"]),
    ("The course runs March 1-3, 2020.", ["2020-03-01", "2020-03-03"]),
    ("from March 30 to April 2, 2020", ["2020-03-30", "2020-04-02"]),
    ("from 27 February to 3 March 2020", ["2020-02-27", "2020-03-03"]),
    ("between 5 and 7 March 2020", ["2020-03-05", "2020-03-07"]),
    ("on 18 and 19 September 2018", ["2018-09-18", "2018-09-19"]),
    ("on the 1st and 2nd of May 2019", ["2019-05-01", "2019-05-02"]),
    ("May and June 2021", ["2021-05", "2021-06"]),
    ("December 2019 – January 2020", ["2019-12", "2020-01"]),
    ("November – February 2016", ["2015-11", "2016-02"]),
    ("Sept. 5, 2019", ["2019-09-05"]),
    ("the 1st of May 2020", ["2020-05-01"]),
    ("5th–7th March 2020", ["2020-03-05", "2020-03-07"]),
    ("Published: Monday, 12th March, 2018", ["2018-03-12"]),
    ("JANUARY 2020", ["2020-01"]),
    # not dates
    ("Nearly 10 million euros in 2023", []),
    ("the first conception (2014-2017) and its update for 2018-2021", []),
    ("volunteers work 24/7 in three shifts", []),
    ("Act No. 4/2019 and Regulation (EU) 2016/679", []),
    ("version 1.2.3 of the tool", []),
    ("Room No. 349, Floor 3", []),
    ("14 March", []),
    ("call +420 224 224 379", []),
]

NUMERIC_CASES = [
    ("27. 2. 2019", ["2019-02-27"]),
    ("27.2.2019", ["2019-02-27"]),
    ("22. 02. 2016", ["2016-02-22"]),
    ("07. júna 2016", ["2016-06-07"]),
    ("1.1.2017", ["2017-01-01"]),
    ("2019-02-27", ["2019-02-27"]),
    ("2019-02-27T10:00:00", ["2019-02-27"]),
    ("27/02/2019", ["2019-02-27"]),
    ("03/04/2019", ["2019-04-03"]),
    ("02/27/2019", ["2019-02-27"]),
    ("27-02-2019", ["2019-02-27"]),
    ("10/2018", ["2018-10"]),
    ("10/2018 – 05/2019", ["2018-10", "2019-05"]),
    ("10/2018-05/2019", ["2018-10", "2019-05"]),
    ("2/2019", ["2019-02"]),
    ("21.–23. 9. 2021", ["2021-09-21", "2021-09-23"]),
    ("21. 9.–23. 9. 2021", ["2021-09-21", "2021-09-23"]),
    ("1. 4. 2012–31. 3. 2013", ["2012-04-01", "2013-03-31"]),
    ("21.9.-23.9.2021", ["2021-09-21", "2021-09-23"]),
    ("30. 12. – 2. 1. 2021", ["2020-12-30", "2021-01-02"]),
    ("Aktualizováno 19. 7. 2021 13:15", ["2021-07-19"]),
    ("29. 2. 2020", ["2020-02-29"]),
    ("Obdobie: 09.2018 – 08.2020", ["2018-09", "2020-08"]),
    ("2021/09/21", ["2021-09-21"]),
    ("21.–23. IX. 2021", ["2021-09-21", "2021-09-23"]),
    # not dates
    ("2019", []),
    ("2014-2021", []),
    ("2014–2021", []),
    ("(2014-2017)", []),
    ("2018/2019", []),
    ("24/7", []),
    ("100 %", []),
    ("8.442,00 EUR", []),
    ("1.500.000 Kč", []),
    ("1.2.3", []),
    ("31. 2. 2019", []),
    ("29. 2. 2019", []),
    ("12. 13. 2019", []),
    ("13/13/2019", []),
    ("2019-13-01", []),
    ("1. 1. 1850", []),
    ("1. 1. 2150", []),
    ("13/2019", []),
    ("+421 905 123 456", []),
    ("1/2", []),
    ("v1.2.2019", []),
    ("1.2019", []),
    ("12.2020,50 EUR", []),
    ("č. 05.2019", []),
    ("tel.: 2/2092 0800", []),
    ("Tel. 02/2010", []),
    ("+421 2/2092 0800", []),
]


@pytest.mark.parametrize(("text", "expected"), CS_CASES)
def test_cs_values(text: str, expected: list[str]) -> None:
    assert values(text, "cs") == expected


@pytest.mark.parametrize(("text", "expected"), SK_CASES)
def test_sk_values(text: str, expected: list[str]) -> None:
    assert values(text, "sk") == expected


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_en_values(text: str, expected: list[str]) -> None:
    assert values(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), NUMERIC_CASES)
def test_numeric_values(text: str, expected: list[str]) -> None:
    assert values(text, "cs") == expected


def test_language_is_only_a_hint() -> None:
    text = "Začiatok realizácie: 1. februára 2019. The seminar took place on 27 February 2019."
    assert values(text, "en") == values(text, "sk") == ["2019-02-01", "2019-02-27"]


def test_precision_follows_the_value() -> None:
    mentions = extract_dates(TITLE + "27. 2. 2019, v březnu 2019", "cs")
    assert [(m.value, m.precision) for m in mentions] == [("2019-02-27", "day"), ("2019-03", "month")]


# --- every month form of the data file --------------------------------------------------------------


def _month_forms() -> list[tuple[str, str, int]]:
    raw = load_data("dates")
    return [(lang, form, number) for lang in LANGUAGES for number, forms in enumerate(raw[lang]["months"], 1)
            for form in forms]


@pytest.mark.parametrize(("lang", "form", "number"), _month_forms())
def test_every_month_form_with_day(lang: str, form: str, number: int) -> None:
    assert values(f"Termín: 5. {form} 2019.", lang) == [f"2019-{number:02d}-05"]


@pytest.mark.parametrize(("lang", "form", "number"), _month_forms())
def test_every_month_form_without_diacritics_capitalised(lang: str, form: str, number: int) -> None:
    assert values(f"Termín: v {fold(form).capitalize()} 2019.", lang) == [f"2019-{number:02d}"]


# --- roles ------------------------------------------------------------------------------------------

ROLE_CASES = [
    # cs
    ("cs", "Datum zahájení příjmu žádostí je 3. 7. 2015.", [("2015-07-03", "start")]),
    ("cs", "Datum ukončení příjmu žádostí je 16. 8. 2015.", [("2015-08-16", "end")]),
    ("cs", "Sdružení začalo projekt realizovat od září 2020.", [("2020-09", "start")]),
    ("cs", "Žadatelé předložili do listopadu 2020 celkem 3 žádosti.", [("2020-11", "end")]),
    ("cs", "Vydáno 5. 3. 2020", [("2020-03-05", "publication")]),
    ("cs", "Aktualizováno 19. 7. 2021 13:15", [("2021-07-19", "publication")]),
    ("cs", "V úterý 21. 9. 2021 proběhla konference.", [("2021-09-21", "event")]),
    ("cs", "Konference se uskuteční 4. 5. 2022 v Brně.", [("2022-05-04", "event")]),
    ("cs", "Doba trvání:\n\n1. 4. 2012–31. 3. 2013", [("2012-04-01", "start"), ("2013-03-31", "end")]),
    ("cs", "Zahájení:\n1. 4. 2012", [("2012-04-01", "start")]),
    ("cs", "V dubnu 2019 jsme vydali zprávu.", [("2019-04", "other")]),
    ("cs", "od 1. 3. do 30. 6. 2020", [("2020-03-01", "start"), ("2020-06-30", "end")]),
    # sk
    ("sk", "Začiatok realizácie aktivít: 1.1.2017", [("2017-01-01", "start")]),
    ("sk", "Odporúčaný koniec realizácie projektu: 21.12.2019", [("2019-12-21", "end")]),
    ("sk", "Termín ukončenia výzvy: 30. jún 2016", [("2016-06-30", "end")]),
    ("sk", "Zverejnené: 3. 5. 2021", [("2021-05-03", "publication")]),
    ("sk", "Stretnutie sa uskutoční dňa 07. júna 2016 o 10:30.", [("2016-06-07", "event")]),
    ("sk", "Obdobie realizácie: Február – Apríl 2016", [("2016-02", "start"), ("2016-04", "end")]),
    ("sk", "od októbra 2018 do mája 2019", [("2018-10", "start"), ("2019-05", "end")]),
    ("sk", "Ukončenie:\n\n31. 12. 2020", [("2020-12-31", "end")]),
    # en
    ("en", "Start date: 1 March 2020", [("2020-03-01", "start")]),
    ("en", "End date: 31 May 2021", [("2021-05-31", "end")]),
    ("en", "Deadline for applications: 15/03/2020", [("2020-03-15", "end")]),
    ("en", "Posted on Tuesday, 5 March 2020", [("2020-03-05", "publication")]),
    ("en", "Date of publication:\n12 June 2019", [("2019-06-12", "publication")]),
    ("en", "The seminar took place on 27 February 2019 in Prague.", [("2019-02-27", "event")]),
    ("en", "The meetings will take place on 18 September 2018 and 13 November 2018.",
     [("2018-09-18", "event"), ("2018-11-13", "event")]),
    ("en", "The project, which ran from October 2018 to May 2019, ended.", [("2018-10", "start"), ("2019-05", "end")]),
    ("en", "Applications are accepted until 30 June 2020.", [("2020-06-30", "end")]),
    ("en", "In April 2019, employees visited Bergen.", [("2019-04", "other")]),
    ("en", "The call opens on 1 February 2020 and closes on 31 March 2020.",
     [("2020-02-01", "start"), ("2020-03-31", "end")]),
    ("en", "between 5 and 7 March 2020", [("2020-03-05", "start"), ("2020-03-07", "end")]),
]


@pytest.mark.parametrize(("language", "text", "expected"), ROLE_CASES)
def test_roles(language: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert roles(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CVEK\n\n22. 02. 2016\n\nPodpora samosprávy", [("2016-02-22", "publication")]),
        ("Title\n5 March 2020\n", [("2020-03-05", "publication")]),
        ("A\nB\nC\nD\nE\nF\n\n22. 02. 2016\n", [("2016-02-22", "other")]),
    ],
)
def test_date_alone_at_the_top_is_the_publication_date(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.value, m.role) for m in extract_dates(text, "cs")] == expected


# --- evidence ---------------------------------------------------------------------------------------

EVIDENCE_CASES = [
    ("21.–23. 9. 2021", [("2021-09-21", "21.–23. 9. 2021"), ("2021-09-23", "23. 9. 2021")]),
    ("Február – Apríl 2016", [("2016-02", "Február – Apríl 2016"), ("2016-04", "Apríl 2016")]),
    ("October 2018 to May 2019", [("2018-10", "October 2018"), ("2019-05", "May 2019")]),
    ("1. 4. 2012–31. 3. 2013", [("2012-04-01", "1. 4. 2012"), ("2013-03-31", "31. 3. 2013")]),
    ("March 1-3, 2020", [("2020-03-01", "March 1-3, 2020"), ("2020-03-03", "March 1-3, 2020")]),
    ("v únoru 2019", [("2019-02", "únoru 2019")]),
    ("dne 19. 7. 2021 13:15", [("2021-07-19", "19. 7. 2021")]),
]


@pytest.mark.parametrize(("text", "expected"), EVIDENCE_CASES)
def test_evidence_text(text: str, expected: list[tuple[str, str]]) -> None:
    mentions = extract_dates(TITLE + text, "cs")
    assert [(m.value, m.evidence.text) for m in mentions] == expected
    assert all(m.rule.startswith("date.") for m in mentions)


FRAGMENTS = [
    "27. února 2019", "21.–23. 9. 2021", "October 2018 to May 2019", "Február – Apríl 2016", "10/2018",
    "2019-02-27", "1-3 March 2020", "18 and 19 September 2018", "2014–2021", "24/7", "8.442,00 EUR",
    "od", "do", "Vydáno", "Start date:", "took place on", "proběhla", "\n", "\n\n", " ", ", ", ". ", "–",
    "-", "/", "2019", "31", "12.", "září", "May", "and", "a", "č.", "1.2.3", "•",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="0123456789 .-–/:,", max_size=12)), max_size=25)
)
def test_evidence_is_the_text_it_points_at(parts: list[str]) -> None:
    text = "".join(parts)
    mentions = extract_dates(text, "cs")
    for mention in mentions:
        evidence = mention.evidence
        assert text[evidence.start:evidence.end] == evidence.text
        assert evidence.text.strip() == evidence.text
        assert re.fullmatch(r"\d{4}-\d{2}" if mention.precision == "month" else r"\d{4}-\d{2}-\d{2}", mention.value)
    starts = [mention.evidence.start for mention in mentions]
    assert starts == sorted(starts)


# --- the data file ----------------------------------------------------------------------------------


def _broken(path: tuple[str, ...], value: object) -> dict:
    raw = copy.deepcopy(load_data("dates"))
    node = raw
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("cs", "months"), [["leden"]] * 11, "[cs].months"),
        (("sk", "months"), [["január"], *[["x" + "abcdefghij"[i]] for i in range(10)], ["leden"]], "'leden'"),
        (("cs", "months"), [["leden"], ["leden"], *[["x" + "abcdefghij"[i]] for i in range(10)]], "'leden'"),
        (("en", "months"), [["jan uary"], *[["x" + "abcdefghijk"[i]] for i in range(11)]], "[en].months[0]"),
        (("en", "fillers"), "the", "[en].fillers"),
        (("en", "cues", "start"), ["start", 3], "[en.cues].start"),
        (("sk", "cues", "begin"), ["x"], "unknown roles"),
        (("cs", "prepositions", "start"), ["konec"], "konec"),
        (("common", "dashes"), ["--"], "[common].dashes"),
        (("common", "roman_months"), ["I"], "[common].roman_months"),
        (("en", "cues"), None, "[en.cues]"),
    ],
)
def test_malformed_data_names_file_and_key(path: tuple[str, ...], value: object, message: str) -> None:
    with pytest.raises(LexiconError) as error:
        parse_lexicon(_broken(path, value))
    assert "dates.toml" in str(error.value)
    assert message in str(error.value)


def test_data_file_parses() -> None:
    lexicon = parse_lexicon(load_data("dates"))
    assert lexicon.month_by_form["unora"] == 2
    assert lexicon.month_by_form["septembri"] == 9
    assert lexicon.month_by_form["sept"] == 9


# --- scanning shortcuts -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 ./-a٣", max_size=40))
def test_year_scan_is_the_plain_year_pattern(text: str) -> None:
    plain = re.compile(r"(?<!\d)(?:19\d\d|20\d\d|2100)(?!\d)")
    assert [m.span() for m in PATTERNS.year.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in leftmost_matches(PATTERNS.years, text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize("text", ["2100", "2101", "2099", "2000", "1899", "1900", "1999", "21000", "x2100y", "12100",
                                  "2100.", "210", "20", "19", "2 100", "2100 2101 2019", "1.2100", "٢2100", "2100٣"])
def test_year_scan_at_the_edge_years(text: str) -> None:
    plain = re.compile(r"(?<!\d)(?:19\d\d|20\d\d|2100)(?!\d)")
    assert [m.span() for m in leftmost_matches(PATTERNS.years, text)] == [m.span() for m in plain.finditer(text)]


def test_word_starts_are_short_numbers_and_month_length_words() -> None:
    text = "Od 5. ledna do září 2019 a v rámci projektu x1 12"
    starts = [(m.group(), m.lastgroup) for m in PATTERNS.word_start.finditer(text)]
    # "Od", "do", "a", "v" are shorter than any month, "projektu" is long enough and is checked by name;
    # "2019" has more digits than a day or a month
    assert starts == [("5", None), ("ledna", "word"), ("září", "word"), ("rámci", "word"), ("projektu", "word"),
                      ("1", None)]


@pytest.mark.parametrize(("word", "expected"), [("února", True), ("Unora", True), ("Sept", True),
                                                 ("SEPTEMBER", True), ("projektu", False), ("do", False)])
def test_is_month_name(word: str, expected: bool) -> None:
    assert is_month_name(word) is expected


def test_words_that_are_no_month_start_no_date() -> None:
    # "Praha" and "projekt" have a month's length but are no month: the date starts at the number
    assert values("Praha 5. 3. 2019, projekt 2/2020") == ["2019-03-05", "2020-02"]


# --- the scan against a plain one ---------------------------------------------------------------------

_MONTH_LENGTHS = [len(form) for form in dates_module.LEXICON.month_by_form]
_PLAIN_WORD_START = re.compile(
    rf"(?<![\w.,/])\d|(?<!\w)(?P<word>(?<![^\W\d_])[^\W\d_]{{{min(_MONTH_LENGTHS)},{max(_MONTH_LENGTHS)}}}(?![^\W\d_]))"
)


def _plain_match_ending_at(text: str, floor: int, year: re.Match[str]) -> dates_module.FoundMatch | None:
    """Every number and month-length word of the 64 characters before the year (and the year) tried."""
    start = max(floor, year.start() - dates_module.MAX_DATE_CHARS)
    for word in _PLAIN_WORD_START.finditer(text, start, year.start() + 1):
        if not dates_module._may_open_date(word):
            continue
        m = PATTERNS.master.match(text, word.start())
        if m is None or m.end() != year.end():
            continue
        real_months = dates_module.has_month_names(m)
        found = dates_module._read(m) if real_months else None
        if found is not None:
            return found
        if real_months and m.lastgroup in dates_module._SINGLE_NAMES:
            return None
        single = PATTERNS.singles.match(text, word.start())
        if single is not None and single.end() == year.end() and dates_module.has_month_names(single):
            return dates_module._read(single)
    return None


def _plain_find_matches(text: str) -> list[dates_module.FoundMatch]:
    matches = []
    done = 0
    for year in PATTERNS.year.finditer(text):
        if year.start() < done:
            continue
        found = dates_module._read(PATTERNS.iso.match(text, year.start()))
        if found is None and PATTERNS.year_lead.search(text, max(done, year.start() - 8), year.start()):
            found = _plain_match_ending_at(text, done, year)
        if found is not None:
            matches.append(found)
            done = found.end
    return matches


_DATE_PIECES = ["7", "07", "21", "3", "12", "2019", "2020", "1999", "2100", "123", "9.5", ".", ". ", " ", "  ",
                "\n", ":", ";", "(", ")", "-", "–", "/", ",", "září", "ledna", "May", "June", "a", "and", "až", "do",
                "th", "of", "SK", "AMIF", "IX", "Praze", "x"]


_DATE_LIKE = st.tuples(
    st.sampled_from(["7", "07", "21", "3", "12", "31", "30", "x"]),
    st.sampled_from([". ", ".", " ", "th of ", "/", "-", " – ", " a ", ": ", "(", "\n"]),
    st.sampled_from(["září", "ledna", "May", "June", "9", "IX", "12", "února", "Praze"]),
    st.sampled_from([" ", ". ", ", ", "/", ".", "  ", ";", ")"]),
    st.sampled_from(["2019", "2020", "1999", "2100"]),
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(_DATE_LIKE, st.sampled_from(_DATE_PIECES)), max_size=10))
def test_find_matches_is_the_plain_scan(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dates_module.find_matches(text) == _plain_find_matches(text)


_NO_MONTH_IN_A_RANGE = ["30. září – 2. Praze 2019", "Praze – června 2019", "června – Praze 2019",
                        "May 5 – Praze 7, 2019"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_DATE_LIKE, st.sampled_from([*_DATE_PIECES, *_NO_MONTH_IN_A_RANGE])), max_size=8))
def test_month_names_are_checked_in_the_groups_of_the_form_that_matched(pieces: list[str]) -> None:
    text = "".join(pieces)
    for pattern in (PATTERNS.master, PATTERNS.singles):
        for start in range(len(text)):
            m = pattern.match(text, start)
            if m is None:
                continue
            every_group = all(m.group(name) is None or is_month_name(m.group(name))
                              for name in PATTERNS.month_groups if name in m.re.groupindex)
            assert dates_module.has_month_names(m) == every_group


# --- patterns opening with a character, against the conditions as they read --------------------------

_LEFT = r"(?<![\w.,/])"
_MONTH_LENGTHS = [len(form) for form in dates_module.LEXICON.month_by_form]
_SCAN_PIECES = ["1", "12", "123", "2019", "a", "ab", "Září", "září", "května", "Sept", "September", "x" * 11,
                " ", "  ", ".", ",", "/", "-", "_", "!", "?", ";", ". ", ".  X", "\n", "é", "ß", "2.", "a1", "²",
                "١٢", "𝐀𝐁𝐂", "Ⅻ"]


def _plain_word_start(shortest: int, longest: int) -> re.Pattern[str]:
    month_words = rf"(?<![^\W\d_])[^\W\d_]{{{shortest},{longest}}}(?![^\W\d_])"
    return re.compile(rf"{_LEFT}\d(?!\d\d)|(?<!\w)(?P<word>{month_words})")


def _scanned(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[Any, ...]]:
    return [(m.span(), m.lastgroup, m.groupdict()) for m in pattern.finditer(text, start, end)]


def test_word_start_is_built_from_the_month_lengths() -> None:
    built = dates_module._word_start(_LEFT, min(_MONTH_LENGTHS), max(_MONTH_LENGTHS))
    assert PATTERNS.word_start.pattern == built.pattern


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=12), st.integers(0, 4), st.integers(0, 4),
       st.sampled_from([(3, 10), (1, 1), (2, 5)]))
def test_word_start_finds_what_its_conditions_say(pieces: list[str], skip: int, cut: int,
                                                   lengths: tuple[int, int]) -> None:
    text = "".join(pieces)
    end = max(0, len(text) - cut)
    pattern = dates_module._word_start(_LEFT, *lengths)
    plain = _scanned(_plain_word_start(*lengths), text, skip, end)
    assert _scanned(pattern, text, skip, end) == plain
    # one kind of start alone: the same starts of that kind (a number and a word never overlap)
    numbers = dates_module._word_start(_LEFT, *lengths, opening="number")
    words = dates_module._word_start(_LEFT, *lengths, opening="word")
    plain_numbers = [found[:2] for found in plain if found[1] is None]
    assert [found[:2] for found in _scanned(numbers, text, skip, end)] == plain_numbers
    assert _scanned(words, text, skip, end) == [found for found in plain if found[1] == "word"]


def test_starts_of_one_kind_are_built_from_the_month_lengths() -> None:
    for opening in ("number", "word"):
        built = dates_module._word_start(_LEFT, min(_MONTH_LENGTHS), max(_MONTH_LENGTHS), opening)
        assert PATTERNS.start_of[opening].pattern == built.pattern


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=12))
def test_clause_break_finds_what_its_conditions_say(pieces: list[str]) -> None:
    text = "".join(pieces)
    plain = re.compile(r"[!?;]|(?<=[^\W\d_]{2})\.(?=[ ]+\S)")
    assert _scanned(dates_module._CLAUSE_BREAK, text, 0, len(text)) == _scanned(plain, text, 0, len(text))
    last = dates_module._LAST_CLAUSE_BREAK.match(text)
    assert (last and last.end()) == ([None, *(m.end() for m in plain.finditer(text))][-1])


_LEAD_PIECES = ["May", "Feb.", "a", "ú", "x.", ".", "/", "-", "–", ",", " ", "  ", "   ", "5", "12", "123", "5th", "12th",
                "1st", "²", "½", "Ⅻ", "١", "_", "\n", ":", "(", "1.", "2019", "5 ", "ab"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_LEAD_PIECES), max_size=6), st.integers(0, 12))
def test_year_lead_is_the_search_of_its_pattern(pieces: list[str], back: int) -> None:
    text = "".join(pieces) + "2019"
    position = len(text) - 4
    floor = max(0, position - back)
    expected = PATTERNS.year_lead.search(text, floor, position) is not None
    assert dates_module.has_year_lead(text, floor, position) == expected


# --- the forms tried at a place, narrowed by the year's lead ------------------------------------------

_FORM_PIECES = ["5", "05", "12", "31", "2019", "2020", "123", "²", "١", "May", "Feb", "září", "února", "Praze", "IX",
                "ix", "XII", "th", "st", "5th", "12th", "of", "and", "a", "do", "to", ".", ". ", ",", ", ", " ", "  ",
                "   ", "/", "-", "–", " – ", "x"]


def _narrowed_agrees(text: str, start: int, year: re.Match[str]) -> None:
    lead = dates_module.year_lead_shape(text, year.start())
    opening = "word" if text[start].isalpha() or not text[start].isdecimal() else "number"
    for whole, narrowed in ((PATTERNS.master, PATTERNS.master_for), (PATTERNS.singles, PATTERNS.singles_for)):
        m = whole.match(text, start)
        pattern = None if lead is None else narrowed[opening, lead]
        n = None if pattern is None else pattern.match(text, start)
        if m is not None and m.end() == year.end():
            assert n is not None and (n.lastgroup, n.span()) == (m.lastgroup, m.span()), (text, start)
            if m.lastgroup not in dates_module._SINGLE_NAMES:  # a range or list: its joint is found before the year
                assert PATTERNS.joint.search(text, start, year.start()) is not None, (text, start)
        else:  # no form of all ends with this year here: no narrowed one does
            assert n is None or n.end() != year.end(), (text, start)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_DATE_LIKE, st.sampled_from(_FORM_PIECES)), max_size=9))
def test_forms_narrowed_by_the_year_lead_find_what_every_form_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    for year in PATTERNS.year.finditer(text):
        for start in range(max(0, year.start() - dates_module.MAX_DATE_CHARS), year.start()):
            _narrowed_agrees(text, start, year)


@pytest.mark.parametrize("text", [
    "27. 2. 2019", "27.2.2019", "27.  2.  2019", "21. IX. 2021", "21.IX.2021", "21. ix. 2021", "27/02/2019",
    "27-02-2019", "02/27/2019", "10/2019", "05.2019", "5. a 6. září 2021", "21.–23. 9. 2021", "1. 9. – 2. 10. 2021",
    "27. února 2019", "27 February 2019", "27th of February, 2019", "Feb. 2019", "Feb., 2019", "February, 2019",
    "February 27, 2019", "February 27 2019", "February 27th 2019", "February 27th, 2019", "May 5 – June 7, 2019",
    "May 5 – 7, 2019", "May 5th and 7th, 2019", "Február – Apríl 2016", "18 and 19 September 2018",
    "30. září – 2. října 2021", "5února 2019", "KVĚTEN 2022", "v lednu  2021", "v lednu   2021",
])
def test_forms_narrowed_by_the_year_lead_at_every_form(text: str) -> None:
    for padded in (text, f"Dne {text} se", f"x{text}"):
        for year in PATTERNS.year.finditer(padded):
            for start in range(year.start()):
                _narrowed_agrees(padded, start, year)
        assert dates_module.find_matches(padded) == _plain_find_matches(padded)


@pytest.mark.parametrize(("text", "shape"), [
    ("2.2019", "dot_digit"), ("IX.2019", "dot"), ("2/2019", "slash"), ("2-2019", "hyphen"),
    ("2. 2019", "spaced_dot_digit"), ("2.  2019", "spaced_dot_digit"), ("Feb. 2019", "spaced_dot"),
    ("May, 2019", "comma"), ("May 5 2019", "spaced_digit"),
    ("5th 2019", "spaced_letter_digit"), ("5th  2019", "spaced_letter_digit"), ("May 2019", "spaced_letter"),
    ("2019", None), ("x2019", None), ("May   2019", None), (":2019", None), (" 2019", None), ("–2019", None),
])
def test_year_lead_shape(text: str, shape: str | None) -> None:
    assert dates_module.year_lead_shape(text, len(text) - 4) == shape


# --- role cues found in the lower-cased copy --------------------------------------------------------

_CUE_WORDS = sorted(dates_module.LEXICON.cues)
_ODD_CHARS = ["İ", "ı", "ſ", "K", "ẞ", "ß", "Σ", "σ", "ς", "ǅ", "Ⅻ", "²", "𝐀", "𝐚", "_", "5", "١", "\u0345", "ͅΙ", "ﬁ"]


def _written(word: str, case: str, plain: bool) -> str:
    """A cue as a text may write it: in some case, maybe without its diacritics."""
    word = fold(word) if plain else word
    return {"lower": word, "upper": word.upper(), "title": word.title(), "swap": word.swapcase()}[case]


_WRITTEN_CUES = st.builds(_written, st.sampled_from(_CUE_WORDS), st.sampled_from(["lower", "upper", "title", "swap"]),
                          st.booleans())


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_WRITTEN_CUES, st.sampled_from([" ", "  ", ", ", ".", "\n", "x", "a", *_ODD_CHARS])),
                max_size=10))
def test_cues_found_in_the_lower_cased_copy_are_the_cues_found_ignoring_case(pieces: list[str]) -> None:
    text = "".join(pieces)
    lowered = lower_same_length(text)
    for start in (0, 1, len(text) // 2):
        expected = [m.span() for m in PATTERNS.cue.finditer(text[start:])]
        assert [m.span() for m in PATTERNS.cue_lowered.finditer(lowered[start:])] == expected


def test_every_cue_letter_matches_in_the_lower_cased_copy_where_it_matches_ignoring_case() -> None:
    # every character, against each letter of the cues (and a letter's case does not change whether it is one)
    letters = sorted({char for word in _CUE_WORDS for char in word if char != " "})
    blind = {letter: re.compile(dates_module._letter_pattern(letter, dates_module.LEXICON.letter_variants),
                                re.IGNORECASE) for letter in letters}
    lowered = {letter: re.compile(dates_module._letter_pattern(letter, dates_module.LEXICON.letter_variants, True))
               for letter in letters}
    any_blind = re.compile("|".join(pattern.pattern for pattern in blind.values()), re.IGNORECASE)
    any_lowered = re.compile("|".join(pattern.pattern for pattern in lowered.values()))
    word_letter = re.compile(r"[^\W\d_]")
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        low = lower_same_length(char)
        assert bool(word_letter.match(char)) == bool(word_letter.match(low)), hex(code)
        if any_blind.match(char) or any_lowered.match(low):
            for letter in letters:
                assert bool(blind[letter].match(char)) == bool(lowered[letter].match(low)), (letter, hex(code))


_RANGE_LIKE = st.tuples(
    st.sampled_from(["5", "21", "30", "May 5", "Feb", "září", "x"]),
    st.sampled_from([".", "", "th", ". září"]),
    st.sampled_from([" – ", "–", "-", " a ", " and ", " to ", " až do ", "  do  ", " ", ", "]),
    st.sampled_from(["6", "23", "2", "June 7", "Apr", "října"]),
    st.sampled_from([". ", ".", " ", "th ", ". 9. ", ". října ", "/"]),
    st.sampled_from(["", "září ", "IX. ", "May ", "3/"]),
    st.sampled_from(["2021", "2019"]),
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_DATE_LIKE, _RANGE_LIKE, st.sampled_from(_FORM_PIECES)), max_size=8))
def test_find_matches_over_every_year_lead_is_the_plain_scan(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dates_module.find_matches(text) == _plain_find_matches(text)


# --- the top lines, against a loop over the lines ---------------------------------------------------


def _plain_top_lines_end(text: str) -> int:
    count = position = 0
    while position < len(text):
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end
        if re.search(r"\S", text[position:line_end]):
            count += 1
            if count == dates_module.PUBLICATION_TOP_LINES:
                return position
        position = line_end + 1
    return len(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\n\n", " ", "\t", "\r", "\r\n", "\x0b", "\x85", "\u2028", "\u3000", "x", "é",
                                 "𝐀", "21. 9. 2021", " x "]), max_size=25))
def test_top_lines_end_is_the_loop_over_the_lines(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dates_module.top_lines_end(text) == _plain_top_lines_end(text)


@pytest.mark.parametrize("text", ["", "\n", "a", "a\nb\nc\nd\ne", "a\nb\nc\nd\n", "a\nb\nc\nd\n \n",
                                  "\n\na\n \nb\nc\n\nd\n\n  e\nf", "a\nb\nc\nd\ne\n", "a\r\nb\r\nc\r\nd\r\ne"])
def test_top_lines_end_at_the_edges(text: str) -> None:
    assert dates_module.top_lines_end(text) == _plain_top_lines_end(text)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["2019", "2100", "1999", "2019-02-27", "2019/2/7", "-", "/", "02", "2", "27", "–", " ",
                                 ".", "x", "\n"]), max_size=10))
def test_iso_dates_are_found_where_their_separator_follows_the_year(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dates_module.find_matches(text) == _plain_find_matches(text)
