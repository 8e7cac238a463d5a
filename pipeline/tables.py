"""The CSV tables: one column spec drives the writer, the data dictionary and ``load_tables`` dtypes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.models import Record

if TYPE_CHECKING:
    import pandas

LIST_SEPARATOR = "; "
# Fields whose presence the run summary and the review page count.
COVERAGE_FIELDS = (
    "promoter", "partners", "organisations", "funding_programmes", "project_code", "amounts", "dates",
    "countries", "emails",
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, date
    description: str


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    # a record's rows as tuples in column order: no dict per row, no look-up per cell
    values: Callable[[Record], Iterator[tuple[Any, ...]]]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def rows(self, record: Record) -> Iterator[dict[str, Any]]:
        """The record's rows as {column name: value}."""
        names = [c.name for c in self.columns]
        for values in self.values(record):
            yield dict(zip(names, values, strict=True))


def _joined(values: list[str]) -> str:
    return LIST_SEPARATOR.join(values)


def _document_rows(record: Record) -> Iterator[tuple[Any, ...]]:
    yield (
        record.doc_id,
        record.source,
        record.sha256,
        record.format,
        record.language,
        record.title or "",
        record.promoter.name if record.promoter else "",  # promoter
        _joined([p.name for p in record.partners]),
        _joined([o.name for o in record.organisations]),
        _joined(list(record.funding_programmes)),
        record.project_code or "",
        _joined([f"{a.value:.2f} {a.currency} ({a.role})" for a in record.amounts]),
        _joined([f"{d.value} ({d.role})" for d in record.dates]),
        _joined(record.countries),
        _joined(record.emails),
        _joined(record.urls),
        _joined([t.value for t in record.target_groups]),
        _joined([p.code for p in record.problems]),  # problems
    )


def _organisation_rows(record: Record) -> Iterator[tuple[Any, ...]]:
    promoter = record.promoter.name if record.promoter else None
    partner_names = {p.name: p for p in record.partners}
    for organisation in record.organisations:
        role = "promoter" if organisation.name == promoter else "partner" if organisation.name in partner_names else ""
        partner = partner_names.get(organisation.name)
        first = organisation.evidence[0]
        yield (
            record.doc_id,
            organisation.name,
            role,
            partner.country if partner and partner.country else "",  # country
            _joined(organisation.aliases),
            len(organisation.evidence),  # mentions
            first.start,
            first.end,
            first.text,  # evidence
            organisation.rule,
        )


def _amount_rows(record: Record) -> Iterator[tuple[Any, ...]]:
    for amount in record.amounts:
        evidence = amount.evidence
        yield (record.doc_id, f"{amount.value:.2f}", amount.currency, amount.role, evidence.start, evidence.end, evidence.text, amount.rule)


def _date_rows(record: Record) -> Iterator[tuple[Any, ...]]:
    for date in record.dates:
        evidence = date.evidence
        yield (record.doc_id, date.value, date.precision, date.role, evidence.start, evidence.end, evidence.text, date.rule)


_DOC_ID = Column("doc_id", "string", "Document id: the input file name without its extension.")
_START = Column("start", "integer", "Offset of the evidence in the document's normalised text (inclusive).")
_END = Column("end", "integer", "Offset after the evidence in the normalised text (exclusive).")
_EVIDENCE = Column("evidence", "string", "The exact text the value was read from.")
_RULE = Column("rule", "string", "Identifier of the extraction rule.")

TABLES: tuple[Table, ...] = (
    Table(
        "documents",
        "One row per document: the record's scalar fields, lists joined with '; '.",
        (
            _DOC_ID,
            Column("source", "string", "Path of the input file."),
            Column("sha256", "string", "sha256 of the input file's bytes."),
            Column("format", "string", "Input format: text, html, pdf or docx."),
            Column("language", "string", "ISO 639-1 code of the main body text."),
            Column("title", "string", "The document's title line."),
            Column("promoter", "string", "Organisation running the project."),
            Column("partners", "string", "Its partners, '; '-separated."),
            Column("organisations", "string", "Every named organisation, '; '-separated."),
            Column("funding_programmes", "string", "Funding programmes (contract vocabulary), '; '-separated."),
            Column("project_code", "string", "Official project number, if printed."),
            Column("amounts", "string", "Money amounts as 'value CURRENCY (role)', '; '-separated."),
            Column("dates", "string", "Dates as 'YYYY-MM[-DD] (role)', '; '-separated."),
            Column("countries", "string", "ISO 3166-1 alpha-2 codes, '; '-separated."),
            Column("emails", "string", "E-mail addresses, '; '-separated."),
            Column("urls", "string", "Web addresses, '; '-separated."),
            Column("target_groups", "string", "Target groups as listed, '; '-separated."),
            Column("problems", "string", "Codes of validation problems found on the record."),
        ),
        _document_rows,
    ),
    Table(
        "organisations",
        "One row per organisation per document.",
        (
            _DOC_ID,
            Column("name", "string", "Canonical (nominative) name."),
            Column("role", "string", "promoter, partner, or empty."),
            Column("country", "string", "Partner's country (ISO 3166-1 alpha-2) when stated."),
            Column("aliases", "string", "Other names found (acronyms, inflected forms), '; '-separated."),
            Column("mentions", "integer", "How many times the organisation is named."),
            _START,
            _END,
            _EVIDENCE,
            _RULE,
        ),
        _organisation_rows,
    ),
    Table(
        "amounts",
        "One row per money amount per document.",
        (
            _DOC_ID,
            Column("value", "number", "The amount as a plain number."),
            Column("currency", "string", "ISO 4217 currency code."),
            Column("role", "string", "grant, total_cost, initial_cost, final_cost, co_financing or other."),
            _START,
            _END,
            _EVIDENCE,
            _RULE,
        ),
        _amount_rows,
    ),
    Table(
        "dates",
        "One row per date per document.",
        (
            _DOC_ID,
            Column("value", "string", "YYYY-MM-DD, or YYYY-MM when the text gives no day."),
            Column("precision", "string", "day or month."),
            Column("role", "string", "start, end, event, publication or other."),
            _START,
            _END,
            _EVIDENCE,
            _RULE,
        ),
        _date_rows,
    ),
)


_PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "date": "string"}


def load_tables(output_dir: str | os.PathLike[str]) -> dict[str, pandas.DataFrame]:
    """The output CSV tables as pandas DataFrames with the dtypes of the data dictionary."""
    import pandas

    folder = Path(output_dir)
    frames: dict[str, pandas.DataFrame] = {}
    for table in TABLES:
        dtypes = {c.name: _PANDAS_DTYPES[c.type] for c in table.columns}
        numeric_blanks = {c.name: [""] for c in table.columns if c.type != "string"}
        frames[table.name] = pandas.read_csv(
            folder / table.file_name, dtype=dtypes, keep_default_na=False, na_values=numeric_blanks
        )
    return frames
