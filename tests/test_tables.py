"""The tables' rows come as tuples in column order; these compare them with rows built by name."""

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.models import Record
from pipeline.process import extract_text
from pipeline.tables import TABLES, _joined
from pipeline.write import _FORMULA_START, csv_text, _is_number, _plain_row_text, _table_text, safe_cell, table_cells

SAMPLES = Path(__file__).resolve().parents[1] / "raw"  # the sample reports
TEXT = (
    "=Projekt\n\nOrganization name: CVEK\nPartner: Spolek Horan (Německo)\nAmount: 8 442 € (total cost 10 000 EUR)\n\n"
    "The seminar took place on 27 February 2019 in Prague, Czech Republic. Contact: info@cvek.sk, www.cvek.sk"
)


def _document_rows_by_name(record: Record) -> Iterator[dict[str, Any]]:
    yield {
        "doc_id": record.doc_id,
        "source": record.source,
        "sha256": record.sha256,
        "format": record.format,
        "language": record.language,
        "title": record.title or "",
        "promoter": record.promoter.name if record.promoter else "",
        "partners": _joined([p.name for p in record.partners]),
        "organisations": _joined([o.name for o in record.organisations]),
        "funding_programmes": _joined(list(record.funding_programmes)),
        "project_code": record.project_code or "",
        "amounts": _joined([f"{a.value:.2f} {a.currency} ({a.role})" for a in record.amounts]),
        "dates": _joined([f"{d.value} ({d.role})" for d in record.dates]),
        "countries": _joined(record.countries),
        "emails": _joined(record.emails),
        "urls": _joined(record.urls),
        "target_groups": _joined([t.value for t in record.target_groups]),
        "problems": _joined([p.code for p in record.problems]),
    }


def _organisation_rows_by_name(record: Record) -> Iterator[dict[str, Any]]:
    promoter = record.promoter.name if record.promoter else None
    partner_names = {p.name: p for p in record.partners}
    for organisation in record.organisations:
        role = "promoter" if organisation.name == promoter else "partner" if organisation.name in partner_names else ""
        partner = partner_names.get(organisation.name)
        first = organisation.evidence[0]
        yield {
            "doc_id": record.doc_id,
            "name": organisation.name,
            "role": role,
            "country": partner.country if partner and partner.country else "",
            "aliases": _joined(organisation.aliases),
            "mentions": len(organisation.evidence),
            "start": first.start,
            "end": first.end,
            "evidence": first.text,
            "rule": organisation.rule,
        }


def _amount_rows_by_name(record: Record) -> Iterator[dict[str, Any]]:
    for amount in record.amounts:
        yield {
            "doc_id": record.doc_id,
            "value": f"{amount.value:.2f}",
            "currency": amount.currency,
            "role": amount.role,
            "start": amount.evidence.start,
            "end": amount.evidence.end,
            "evidence": amount.evidence.text,
            "rule": amount.rule,
        }


def _date_rows_by_name(record: Record) -> Iterator[dict[str, Any]]:
    for date in record.dates:
        yield {
            "doc_id": record.doc_id,
            "value": date.value,
            "precision": date.precision,
            "role": date.role,
            "start": date.evidence.start,
            "end": date.evidence.end,
            "evidence": date.evidence.text,
            "rule": date.rule,
        }


_BY_NAME = {
    "documents": _document_rows_by_name,
    "organisations": _organisation_rows_by_name,
    "amounts": _amount_rows_by_name,
    "dates": _date_rows_by_name,
}


@functools.cache
def _records() -> list[Record]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    return [extract_text(text, f"d{index}") for index, text in enumerate([TEXT, *texts])]


@pytest.mark.parametrize("record", _records(), ids=lambda record: record.doc_id)
def test_rows_match_the_rows_built_by_name(record: Record) -> None:
    for table in TABLES:
        expected = list(_BY_NAME[table.name](record))
        assert list(table.rows(record)) == expected
        assert all(list(row) == [c.name for c in table.columns] for row in expected)
        assert table_cells(table, record) == [[safe_cell(row[c.name]) for c in table.columns] for row in expected]


def _reference_safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _is_number(text) else text


@settings(max_examples=300, deadline=None)
@given(value=st.none() | st.integers() | st.floats() | st.text(alphabet=st.sampled_from(list("=+-@\t\r1.e a'")), max_size=5))
def test_safe_cell_checks_the_first_character_as_startswith_does(value: object) -> None:
    assert safe_cell(value) == _reference_safe_cell(value)


_CELL_TEXT = st.text(alphabet=st.sampled_from(list('ab=+-@\t\r\n,"\' 1.')), max_size=8)


@settings(max_examples=300, deadline=None)
@given(title=_CELL_TEXT, name=_CELL_TEXT, rule=_CELL_TEXT, doc_id=_CELL_TEXT)
def test_table_text_matches_the_cells_written_one_by_one(title: str, name: str, rule: str, doc_id: str) -> None:
    record = _records()[0]
    organisations = [o.model_copy(update={"name": name, "rule": rule}) for o in record.organisations]
    record = record.model_copy(update={"title": title, "doc_id": doc_id, "organisations": organisations})
    for table in TABLES:
        assert _table_text(table, record) == csv_text(table_cells(table, record))


@pytest.mark.parametrize("record", _records(), ids=lambda record: record.doc_id)
def test_table_text_on_documents(record: Record) -> None:
    for table in TABLES:
        assert _table_text(table, record) == csv_text(table_cells(table, record))


_ROW_VALUE = st.none() | st.booleans() | st.integers() | st.floats() | _CELL_TEXT


@settings(max_examples=500, deadline=None)
@given(row=st.lists(_ROW_VALUE, min_size=1, max_size=5))
def test_plain_row_text_is_the_csv_line_when_nothing_needs_neutralising(row: list[object]) -> None:
    line = _plain_row_text(row)
    if line is not None:
        assert line == csv_text([row])
        assert [safe_cell(value) for value in row] == ["" if value is None else str(value) for value in row]


@pytest.mark.parametrize(
    "row",
    [["a", 1, None, 2.5, True], ["Nadace Partnerství", "2021-05-01", "", "x-y"], ["a b", "c'd", "a@b", "e=f"]],
)
def test_plain_row_text_joins_plain_cells(row: list[object]) -> None:
    assert _plain_row_text(row) == csv_text([row])


@pytest.mark.parametrize(
    "row",
    [["a,b", "c"], ['a"', "c"], ["a\nb", "c"], ["a\rb", "c"], ["=1+1", "c"], ["a", "+1 CZK"], ["a", "-x"],
     ["a", "@x"], ["a", "\tx"], [""], ["x"]],
)
def test_plain_row_text_leaves_quoting_and_formulas_to_the_csv_module(row: list[object]) -> None:
    assert _plain_row_text(row) is None
