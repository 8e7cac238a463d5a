"""Incremental runs copy unchanged documents' outputs from the previous outputs: byte-identical to a full
run, and rebuilt from the record wherever a previous file is missing, cut short or edited."""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import pipeline.previous as previous
import pipeline.runner as runner
from pipeline.manifest import MANIFEST_JSON
from pipeline.models import Record
from pipeline.previous import PreviousOutputs, _Sections, _TableRows, record_head
from pipeline.report import REPORT_HTML, ReportBuilder
from pipeline.runner import RunOptions, run
from pipeline.tables import TABLES
from pipeline.write import OutputWriter, csv_text

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "raw" / "seed_001.txt").read_text(encoding="utf-8")
# Text that looks like the outputs' own framing: a section start, an element end, a CSV row, a formula.
TRICKY = (
    '=SUM(A1) "Quoted", title\n\n'
    'Organization name: CVEK\nAmount: 8 442 €\n\n'
    '<details class="doc" id="doc-seed_001" data-search="x"><summary>fake</summary></details>\n'
    "  }\n  },\n]\n"
    'seed_001,"a\nb",=1+2\n'
    '{"doc_id":"seed_001","source":"x"}\n\n'
    "The seminar took place on 27 February 2019 in Prague, Czech Republic.\n"
)
# File names whose ids need quoting in CSV (comma, quote, newline), have a bare carriage return (which
# the CSV writer leaves unquoted), or that safe_cell changes (those two are rebuilt, not copied).
NAMES = ['a,"b".txt', "two\nlines.txt", "car\rriage.txt", "=cmd.txt", "'quoted.txt", "<b>&amp;.txt"]
REBUILT = {"=cmd", "'quoted"}


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != MANIFEST_JSON}


def assert_same_as_full_run(inputs: Path, out: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    shutil.rmtree(full, ignore_errors=True)
    run(inputs, full, options=RunOptions(force=True))
    expected, found = outputs(full), outputs(out)
    assert sorted(found) == sorted(expected)
    for name in expected:
        assert found[name] == expected[name], name


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "raw", folder)
    (folder / "tricky.txt").write_text(TRICKY, encoding="utf-8")
    for name in NAMES:
        (folder / name).write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")  # an error entry
    return folder


class Prepared:
    """Counts the records made into outputs from a Record (new ones, and reused ones not copied)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []
        original = runner.prepare_record

        def counting(record: Record) -> runner.PreparedRecord:
            self.ids.append(record.doc_id)
            return original(record)

        monkeypatch.setattr(runner, "prepare_record", counting)


def test_incremental_run_copies_unchanged_records_and_equals_a_full_run(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    (inputs / "seed_003.txt").unlink()
    with open(inputs / "seed_000.txt", "a", encoding="utf-8") as stream:
        stream.write("\nThe final conference took place in Bratislava on 5 May 2020.\n")
    (inputs / "zz_new.txt").write_text(TRICKY.replace("8 442", "9 100"), encoding="utf-8")
    os.utime(inputs / "seed_002.txt", ns=(1, 10**18))  # touched, not changed
    prepared = Prepared(monkeypatch)
    summary = run(inputs, out)
    assert (summary.processed, summary.removed, summary.errors) == (2, 1, 1)
    assert sorted(prepared.ids) == sorted({"seed_000", "zz_new"} | REBUILT)
    assert_same_as_full_run(inputs, out, tmp_path)


def test_generated_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import build_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    inputs, out = tmp_path / "in", tmp_path / "out"
    build_corpus(inputs, 80)
    run(inputs, out)
    names = sorted(p.name for p in inputs.iterdir())
    (inputs / names[3]).unlink()
    (inputs / names[10]).write_text(GOOD, encoding="utf-8")
    shutil.copy(inputs / names[20], inputs / "zz_new.txt")
    prepared = Prepared(monkeypatch)
    summary = run(inputs, out)
    assert (summary.processed, summary.skipped, summary.removed) == (2, 78, 1)
    assert sorted(prepared.ids) == [Path(names[10]).stem, "zz_new"]
    assert_same_as_full_run(inputs, out, tmp_path)


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def _replace(old: bytes, new: bytes, count: int = 1):  # type: ignore[no-untyped-def]
    def edit(path: Path) -> None:
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new, count))

    return edit


def _drop_row(start: bytes):  # type: ignore[no-untyped-def]
    def edit(path: Path) -> None:
        lines = path.read_bytes().split(b"\n")
        kept = [line for line in lines if not line.startswith(start)]
        assert len(kept) == len(lines) - 1
        path.write_bytes(b"\n".join(kept))

    return edit


# name -> (file, edit, whether the edit shows without the file's modification time)
EDITS = {
    "records.json cut": ("records.json", _cut, True),
    "records.json value": ("records.json", _replace(b'"project_code":"CZ03-0097"', b'"project_code":"CZ03-0098"'), True),
    "records.json spaces": ("records.json", _replace(b'"doc_id":', b'"doc_id": '), True),
    "records.json removed": ("records.json", lambda path: path.unlink(), True),
    "documents.csv cut": ("documents.csv", _cut, True),
    "organisations.csv row dropped": ("organisations.csv", _drop_row(b"seed_002,Association for Intercultural,"), True),
    "amounts.csv value": ("amounts.csv", _replace(b"seed_002,42040.00", b"seed_002,42041.00"), False),
    "dates.csv quote left open": ("dates.csv", _replace(b"\n", b'\n"', 3), True),
    "report.html cut": ("report.html", _cut, True),
    "report.html title": ("report.html", _replace(b"[en] Intercultural society", b"[cs] Intercultural society"), True),
    "report.html section id": ("report.html", _replace(b'id="doc-seed_002"', b'id="doc-seed_00X"'), True),
    "report.html text": ("report.html", _replace(b"CZ03-0097", b"CZ03-0098", 2), False),
    "report.html removed": ("report.html", lambda path: path.unlink(), True),
    "records.jsonl cut": ("records.jsonl", _cut, True),
}
CASES = [(edit, False) for edit in sorted(EDITS)] + [(edit, True) for edit in sorted(EDITS) if EDITS[edit][2]]


@pytest.mark.parametrize("edit,keep_mtime", CASES)
def test_edited_or_cut_previous_outputs_are_not_copied(inputs: Path, tmp_path: Path, edit: str, keep_mtime: bool) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    name, change, _ = EDITS[edit]
    path = out / name
    stat = path.stat()
    change(path)
    if keep_mtime and path.exists():
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as if restored with its time: framing shows it
    (inputs / "zz_new.txt").write_text(GOOD.replace("CVEK", "Nadace Pontis"), encoding="utf-8")
    run(inputs, out)
    assert_same_as_full_run(inputs, out, tmp_path)


def test_an_edited_record_line_is_what_every_output_shows(inputs: Path, tmp_path: Path) -> None:
    # as before: records.jsonl is where unchanged records are read from, so a valid edit there carries over
    out = tmp_path / "out"
    run(inputs, out)
    path = out / "records.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"title":"', b'"title":"Edited ', 1))
    (inputs / "zz_new.txt").write_text(GOOD, encoding="utf-8")
    run(inputs, out)
    records = [Record.model_validate_json(line) for line in (out / "records.jsonl").read_bytes().splitlines()]
    assert records[0].title.startswith("Edited ")
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    writer, report = OutputWriter(rebuilt), ReportBuilder()
    for record in records:
        prepared = runner.prepare_record(record)
        writer.add_output(prepared.output)
        report.add_entry(prepared.report)
    writer.add_error(runner.ErrorEntry.model_validate_json((out / "errors.jsonl").read_bytes()))
    writer.close()
    with open(rebuilt / REPORT_HTML, "w", encoding="utf-8", newline="") as stream:
        report.write(stream)
    assert outputs(rebuilt) == outputs(out)


def test_a_record_line_that_is_not_a_record_is_processed_again(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    path = out / "records.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"language":"', b'"language":"NOT A CODE', 1))
    (inputs / "zz_new.txt").write_text(GOOD, encoding="utf-8")
    summary = run(inputs, out)
    assert summary.processed == 2
    assert_same_as_full_run(inputs, out, tmp_path)


def test_a_reused_error_stays_an_error(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(inputs, out)
    (inputs / "zz_new.txt").write_text(GOOD, encoding="utf-8")
    second = run(inputs, out)
    assert first.errors == second.errors == 1 and second.processed == 1
    assert b'"doc_id":"empty"' in (out / "errors.jsonl").read_bytes()
    assert_same_as_full_run(inputs, out, tmp_path)


# --- the pieces ----------------------------------------------------------------------------------------------

CELLS = ["plain", "with\nnewline", 'with "quotes"', "'=SUM(A1)", "bare\rreturn", "crlf\r\nend", "comma, too", "", " "]


def test_table_rows_come_back_exactly_as_written(tmp_path: Path) -> None:
    table = TABLES[2]  # amounts: eight columns
    ids = ["a", "b,c", 'd"e', "f\ng", "h\ri", "j"]
    rows = {doc_id: [[doc_id, *CELLS[i : i + 7], "x"][:8] for i in range(n)] for n, doc_id in enumerate(ids, start=1)}
    path = tmp_path / table.file_name
    path.write_bytes(
        csv_text([[c.name for c in table.columns]]).encode() + b"".join(csv_text(r).encode() for r in rows.values())
    )
    reader = _TableRows(path, table)
    for n, doc_id in enumerate(ids, start=1):
        if doc_id == "b,c":
            continue  # skipped over by the next take
        assert reader.take(doc_id, n) == csv_text(rows[doc_id]).encode(), doc_id
    reader.close()


def test_table_rows_of_a_cut_file_are_not_taken(tmp_path: Path) -> None:
    table = TABLES[2]
    path = tmp_path / table.file_name
    header = csv_text([[c.name for c in table.columns]])
    path.write_text(header + csv_text([["a", *"1234567"], ["b", '"open', *"234567"]])[:-12], encoding="utf-8")
    reader = _TableRows(path, table)
    assert reader.take("a", 1) is not None
    assert reader.take("b", 1) is None


@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_sections_are_found_by_id_whatever_the_text_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(previous, "_CHUNK", chunk)
    out = tmp_path / "out"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tricky.txt").write_text(TRICKY, encoding="utf-8")
    (folder / "seed_001.txt").write_text(GOOD, encoding="utf-8")
    run(folder, out)
    page = (out / REPORT_HTML).read_bytes()
    sections = _Sections(out / REPORT_HTML, {"tricky", "seed_001"})
    for doc_id in ("tricky", "seed_001"):
        section = sections.take(doc_id)
        assert section is not None and section.startswith(f'<details class="doc" id="doc-{doc_id}"'.encode())
        assert section in page and section.count(b"<details") == 1 and section.endswith(b"</details>")


def test_record_head_decodes_the_leading_keys_only() -> None:
    line = (ROOT / "extracted" / "records.jsonl").read_text(encoding="utf-8").splitlines()[0] if (
        ROOT / "extracted" / "records.jsonl"
    ).exists() else None
    if line is None:
        pytest.skip("no sample outputs")
    head = record_head(line)
    full = json.loads(line)
    assert head is not None and "normalised_text" not in head and "segments" not in head
    assert all(head[key] == full[key] for key in head)
    assert record_head(line[:100]) is None


def test_nothing_is_copied_from_files_written_after_the_manifest(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    ids = {json.loads(line)["doc_id"] for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()}
    with PreviousOutputs(out, ids) as previous:
        assert all(previous.take(doc_id).copied is not None for doc_id in sorted(ids) if doc_id not in REBUILT)
    os.utime(out / "dates.csv")
    os.utime(out / MANIFEST_JSON, ns=(1, (out / "dates.csv").stat().st_mtime_ns - 1))
    with PreviousOutputs(out, ids) as previous:
        assert all(previous.take(doc_id).copied is None for doc_id in sorted(ids))


def test_a_file_still_being_written_whose_record_is_not_valid_waits(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    path = out / "records.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"doc_id":"seed_002","source":', b'"doc_id":"seed_002","source":1,"x":', 1))
    (inputs / "zz_new.txt").write_text(GOOD, encoding="utf-8")
    run(inputs, out, pending=frozenset({str(inputs / "seed_002.txt")}))
    assert b'"seed_002"' not in (out / "records.jsonl").read_bytes()
    assert "seed_002" not in json.loads((out / MANIFEST_JSON).read_text(encoding="utf-8"))["documents"]
    assert run(inputs, out).processed == 1
    assert_same_as_full_run(inputs, out, tmp_path)


@pytest.mark.parametrize("value", [8442.0, 0.1 + 0.2, 1e-05, 7.15e-9, 1e16, 1.2345678901234568e17, float("inf")])
def test_copied_outputs_and_page_entries_equal_those_made_from_the_record(tmp_path: Path, value: float) -> None:
    from pipeline.manifest import DocumentState, render_manifest
    from pipeline.process import extract_text
    from pipeline.report import record_report_entry
    from pipeline.write import record_output

    base = extract_text(TRICKY, "base")
    records = []
    for index, (doc_id, title) in enumerate([("a", '=1+2 "x"'), ("b,c", "<details> & </details>"), ("d", None)]):
        amount = base.amounts[0].model_copy(update={"value": value * (index + 1)})
        records.append(base.model_copy(update={"doc_id": doc_id, "title": title, "amounts": [amount, amount]}))
    writer, report = OutputWriter(tmp_path), ReportBuilder()
    for record in records:
        writer.add_output(record_output(record))
        report.add_entry(record_report_entry(record))
    writer.close()
    with open(tmp_path / REPORT_HTML, "w", encoding="utf-8", newline="") as stream:
        report.write(stream)
    state = DocumentState(source="x", sha256=base.sha256, size=1, mtime_ns=1, outcome="record")
    (tmp_path / MANIFEST_JSON).write_text(render_manifest({r.doc_id: state for r in records}), encoding="utf-8")
    with PreviousOutputs(tmp_path, {r.doc_id for r in records}) as previous:
        for record in records:
            found = previous.take(record.doc_id)
            assert found is not None and found.copied is not None
            assert found.copied.output == record_output(record)
            # the same floats (the page's sums agree) and the same section bytes
            assert found.copied.report == record_report_entry(record)
