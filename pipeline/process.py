"""One document through every stage: normalise, language, split, extract, resolve, validate.

Pure functions of their input; reading files and writing outputs happen in ``pipeline.runner``.
"""

from __future__ import annotations

import hashlib

from pipeline import resolve
from pipeline.extract.amounts import extract_amounts
from pipeline.extract.codes import extract_project_codes
from pipeline.extract.contacts import extract_contact_persons, extract_emails, extract_urls
from pipeline.extract.countries import extract_countries
from pipeline.extract.dates import extract_dates
from pipeline.extract.organisations import find_mentions, group_entities
from pipeline.extract.parties import assign_roles
from pipeline.extract.programmes import extract_programmes
from pipeline.extract.target_groups import extract_target_groups
from pipeline.ingest import RawDocument
from pipeline.language import UNKNOWN, TextScores, document_language
from pipeline.models import Record, Segment
from pipeline.normalise import normalise
from pipeline.split import split
from pipeline.validate import validate

SUPPORTED_LANGUAGES = frozenset({"cs", "sk", "en"})


def extract_candidates(text: str, language: str, segments: list[Segment]) -> resolve.Candidates:
    """Run every extractor over the normalised text."""
    mentions = find_mentions(text, language)
    entities = group_entities(text, mentions)
    parties = assign_roles(text, segments, mentions, entities)
    return resolve.Candidates(
        amounts=extract_amounts(text, language),
        dates=extract_dates(text, language),
        countries=extract_countries(text, language),
        programmes=extract_programmes(text, language),
        project_codes=extract_project_codes(text, language),
        emails=extract_emails(text),
        urls=extract_urls(text),
        contacts=extract_contact_persons(text, language),
        target_groups=extract_target_groups(text, language),
        organisation_mentions=mentions,
        entities=entities,
        parties=parties,
    )


def _title(text: str, segments: list[Segment]) -> str | None:
    for segment in segments:
        if segment.kind == "title":
            return text[segment.start : segment.end]
    return None


def build_record(
    doc_id: str, source: str, sha256: str, text: str, language: str, segments: list[Segment],
    offset_map: list[tuple[int, int]] | None = None,
) -> Record:
    """The validated record of one normalised text."""
    if language not in SUPPORTED_LANGUAGES:
        # a document in another language is recorded with its language; extraction is not guessed
        empty = _empty_record(doc_id, source, sha256, text, language, segments)
        return validate(empty.model_copy(update={"offset_map": offset_map or []}))
    found = extract_candidates(text, language, segments)
    return record_from_candidates(found, doc_id, source, sha256, text, language, segments, offset_map)


def record_from_candidates(
    found: resolve.Candidates, doc_id: str, source: str, sha256: str, text: str, language: str,
    segments: list[Segment], offset_map: list[tuple[int, int]] | None = None,
) -> Record:
    """The validated record of what the extractors found in one normalised text."""
    codes = list(found.project_codes)
    programmes = resolve.first_per_value(found.programmes)
    countries = resolve.first_per_value(found.countries)
    emails = resolve.first_per_value(found.emails)
    # the model's validator given a dict: the same checks as Record(...), without the keyword-argument cost
    record = _validate_record(
        {
            "doc_id": doc_id,
            "source": source,
            "sha256": sha256,
            "language": language,
            "title": _title(text, segments),
            # fields, not models: the record's validator builds them with the rest
            "promoter": resolve.promoter_fields(text, found.parties, found.entities),
            "partners": resolve.partner_fields(text, found.parties, found.entities),
            "organisations": resolve.organisation_fields(text, found.entities, found.parties.extra_mentions),
            "funding_programmes": [m.value for m in programmes],  # type: ignore[misc]
            "funding_evidence": programmes,
            "project_code": codes[0].value if codes else None,
            "project_code_evidence": codes[0].evidence if codes else None,
            "amounts": resolve.unique_amounts(found.amounts),
            "dates": resolve.unique_dates(found.dates),
            "countries": sorted(m.value for m in countries),
            "country_evidence": countries,
            "emails": [m.value for m in emails],
            "urls": [m.value for m in resolve.first_per_value(found.urls)],
            "contacts": list(found.contacts),
            "target_groups": list(found.target_groups),
            "segments": segments,
            "normalised_text": text,
            "offset_map": offset_map or [],
        }
    )
    return validate(record)


_validate_record = Record.__pydantic_validator__.validate_python


def _empty_record(doc_id: str, source: str, sha256: str, text: str, language: str, segments: list[Segment]) -> Record:
    return Record(
        doc_id=doc_id, source=source, sha256=sha256, language=language, title=_title(text, segments),
        promoter=None, partners=[], organisations=[], funding_programmes=[], project_code=None, amounts=[],
        dates=[], countries=[], emails=[], segments=segments, normalised_text=text,
    )


def process_text(raw_text: str, doc_id: str, source: str, sha256: str) -> Record:
    """Normalise, detect, split, extract and validate one decoded text."""
    normalised = normalise(raw_text)
    text = normalised.text
    counted = TextScores(text)  # language counts made once, for the document and for every segment
    language = document_language(counted)
    segments = split(text, language if language != UNKNOWN else "und", counted)
    runs = normalised.raw_offsets
    offset_map = list(zip(runs.starts, runs.raw_starts))
    return build_record(doc_id, source, sha256, text, language, segments, offset_map)


def process_document(document: RawDocument) -> Record:
    return process_text(document.text, document.doc_id, document.source, document.sha256)


def extract_text(text: str, doc_id: str = "text", source: str | None = None) -> Record:
    """The validated record for one text (the notebook entry point)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return process_text(text, doc_id, source if source is not None else f"<{doc_id}>", digest)
