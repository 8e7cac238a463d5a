"""The sample raw/ folder through the whole pipeline, scored against the seed gold files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.runner import run
from pipeline.scoring import load_gold, read_records, score

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
BASELINE = ROOT / "tests" / "quality_baseline.json"


@pytest.fixture(scope="module")
def output_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("extracted")
    summary = run(ROOT / "raw", out)
    assert summary.documents == 5 and summary.errors == 0
    return out


def test_every_seed_document_has_a_record(output_dir: Path) -> None:
    records = read_records(output_dir / "records.jsonl")
    assert [r["doc_id"] for r in records] == ["seed_000", "seed_001", "seed_002", "seed_003", "seed_004"]
    assert (output_dir / "errors.jsonl").read_text(encoding="utf-8") == ""


def test_every_evidence_span_quotes_the_normalised_text(output_dir: Path) -> None:
    for record in read_records(output_dir / "records.jsonl"):
        text = record["normalised_text"]
        spans = [a["evidence"] for a in record["amounts"]] + [d["evidence"] for d in record["dates"]]
        spans += [e for o in record["organisations"] for e in o["evidence"]]
        spans += [p["evidence"] for p in record["partners"]] + [m["evidence"] for m in record["country_evidence"]]
        spans += [m["evidence"] for m in record["funding_evidence"]]
        if record["promoter"]:
            spans.append(record["promoter"]["evidence"])
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]


def test_quality_meets_pinned_minimums(output_dir: Path) -> None:
    report = score(read_records(output_dir / "records.jsonl"), load_gold(GOLD))
    minimums = json.loads(BASELINE.read_text(encoding="utf-8"))["min_f1"]
    scores = {name: field.f1 for name, field in report.overall.fields.items()}
    scores["language"] = report.overall.language_accuracy
    below = {name: (round(scores[name], 3), minimum) for name, minimum in minimums.items() if scores[name] < minimum}
    assert not below, f"fields below their pinned minimum F1 (score, minimum): {below}"


def test_rerun_is_byte_identical(output_dir: Path, tmp_path: Path) -> None:
    run(ROOT / "raw", tmp_path)
    for path in sorted(output_dir.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_command_line_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "in"
    good.mkdir()
    (good / "a.txt").write_text("Title\n\nOrganization name: CVEK\nAmount: 8 442 €\n", encoding="utf-8")
    command = [sys.executable, str(ROOT / "run_pipeline.py"), "run", "--input", str(good), "--output", str(tmp_path / "out"), "--no-progress"]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    assert "documents: 1   records: 1   errors: 0" in completed.stdout
    (good / "empty.txt").write_bytes(b"")
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 1
    error = json.loads((tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8"))
    assert error["doc_id"] == "empty" and error["stage"] == "ingest" and "empty" in error["message"]
    missing = [sys.executable, str(ROOT / "run_pipeline.py"), "run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o")]
    assert subprocess.run(missing, capture_output=True, text=True, cwd=ROOT).returncode == 2


def test_audit_command_prints_scores(output_dir: Path) -> None:
    command = [sys.executable, str(ROOT / "run_pipeline.py"), "audit", "--gold", str(GOLD), "--records", str(output_dir / "records.jsonl")]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    assert "organisations" in completed.stdout and "language accuracy" in completed.stdout


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    # `run_pipeline.py run ... | head -1`: the summary's reader is gone; the run's outputs are complete
    command = [sys.executable, "run_pipeline.py", "run", "--input", "raw", "--output", str(tmp_path / "out"), "--no-progress"]
    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before anything is written
    try:
        completed = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    finally:
        os.close(write_end)
    assert "Traceback" not in completed.stderr and "BrokenPipeError" not in completed.stderr, completed.stderr
    assert completed.returncode == 141  # as a shell reports a program stopped by SIGPIPE
    assert len(read_records(tmp_path / "out" / "records.jsonl")) == 5
