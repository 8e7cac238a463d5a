import json
from pathlib import Path

import pytest

from pipeline.models import ErrorEntry
from pipeline.process import extract_text
from pipeline.tables import load_tables
from pipeline.write import safe_cell, write_outputs

TEXT = "=HYPERLINK(\"x\") card\n\nOrganization name: CVEK\nAmount: 8 442 €\n\nThe seminar took place on 27 February 2019 in Prague, Czech Republic."


@pytest.mark.parametrize(
    "value,expected",
    [("=SUM(A1)", "'=SUM(A1)"), ("+420 123", "'+420 123"), ("@cmd", "'@cmd"), ("-x", "'-x"), ("\tx", "'\tx"),
     ("-12.5", "-12.5"), ("Plain", "Plain"), ("", "")],
)
def test_safe_cell_neutralises_formulas(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


def test_outputs_are_written_sorted_and_byte_identical(tmp_path: Path) -> None:
    records = [extract_text(TEXT, "b"), extract_text(TEXT, "a")]
    errors = [ErrorEntry(doc_id="z", source="raw/z.txt", stage="ingest", message="file is empty")]
    write_outputs(tmp_path / "one", records, errors)
    write_outputs(tmp_path / "two", list(reversed(records)), errors)
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == ["amounts.csv", "dates.csv", "documents.csv", "errors.jsonl", "organisations.csv", "records.json", "records.jsonl"]
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    lines = (tmp_path / "one" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["a", "b"]
    assert json.loads((tmp_path / "one" / "errors.jsonl").read_text(encoding="utf-8"))["message"] == "file is empty"
    assert not list((tmp_path / "one").glob(".*tmp"))


def test_load_tables_gives_typed_frames(tmp_path: Path) -> None:
    write_outputs(tmp_path, [extract_text(TEXT, "a")], [])
    tables = load_tables(tmp_path)
    assert set(tables) == {"documents", "organisations", "amounts", "dates"}
    amounts = tables["amounts"]
    assert str(amounts["value"].dtype) == "Float64" and str(amounts["start"].dtype) == "Int64"
    assert amounts.loc[0, "value"] == 8442.0 and amounts.loc[0, "currency"] == "EUR"
    # the CSV neutralises the formula, the JSON keeps the exact text
    assert tables["documents"].loc[0, "title"] == "'=HYPERLINK(\"x\") card"
    record = json.loads((tmp_path / "records.jsonl").read_text(encoding="utf-8"))
    assert record["title"] == "=HYPERLINK(\"x\") card"
