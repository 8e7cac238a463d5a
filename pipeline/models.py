"""The record's shape: pydantic models are the single source of truth.

The JSON Schema in ``schemas/`` and the CSV data dictionary are generated from these models.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PIPELINE_VERSION = "0.1.0"

AmountRole = Literal["grant", "total_cost", "initial_cost", "final_cost", "co_financing", "other"]
DateRole = Literal["start", "end", "event", "publication", "other"]
DatePrecision = Literal["day", "month"]
FundingProgramme = Literal[
    "EEA Grants",
    "Norway Grants",
    "Active Citizens Fund",
    "Bilateral Fund",
    "Erasmus+",
    "AMIF",
    "ESF",
    "Interreg",
    "Visegrad Fund",
    "Horizon Europe",
    "Other",
]
FUNDING_PROGRAMMES: tuple[str, ...] = FundingProgramme.__args__  # type: ignore[attr-defined]


class Model(BaseModel):
    """Base: immutable, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(Model):
    """A half-open character span of the document's normalised text, and the text found there."""

    start: int = Field(ge=0, description="Offset of the first character (inclusive).")
    end: int = Field(ge=0, description="Offset after the last character (exclusive).")
    text: str = Field(description="Exactly normalised_text[start:end].")


class AmountMention(Model):
    """A money amount with an explicit currency."""

    value: float = Field(description="The amount as a plain number (scale words applied).")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")
    role: AmountRole = Field(description="What the amount is: grant, total/initial/final cost, ...")
    evidence: Evidence
    rule: str = Field(description="Identifier of the rule that produced the value.")


class DateMention(Model):
    """A calendar date with at least month precision."""

    value: str = Field(
        pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM-DD, or YYYY-MM when no day is given."
    )
    precision: DatePrecision
    role: DateRole = Field(description="start, end, event, publication or other.")
    evidence: Evidence
    rule: str


class Mention(Model):
    """A normalised value found in the text (country, programme, e-mail, URL, ...)."""

    value: str
    evidence: Evidence
    rule: str


class OrganisationMention(Model):
    """One organisation: canonical nominative name, every place it is named."""

    name: str = Field(description="Canonical (nominative, as printed) name.")
    aliases: list[str] = Field(default_factory=list, description="Other names found: acronyms, inflected forms.")
    evidence: list[Evidence] = Field(description="Every mention, in text order.")
    rule: str


class PromoterMention(Model):
    name: str
    evidence: Evidence
    rule: str


class PartnerMention(Model):
    name: str
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, when stated.")
    evidence: Evidence
    rule: str


class ContactPerson(Model):
    name: str
    email: str | None = None
    evidence: Evidence
    rule: str


class Segment(Model):
    """A piece of the normalised text: title, key-value line, paragraph, bullet or sentence."""

    kind: Literal["title", "key_value", "paragraph", "bullet", "sentence"]
    start: int
    end: int
    language: str
    label: str | None = Field(default=None, description="For key-value lines: the label.")
    value_start: int | None = Field(default=None, description="For key-value lines: offset of the value.")


class Problem(Model):
    """A validation finding kept on the record instead of failing it."""

    code: str
    message: str
    severity: Literal["warning", "error"] = "warning"


class Record(Model):
    """One document's validated extraction. Keys per the record contract."""

    doc_id: str
    source: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: str = Field(default="text", description="Input format: text, html, pdf or docx.")
    metadata: dict[str, str] = Field(
        default_factory=dict,
        description="What the file says about itself outside its text (page title, date, author, pages); no evidence spans.",
    )
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    title: str | None
    promoter: PromoterMention | None
    partners: list[PartnerMention]
    organisations: list[OrganisationMention]
    funding_programmes: list[FundingProgramme]
    funding_evidence: list[Mention] = Field(default_factory=list)
    project_code: str | None
    project_code_evidence: Evidence | None = None
    amounts: list[AmountMention]
    dates: list[DateMention]
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes, sorted.")
    country_evidence: list[Mention] = Field(default_factory=list)
    emails: list[str]
    urls: list[str] = Field(default_factory=list)
    contacts: list[ContactPerson] = Field(default_factory=list)
    target_groups: list[Mention] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    normalised_text: str
    offset_map: list[tuple[int, int]] = Field(
        default_factory=list,
        description=(
            "Normalised offsets back to the decoded raw text, as runs (normalised start, raw start): "
            "within a run the raw offset advances one character per normalised character."
        ),
    )
    pipeline_version: str = PIPELINE_VERSION


class ErrorEntry(Model):
    """A document that could not be processed: one line of errors.jsonl."""

    doc_id: str
    source: str
    stage: Literal["ingest", "normalise", "language", "split", "extract", "validate", "write"]
    message: str
