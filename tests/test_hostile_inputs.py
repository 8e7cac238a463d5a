"""Broken or hostile files: each ends as a correct record or as one clear error; nothing else is lost."""

import json
import os
from pathlib import Path

import pytest

from pipeline.runner import Limits, RunOptions, run

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "raw" / "seed_001.txt").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def outcome(tmp_path: Path, name: str, data: bytes, limits: Limits = Limits()) -> tuple[dict | None, dict | None]:
    """Run a folder holding one good document and the given file; return (record, error) of the file."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "good.txt").write_bytes(GOOD)
    (folder / name).write_bytes(data)
    out = tmp_path / "out"
    summary = run(folder, out, options=RunOptions(limits=limits))
    records = {json.loads(l)["doc_id"]: json.loads(l) for l in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()}
    errors = [json.loads(l) for l in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "good" in records, "a bad file must not lose other documents' records"
    assert summary.documents == 2
    doc_id = Path(name).stem
    error = next((e for e in errors if e["doc_id"] == doc_id), None)
    assert (doc_id in records) != (error is not None), "exactly one outcome per file"
    if error is not None:
        assert error["source"].endswith(name) and error["stage"] and error["message"]
    return records.get(doc_id), error


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\r\n  ", "empty"),
        ("image.txt", PNG, "not text"),
        ("nul.txt", b"Text with a NUL\x00 byte in the middle of it " * 10, "not text"),
    ],
)
def test_unreadable_files_are_one_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    record, error = outcome(tmp_path, name, data)
    assert record is None and message in error["message"] and error["stage"] == "ingest"


def test_single_50_mb_line_is_refused_by_the_default_size_limit(tmp_path: Path) -> None:
    record, error = outcome(tmp_path, "huge.txt", b"a" * 50_000_000)
    assert record is None and "above the limit" in error["message"]


def test_long_line_is_a_record(tmp_path: Path) -> None:
    record, _ = outcome(tmp_path, "long.txt", ("slovo " * 40_000).encode())
    assert record is not None


def test_100000_short_lines_are_a_record(tmp_path: Path) -> None:
    record, _ = outcome(tmp_path, "lines.txt", b"Line of text.\n" * 100_000)
    assert record is not None


@pytest.mark.parametrize("newline", [b"\r", b"\r\n", b"\n\r"])
def test_line_endings(tmp_path: Path, newline: bytes) -> None:
    data = GOOD.replace(b"\n", newline)
    record, _ = outcome(tmp_path, "endings.txt", data)
    assert record["promoter"]["name"] == "CVEK"
    assert [(a["value"], a["currency"]) for a in record["amounts"]] == [(8442.0, "EUR")]


def test_invalid_utf8_in_the_middle_is_decoded_not_lost(tmp_path: Path) -> None:
    data = GOOD[:200] + b"\xff\xfe broken \xc3" + GOOD[200:]
    record, error = outcome(tmp_path, "broken.txt", data)
    assert error is None and record["language"] == "en"


@pytest.mark.parametrize("name", ["with space.txt", "diakritika žluťoučký.txt", "-leading-dash.txt", "quote'and\"double.txt"])
def test_awkward_file_names(tmp_path: Path, name: str) -> None:
    record, _ = outcome(tmp_path, name, GOOD)
    assert record is not None and record["doc_id"] == Path(name).stem


def test_symlink_outside_the_input_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(GOOD)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD)
    os.symlink(secret, folder / "link.txt")
    summary = run(folder, tmp_path / "out")
    assert summary.documents == 1 and summary.records == 1


def test_document_in_another_language_is_recorded_without_guessing(tmp_path: Path) -> None:
    german = "Bericht\n\nDas Projekt wurde von der Stiftung in Bayern durchgeführt und hat vielen Menschen geholfen. " * 3
    record, _ = outcome(tmp_path, "german.txt", (german + "Betrag: 8 442 €").encode())
    assert record["language"] == "de"
    assert record["amounts"] == [] and record["organisations"] == [] and record["promoter"] is None


def test_duplicate_documents_under_two_names_both_get_records(tmp_path: Path) -> None:
    record, _ = outcome(tmp_path, "copy.txt", GOOD)
    assert record is not None and record["sha256"] == json.loads(
        (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()[0]
    )["sha256"]
