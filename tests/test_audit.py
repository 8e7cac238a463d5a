import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.audit import check_gate, draft_gold, load_baseline, update_baseline, write_draft_gold
from pipeline.process import extract_text
from pipeline.scoring import GoldDocument, score

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Card\n\nOrganization name: CVEK\nAmount: 8 442 €\n\nThe partner organisation NIBR will help. Work in Slovakia started in May 2019."


def gold_for(record: dict, **changes: object) -> dict[str, GoldDocument]:
    data = draft_gold(record)
    data.update(changes)
    return {record["doc_id"]: GoldDocument.model_validate(data)}


@pytest.fixture()
def record() -> dict:
    return extract_text(TEXT, "card").model_dump(mode="json")


def test_draft_gold_scores_perfectly_against_its_record(record: dict) -> None:
    report = score([record], gold_for(record))
    assert all(field.f1 == 1.0 for field in report.overall.fields.values())
    assert report.findings == []


def test_gate_passes_and_fails(record: dict, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"min_f1": {"amounts": 1.0, "dates": 0.5}}), encoding="utf-8")
    assert check_gate(score([record], gold_for(record)), load_baseline(baseline)) == []
    broken = gold_for(record, amounts=[{"value": 1.0, "currency": "EUR"}])
    (failure,) = check_gate(score([record], broken), load_baseline(baseline))
    assert (failure.field, failure.score, failure.minimum) == ("amounts", 0.0, 1.0)


def test_update_baseline_raises_but_refuses_to_lower(record: dict, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"min_f1": {"amounts": 0.5, "dates": 0.9}}), encoding="utf-8")
    perfect = score([record], gold_for(record))
    update = update_baseline(perfect, baseline)
    assert update.written and update.raised["amounts"] == (0.5, 1.0) and not update.lowered
    assert load_baseline(baseline)["amounts"] == 1.0
    worse = score([record], gold_for(record, amounts=[{"value": 1.0, "currency": "EUR"}]))
    before = baseline.read_bytes()
    update = update_baseline(worse, baseline)
    assert not update.written and update.lowered["amounts"] == (1.0, 0.0)
    assert baseline.read_bytes() == before
    update = update_baseline(worse, baseline, allow_regression=True)
    assert update.written and load_baseline(baseline)["amounts"] == 0.0


def test_write_draft_gold_never_overwrites(record: dict, tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text("kept", encoding="utf-8")
    other = dict(record, doc_id="other")
    written = write_draft_gold([record, other], tmp_path)
    assert written == [tmp_path / "other.json"]
    assert (tmp_path / "card.json").read_text(encoding="utf-8") == "kept"
    GoldDocument.model_validate_json((tmp_path / "other.json").read_text(encoding="utf-8"))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), *args], capture_output=True, text=True, cwd=ROOT)


def test_audit_command_gate_html_and_drafts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("run", "--input", str(ROOT / "raw"), "--output", str(out), "--no-progress").returncode == 0
    records = out / "records.jsonl"
    gate = run_cli("audit", "--gold", str(ROOT / "tests" / "gold"), "--records", str(records),
                   "--baseline", str(ROOT / "tests" / "quality_baseline.json"), "--html", str(tmp_path / "r.html"))
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "quality gate: every field meets" in gate.stdout
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # a deliberately broken extraction (every amount dropped) fails the gate
    broken = tmp_path / "broken.jsonl"
    lines = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    broken.write_text("".join(json.dumps(dict(r, amounts=[])) + "\n" for r in lines), encoding="utf-8")
    failed = run_cli("audit", "--gold", str(ROOT / "tests" / "gold"), "--records", str(broken),
                     "--baseline", str(ROOT / "tests" / "quality_baseline.json"))
    assert failed.returncode == 1 and "amounts" in failed.stdout.split("quality gate FAILED")[1]
    drafts = run_cli("audit", "--gold", str(ROOT / "tests" / "gold"), "--records", str(records), "--draft-gold", str(tmp_path / "drafts"))
    assert drafts.returncode == 0 and not list((tmp_path / "drafts").iterdir())  # every seed has gold already


@pytest.mark.parametrize("doc_id", ["../outside", "a/b", ".hidden", "nul\x00byte"])
def test_draft_gold_never_writes_outside_the_gold_folder(record: dict, tmp_path: Path, doc_id: str) -> None:
    gold_dir = tmp_path / "gold"
    assert write_draft_gold([dict(record, doc_id=doc_id)], gold_dir) == []
    assert list(gold_dir.iterdir()) == [] and not (tmp_path / "outside.json").exists()
