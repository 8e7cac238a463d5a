import dataclasses
import html
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.process import extract_text
from pipeline.report import (
    FIELD_COLOURS,
    REPORT_FIELDS,
    Highlight,
    _needs_escaping,
    _record_list,
    _render_ordered,
    _render_text,
    highlights,
    record_report_entry,
    render_report,
    report_entry,
    without_clashes,
)
from pipeline.runner import run
from pipeline.scoring import Finding, load_gold, read_records, score

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Card\n\nOrganization name: CVEK\nAmount: 8 442 €\n\nMinisterstvo vnútra Slovenskej republiky pomáha. Seminár bol 27. februára 2019."


def test_highlights_quote_the_text_and_never_cross() -> None:
    record = extract_text(TEXT, "card").model_dump(mode="json")
    marks = highlights(record, None)
    text = record["normalised_text"]
    assert {m.field for m in marks} >= {"promoter", "amounts", "dates", "countries"}
    for mark in marks:
        assert text[mark.start : mark.end] == mark.text
    for a in marks:
        for b in marks:
            assert not (a.start < b.start < a.end < b.end)


def test_false_positives_are_marked_apart() -> None:
    record = extract_text(TEXT, "card").model_dump(mode="json")
    findings = [Finding(doc_id="card", field="amounts", kind="false_positive", value="8442 EUR", evidence="8 442 €")]
    statuses = {m.field: m.status for m in highlights(record, findings)}
    assert statuses["amounts"] == "false_positive" and statuses["dates"] == "hit"


def test_report_is_deterministic_and_self_contained() -> None:
    records = [extract_text(TEXT, "b").model_dump(mode="json"), extract_text(TEXT, "a").model_dump(mode="json")]
    page = render_report(records)
    assert page == render_report(records)
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert page.count("<details class=\"doc\"") == 2


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_in_headless_chromium(tmp_path: Path) -> None:
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed in CI (.ci/run installs it)")
        pytest.skip("no chromium on this machine: install Debian's chromium to run the browser test")
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "out"
    run(ROOT / "raw", out)
    records = read_records(out / "records.jsonl")
    page_path = tmp_path / "review.html"
    page_path.write_text(render_report(records, score(records, load_gold(ROOT / "tests" / "gold"))), encoding="utf-8")
    expected = {(m.start, m.end, m.text) for r in records for m in highlights(r, [])}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(page_path.as_uri())
            page.evaluate("document.querySelectorAll('details.doc').forEach(d => d.open = true)")
            marks = page.eval_on_selector_all(
                "mark[data-field]",
                "els => els.map(e => [+e.dataset.start, +e.dataset.end, e.dataset.evidence, e.textContent, e.offsetWidth > 0])",
            )
            screenshot = tmp_path / "review.png"
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    assert len(marks) == len(expected) > 20
    assert {(start, end, evidence) for start, end, evidence, _, _ in marks} == expected
    assert all(evidence == shown and visible for _, _, evidence, shown, visible in marks)
    assert screenshot.stat().st_size > 10_000


# --- choosing highlights, and what the page reads of a record --------------------------------------------

def _without_clashes_by_pairs(found: list[Highlight]) -> list[Highlight]:
    """Every candidate against every kept span: the plain statement of the rule."""
    priority = {name: rank for rank, name in enumerate(FIELD_COLOURS)}
    kept: list[Highlight] = []
    for candidate in sorted(found, key=lambda h: (h.start, -h.end, priority[h.field])):
        if not any(
            (o.start == candidate.start and o.end == candidate.end)
            or o.start < candidate.start < o.end < candidate.end
            or candidate.start < o.start < candidate.end < o.end
            for o in kept
        ):
            kept.append(candidate)
    return kept


_SPANS = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 12), st.sampled_from(list(FIELD_COLOURS))), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(spans=_SPANS)
def test_without_clashes_keeps_what_pairwise_checking_keeps(spans: list[tuple[int, int, str]]) -> None:
    found = [Highlight(start, start + length, name, "v", "d", "t", "found") for start, length, name in spans]
    assert without_clashes(found) == _without_clashes_by_pairs(found)


class _Watched(Mapping[str, Any]):
    """A record that notes which keys are read."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data, self.read = data, set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def test_the_page_reads_only_report_fields() -> None:
    record = extract_text(TEXT, "card")
    watched = _Watched(record.model_dump(mode="json"))
    entry = report_entry(watched, [], False)
    assert watched.read and watched.read <= REPORT_FIELDS
    assert record_report_entry(record) == dataclasses.replace(entry, section=entry.section.encode("utf-8"))
    assert entry.found and entry.amounts == ((record.amounts[0].currency, record.amounts[0].value),)


# --- rendering: escaping only where needed gives the escaped-everywhere text ------------------------


def _render_escaping_everything(text: str, marks: list[Highlight]) -> str:
    """The plain rendering: every piece of text and every attribute through html.escape."""
    parts: list[str] = []
    position = 0
    stack: list[Highlight] = []
    for mark in sorted(marks, key=lambda h: (h.start, -h.end)):
        while stack and stack[-1].end <= mark.start:
            closing = stack.pop()
            parts += [html.escape(text[position : closing.end]), "</mark>"]
            position = closing.end
        parts.append(html.escape(text[position : mark.start]))
        title = f"{mark.field}: {mark.value} ({mark.detail})"
        parts.append(
            f'<mark class="f-{mark.field} s-{mark.status}" data-field="{mark.field}" data-status="{mark.status}"'
            f' data-start="{mark.start}" data-end="{mark.end}" data-evidence="{html.escape(mark.text)}"'
            f' title="{html.escape(title)}">'
        )
        position = mark.start
        stack.append(mark)
    while stack:
        closing = stack.pop()
        parts += [html.escape(text[position : closing.end]), "</mark>"]
        position = closing.end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


_HTML_TEXT = st.text(alphabet=st.sampled_from(list("ab č\n&<>\"'")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    text=_HTML_TEXT,
    spans=_SPANS,
    values=st.lists(st.tuples(_HTML_TEXT, _HTML_TEXT, _HTML_TEXT), min_size=1, max_size=3),
)
def test_render_escapes_as_escaping_everything(text: str, spans: list[tuple[int, int, str]], values: list) -> None:
    found = [
        Highlight(start, start + length, name, *values[index % len(values)], "found")
        for index, (start, length, name) in enumerate(spans)
    ]
    marks = without_clashes(found)
    assert _render_text(text, marks) == _render_escaping_everything(text, marks)
    assert _render_ordered(text, marks) == _render_escaping_everything(text, marks)


def test_highlights_are_highlight_tuples() -> None:
    marks = highlights(extract_text(TEXT, "card").model_dump(mode="json"), None)
    assert marks and all(type(mark) is Highlight and len(mark) == len(Highlight._fields) for mark in marks)


def _record_list_escaping_every_value(record: Mapping[str, Any]) -> str:
    """The plain list: every value through html.escape, one row at a time."""

    def row(name: str, values: list[str]) -> str:
        shown = "".join(f"<li>{html.escape(v)}</li>" for v in values) or "<li class='none'>none</li>"
        return f"<dt>{name}</dt><dd><ul>{shown}</ul></dd>"

    promoter = record.get("promoter")
    rows = [
        row("language", [record["language"]]),
        row("promoter", [promoter["name"]] if promoter else []),
        row("partners", [p["name"] + (f" ({p['country']})" if p.get("country") else "") for p in record.get("partners", [])]),
        row("organisations", [o["name"] for o in record.get("organisations", [])]),
        row("funding programmes", list(record.get("funding_programmes", []))),
        row("project code", [record["project_code"]] if record.get("project_code") else []),
        row("amounts", [f"{a['value']:,.2f} {a['currency']} ({a['role']})" for a in record.get("amounts", [])]),
        row("dates", [f"{d['value']} ({d['role']})" for d in record.get("dates", [])]),
        row("countries", list(record.get("countries", []))),
        row("emails", list(record.get("emails", []))),
        row("problems", [p["message"] for p in record.get("problems", [])]),
    ]
    return "<dl>" + "".join(rows) + "</dl>"


@settings(max_examples=200, deadline=None)
@given(names=st.lists(_HTML_TEXT, max_size=4), code=st.none() | _HTML_TEXT, emails=st.lists(_HTML_TEXT, max_size=2))
def test_record_list_escapes_as_escaping_every_value(names: list[str], code: str | None, emails: list[str]) -> None:
    record = extract_text(TEXT, "card").model_dump(mode="json")
    record["organisations"] = [{"name": name, "rule": "r", "evidence": []} for name in names]
    record["partners"] = [{"name": name, "country": "DE" if index % 2 else None} for index, name in enumerate(names)]
    record.update(project_code=code, emails=emails, promoter={"name": names[0]} if names else None)
    assert _record_list(record) == _record_list_escaping_every_value(record)


@settings(max_examples=300, deadline=None)
@given(text=_HTML_TEXT)
def test_needs_escaping_is_whether_escape_changes_the_text(text: str) -> None:
    assert _needs_escaping(text) == (html.escape(text) != text)
