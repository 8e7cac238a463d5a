"""Every stage survives arbitrary text: no exception, spans that point at their text, valid and
deterministic records.

Reports come from the open web and e-mail attachments, so any input may be broken or hostile. Two kinds
of input: arbitrary Unicode (control characters, combining marks, right-to-left text and direction
marks, no lone surrogates), and text stitched from domain fragments ("8 442 €", "21. 9. 2021", "z. s.",
"Project promoter:", bullets, line ends) so that the extractors' interesting paths run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pipeline.extract.amounts import extract_amounts
from pipeline.extract.codes import extract_project_codes
from pipeline.extract.contacts import extract_contact_persons, extract_emails, extract_urls
from pipeline.extract.countries import extract_countries
from pipeline.extract.dates import extract_dates
from pipeline.extract.organisations import find_mentions, group_entities
from pipeline.extract.parties import assign_roles
from pipeline.extract.programmes import extract_programmes
from pipeline.extract.target_groups import extract_target_groups
from pipeline.language import detect_document
from pipeline.models import Evidence, Record
from pipeline.normalise import normalise
from pipeline.process import build_record, extract_text
from pipeline.schema_export import RECORD_SCHEMA
from pipeline.split import split

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / RECORD_SCHEMA
LANGUAGES = ("cs", "sk", "en")

# Deterministic (derandomize: the same examples on every run, no example database) and quick.
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# The whole pipeline costs more per example.
PIPELINE_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=100)


# --- strategies ------------------------------------------------------------------------------------

# Characters the rules act on or that break naive code: controls, line and paragraph separators,
# combining marks, zero-width and direction marks, right-to-left letters, no-break and thin spaces,
# quotes, dashes, bullets, the replacement character, a non-BMP letter and an emoji.
SPECIAL_CHARS = [
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\t", "\n", "\r", "\x0b", "\x0c", "\u2028", "\u2029",
    "\u0301", "\u030c", "\u0308", "\u200b", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
    "\u2069", "\ufeff", "\u00ad", "\u05d0", "\u05e9", "\u0627", "\u0644", "\u0661", "\u00a0", "\u2009",
    "\u202f", "\u3000", "„", "“", "”", "«", "»", "'", '"', "-", "–", "—", "•", "·", "▪", "*", "\uf0b7",
    "\ufffd", "𝐀", "😀", "İ", "ß", "ﬁ", "Ⅻ", "²", "٣", "೬", ":", ".", ",", ";", "/", "@", "(", ")", "€", "$",
]

# Pieces of real reports: amounts, dates, legal forms, organisations, labels, cues, codes, contacts.
DOMAIN_FRAGMENTS = [
    "8 442 €", "€42,040", "8.442,00 EUR", "1,5 mil. Kč", "půl milionu korun", "10 000,- Kč", "USD 5", "2 173 000,00 EUR",
    "od 5 do 10 mil. Kč", "between €5,000 and €10,000", "2014-2021",
    "21. 9. 2021", "21.–23. 9. 2021", "27. února 2019", "February 27, 2019", "10/2018", "2019-02-27",
    "Február – Apríl 2016", "18 and 19 September 2018", "09.2018 – 08.2020", "31. 2. 2019", "2019", "12.", "září",
    "z. s.", "o. p. s.", "a. s.", "n. o.", "s.r.o.", "Ministerstvo vnútra", "Ministerstvo vnútra Slovenskej republiky",
    "Sdružení pro integraci a migraci", "Association for Integration and Migration", "CVEK", "SIMI", "(SIMI)",
    "Project promoter:", "Project partners:", "Partner:", "Realizace:", "Žiadateľ:", "Příjemci podpory:",
    "Amount:", "Grant:", "Výše dotace:", "Total cost:", "Start date:", "Začiatok realizácie:", "Vydáno",
    "Target groups", "Cílová skupina:", "Číslo projektu:", "Project number", "CZ03-0097",
    "2021-1-CZ01-KA220-ADU-000033344", "CZ.03.2.63/0.0/0.0/15_007/0001234",
    "EEA Grants", "Norway Grants", "Active Citizens Fund", "Fondy EHP", "Erasmus+", "Bilaterálny fond",
    "financováno z", "funded by", "Financování:", "will be submitted to", "v spolupráci s", "in cooperation with",
    "Norsko", "z Nórska", "Slovakia", "Česká republika", "ČR", "USA", "Island", "Dolní Rakousko",
    "Contact person:", "kontaktujte koordinátorku Evu Valentovou", "Ján Novák", "info@example.org",
    "info (at) example (dot) org", "https://www.example.org/a(b)", "www.eeagrants.cz",
    "The project", " the ", " and ", " was ", " of ", "Projekt", " je ", " a ", " v ", " na ", " se ", " sa ",
    " bol ", " byl ", " ktorý ", " který ",
    "• ", "- ", "– ", "* ", "1. ", "\n", "\n\n", "\r\n", " ", ", ", ". ", ": ", "–", "-", "/", "(", ")",
]

arbitrary_text = st.text(alphabet=st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(SPECIAL_CHARS)))
# Sentences rich in function words, so that the document reads as cs, sk or en and is extracted.
PROSE = [
    "The project was carried out by the association in cooperation with the city and its partners.",
    "It is one of the first projects of this kind that were supported in the region.",
    "Projekt byl realizován ve spolupráci s městem a je to jeden z prvních projektů, které se zde konaly.",
    "Projekt bol realizovaný v spolupráci s mestom a je to jeden z prvých projektov, ktoré sa tu konali.",
]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", ", ", ". ", ": ", "\n• ", " – "]

piece = st.one_of(
    st.sampled_from(DOMAIN_FRAGMENTS),
    st.sampled_from(DOMAIN_FRAGMENTS),
    st.sampled_from(PROSE),
    st.sampled_from(SPECIAL_CHARS),
    st.text(alphabet="0123456789 .,-–/:", max_size=10),
    st.text(max_size=6),
)
# Fragments with separators between them; most such texts read as cs/sk/en.
domain_text = st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), min_size=1, max_size=50).map(
    lambda pairs: "".join(part + separator for part, separator in pairs)
)
texts = st.one_of(arbitrary_text, domain_text)
languages = st.sampled_from(LANGUAGES)


# --- checks ----------------------------------------------------------------------------------------


def evidences(value: Any) -> Iterator[Evidence]:
    """Every Evidence held anywhere inside a model, list or tuple."""
    if isinstance(value, Evidence):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from evidences(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from evidences(item)


def assert_spans_point_at_text(text: str, found: Any) -> None:
    for evidence in evidences(found):
        assert 0 <= evidence.start <= evidence.end <= len(text), evidence
        assert text[evidence.start : evidence.end] == evidence.text, evidence


def dumped(found: Any) -> str:
    """A comparable rendering of an extractor's output (models or dataclasses)."""
    return repr(found)


# --- stages ----------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(texts)
def test_normalise_never_fails_and_maps_every_character(raw: str) -> None:
    result = normalise(raw)
    assert len(result.raw_offsets) == len(result.text) + 1
    offsets = list(result.raw_offsets)
    assert offsets == sorted(offsets)
    assert all(0 <= offset <= len(raw) for offset in offsets)
    assert normalise(raw) == result


@PROPERTY_SETTINGS
@given(texts)
def test_detect_document_names_a_language_code(raw: str) -> None:
    text = normalise(raw).text
    code = detect_document(text)
    assert isinstance(code, str) and code.isascii() and code.islower() and 2 <= len(code) <= 3
    assert detect_document(text) == code


@PROPERTY_SETTINGS
@given(texts, st.sampled_from((*LANGUAGES, "und")))
def test_split_gives_segments_inside_the_text(raw: str, language: str) -> None:
    text = normalise(raw).text
    segments = split(text, language)
    for segment in segments:
        assert 0 <= segment.start <= segment.end <= len(text), segment
        if segment.value_start is not None:
            assert segment.start <= segment.value_start <= segment.end, segment
    assert split(text, language) == segments


# One entry per extractor: how to call it on a text in a language.
EXTRACTORS: dict[str, Callable[[str, str], list[Any]]] = {
    "amounts": extract_amounts,
    "dates": extract_dates,
    "countries": extract_countries,
    "programmes": extract_programmes,
    "project_codes": extract_project_codes,
    "emails": lambda text, _language: extract_emails(text),
    "urls": lambda text, _language: extract_urls(text),
    "contacts": extract_contact_persons,
    "target_groups": extract_target_groups,
}


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
@PROPERTY_SETTINGS
@given(text=texts, language=languages)
def test_extractor_never_fails_and_points_at_its_text(name: str, text: str, language: str) -> None:
    extractor = EXTRACTORS[name]
    found = extractor(text, language)
    assert_spans_point_at_text(text, found)
    assert dumped(extractor(text, language)) == dumped(found)


@PROPERTY_SETTINGS
@given(texts, languages)
def test_extractor_on_normalised_text_points_at_its_text(raw: str, language: str) -> None:
    """What the pipeline does: every extractor on the normalised text."""
    text = normalise(raw).text
    for extractor in EXTRACTORS.values():
        assert_spans_point_at_text(text, extractor(text, language))


@PROPERTY_SETTINGS
@given(texts, languages)
def test_organisation_mentions_and_roles_stay_inside_the_text(raw: str, language: str) -> None:
    text = normalise(raw).text
    mentions = find_mentions(text, language)
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text), mention
    entities = group_entities(text, mentions)
    assert sorted((m.start, m.end) for entity in entities for m in entity.mentions) == sorted(
        (m.start, m.end) for m in mentions
    )
    parties = assign_roles(text, split(text, language), mentions, entities)
    for mention in (parties.promoter, *parties.partners, *parties.extra_mentions):
        if mention is not None:
            assert 0 <= mention.start < mention.end <= len(text), mention
    assert find_mentions(text, language) == mentions


# --- the whole pipeline ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def record_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def assert_valid_record(record: Record, schema: dict[str, Any]) -> None:
    text = record.normalised_text
    assert_spans_point_at_text(text, record)
    for segment in record.segments:
        assert 0 <= segment.start <= segment.end <= len(text), segment
    jsonschema.validate(record.model_dump(mode="json"), schema)


# The fields of a record that carry evidence: the walk in ``evidences`` must reach every one of them.
EVIDENCE_FIELDS = (
    "promoter", "partners", "organisations", "funding_evidence", "project_code_evidence", "amounts", "dates",
    "country_evidence", "contacts", "target_groups",
)


def test_evidence_walk_reaches_every_evidence_field() -> None:
    record = extract_text(
        "Title\n\nProject promoter: Association for Integration and Migration (SIMI)\nPartner: CVEK\n"
        "Amount: 8 442 €\nStart date: 21. 9. 2021\nProject number: CZ03-0097\nFunded by EEA Grants.\n"
        "The project ran in Slovakia.\nContact person: Ján Novák, jan@example.org\nTarget groups: migrants\n",
        "walk",
    )
    for name in EVIDENCE_FIELDS:
        assert list(evidences(getattr(record, name))), f"{name} holds no evidence in this record"


@PIPELINE_SETTINGS
@given(raw=texts)
def test_extract_text_gives_a_valid_deterministic_record(raw: str, record_schema: dict[str, Any]) -> None:
    record = extract_text(raw, "doc")
    assert_valid_record(record, record_schema)
    assert extract_text(raw, "doc").model_dump_json() == record.model_dump_json()


@PIPELINE_SETTINGS
@given(raw=texts, language=languages)
def test_record_in_a_supported_language_is_valid_and_deterministic(
    raw: str, language: str, record_schema: dict[str, Any]
) -> None:
    """Arbitrary text rarely reads as cs/sk/en; forcing the language runs every extractor, resolve and
    validate on it."""
    text = normalise(raw).text
    segments = split(text, language)
    record = build_record("doc", "<doc>", "0" * 64, text, language, segments)
    assert_valid_record(record, record_schema)
    again = build_record("doc", "<doc>", "0" * 64, text, language, split(text, language))
    assert again.model_dump_json() == record.model_dump_json()
