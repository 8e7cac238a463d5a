import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pipeline.models import ErrorEntry, Record
from pipeline.process import extract_text
from pipeline.tables import load_tables
from pipeline.write import _values_at, float_paths, record_json, safe_cell, write_outputs

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


# --- records as JSON text: the fast serializer must give json.dumps's bytes ------------------------------

def _reference_line(record: Record) -> bytes:
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _with_amount(value: float, title: str | None = None) -> Record:
    record = extract_text(TEXT, "a")
    amount = record.amounts[0].model_copy(update={"value": value})
    update: dict[str, object] = {"amounts": [amount, *record.amounts[1:]]}
    if title is not None:
        update["title"] = title
    return record.model_copy(update=update)


@pytest.mark.parametrize(
    "value", [8442.0, 0.0, -0.0, 1e-4, 9.99e-5, 1.5e-5, 7.15e-9, 1e-300, 5e-324, 1e15, 1e16, 1.2345678901234568e17, 1e22,
              math.inf, -math.inf, math.nan],
)
def test_record_json_writes_floats_as_json_dumps(value: float) -> None:
    record = _with_amount(value)
    assert record_json(record) == _reference_line(record)


@settings(max_examples=200, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True), title=st.text())
def test_record_json_matches_json_dumps_on_any_float_and_text(value: float, title: str) -> None:
    record = _with_amount(value, title)
    try:
        expected_line = _reference_line(record)
    except (UnicodeEncodeError, ValueError):
        return
    assert record_json(record) == expected_line


def test_record_json_escapes_as_json_dumps() -> None:
    record = _with_amount(12.5, "a\"\\\x00\x1f\x7f\u2028 é 😀 \b\f\n\r\t </script>")
    assert record_json(record) == _reference_line(record)


def test_records_json_is_the_array_of_the_jsonl_lines(tmp_path: Path) -> None:
    records = [extract_text(TEXT, "a"), _with_amount(1e-7).model_copy(update={"doc_id": "b"})]
    write_outputs(tmp_path, records, [])
    lines = [_reference_line(r) for r in records]
    assert (tmp_path / "records.jsonl").read_bytes() == b"".join(line + b"\n" for line in lines)
    # the same records, one element per line
    assert (tmp_path / "records.json").read_bytes() == b"[\n" + b",\n".join(lines) + b"\n]\n"
    loaded = json.loads((tmp_path / "records.json").read_text(encoding="utf-8"))
    assert loaded == [json.loads(json.dumps(r.model_dump(mode="json"))) for r in records]


def test_records_json_of_no_records_is_an_empty_array(tmp_path: Path) -> None:
    write_outputs(tmp_path, [], [])
    assert json.loads((tmp_path / "records.json").read_text(encoding="utf-8")) == []


def test_records_json_keeps_line_separators_inside_strings(tmp_path: Path) -> None:
    # json.dumps leaves U+2028, U+2029 and U+0085 unescaped; indenting by lines would put spaces after them
    record = extract_text(TEXT, "a").model_copy(update={"metadata": {"author": "A\u2028B\u2029C\x85D"}})
    write_outputs(tmp_path, [record], [])
    [from_array] = json.loads((tmp_path / "records.json").read_text(encoding="utf-8"))
    assert from_array == json.loads((tmp_path / "records.jsonl").read_text(encoding="utf-8"))
    assert from_array["metadata"]["author"] == "A\u2028B\u2029C\x85D"


class _Inner(BaseModel):
    ratio: float
    count: int


class _Outer(BaseModel):
    score: float | None
    inner: list[_Inner]
    pair: tuple[int, float]
    names: dict[str, str]


class _FloatInDict(BaseModel):
    weights: dict[str, float]


def test_float_paths_follow_optionals_lists_tuples_and_models() -> None:
    assert float_paths(_Outer) == [("score",), ("inner", "*", "ratio"), ("pair", "*")]
    assert float_paths(Record) == [("amounts", "*", "value")]
    with pytest.raises(TypeError):
        float_paths(_FloatInDict)


def _values_by_recursion(value: object, path: tuple[str, ...]) -> Iterator[object]:
    """The plain walk: every value at ``path``, a None on the way holding nothing."""
    if not path:
        yield value
        return
    if value is None:
        return
    if path[0] == "*":
        for item in value:  # type: ignore[attr-defined]
            yield from _values_by_recursion(item, path[1:])
    else:
        yield from _values_by_recursion(getattr(value, path[0]), path[1:])


class _Holder(BaseModel):
    score: float | None = None
    inner: list[_Inner] | None = None
    pairs: list[tuple[int, float]] = []
    child: "_Holder | None" = None


_HOLDERS = st.deferred(
    lambda: st.builds(
        _Holder,
        score=st.none() | st.floats(allow_nan=False),
        inner=st.none() | st.lists(st.builds(_Inner, ratio=st.floats(allow_nan=False), count=st.integers()), max_size=3),
        pairs=st.lists(st.tuples(st.integers(), st.floats(allow_nan=False)), max_size=3),
        child=st.none() | _HOLDERS,
    )
)


@settings(max_examples=200, deadline=None)
@given(holder=_HOLDERS)
def test_values_at_walks_as_the_recursion(holder: _Holder) -> None:
    for path in (("score",), ("inner", "*", "ratio"), ("pairs", "*", "*"), ("child", "inner", "*", "count"), ("child", "child", "score"), ()):
        assert _values_at(holder, path) == list(_values_by_recursion(holder, path))
