"""A self-contained HTML review page: every extracted value highlighted in its document.

One file, no external resources: a summary (coverage and F1 per field as bars, amounts by programme and
currency, documents worst first), then per document the normalised text with every value highlighted
in a colour per field (value, role and rule on hover) beside a list of the record. With gold, false
positives are marked apart from hits and misses are listed. Documents are collapsed ``<details>``, so a
page of hundreds of documents opens without rendering them all.
"""

from __future__ import annotations

import html
import io
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import itemgetter
from html import escape
from typing import Any, BinaryIO, NamedTuple, TextIO

from pipeline.models import Record
from pipeline.scoring import FIELDS, AuditReport, Finding
from pipeline.tables import COVERAGE_FIELDS

REPORT_HTML = "report.html"  # the page's name in an output folder
SCRATCH_BUFFER_BYTES = 1 << 20  # sections are longer than the default 8 KiB: fewer, larger writes

# The record keys the page reads: a caller holding a Record need not dump the rest (segments, offset map).
REPORT_FIELDS = frozenset(
    {
        "doc_id", "title", "language", "normalised_text", "promoter", "partners", "organisations", "amounts", "dates",
        "country_evidence", "funding_evidence", "funding_programmes", "project_code", "project_code_evidence",
        "countries", "emails", "problems", *COVERAGE_FIELDS,
    }
)

# Highlight colours per field, and the order a field wins in when two spans cover the same text.
FIELD_COLOURS: dict[str, str] = {
    "promoter": "#f4a261",
    "partners": "#e9c46a",
    "organisations": "#a8dadc",
    "amounts": "#90be6d",
    "dates": "#b5a8f0",
    "countries": "#f7b2bd",
    "funding_programmes": "#8ecae6",
    "project_code": "#ffd6a5",
}
_PRIORITY = {field: rank for rank, field in enumerate(FIELD_COLOURS)}


class Highlight(NamedTuple):
    """A value to highlight (a named tuple: dozens are made per document, and tuples are made fastest)."""

    start: int
    end: int
    field: str
    value: str
    detail: str  # role and rule, shown on hover
    text: str
    status: str  # "hit", "false_positive", or "found" when there is no gold


def _evidence_items(record: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Mapping[str, Any]]]:
    """(field, value, detail, evidence) for every value of the record that carries evidence."""
    promoter = record.get("promoter")
    if promoter:
        yield "promoter", promoter["name"], f"rule {promoter['rule']}", promoter["evidence"]
    for partner in record.get("partners", []):
        country = f", country {partner['country']}" if partner.get("country") else ""
        yield "partners", partner["name"], f"rule {partner['rule']}{country}", partner["evidence"]
    for organisation in record.get("organisations", []):
        for evidence in organisation["evidence"]:
            yield "organisations", organisation["name"], f"rule {organisation['rule']}", evidence
    for amount in record.get("amounts", []):
        value = f"{amount['value']:,.2f} {amount['currency']}"
        yield "amounts", value, f"role {amount['role']}, rule {amount['rule']}", amount["evidence"]
    for date in record.get("dates", []):
        yield "dates", date["value"], f"role {date['role']}, {date['precision']}, rule {date['rule']}", date["evidence"]
    for mention in record.get("country_evidence", []):
        yield "countries", mention["value"], f"rule {mention['rule']}", mention["evidence"]
    for mention in record.get("funding_evidence", []):
        yield "funding_programmes", mention["value"], f"rule {mention['rule']}", mention["evidence"]
    if record.get("project_code_evidence"):
        yield "project_code", record["project_code"], "project code", record["project_code_evidence"]


def _false_positive_keys(findings: Sequence[Finding]) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for finding in findings:
        if finding.kind == "false_positive":
            keys.add((finding.field, finding.value))
            if finding.evidence is not None:
                keys.add((finding.field, finding.evidence))
    return keys


def highlights(record: Mapping[str, Any], findings: Sequence[Finding] | None) -> list[Highlight]:
    """Non-crossing highlights, in text order; of two spans that cross, the lower-ranked field is dropped."""
    if findings is None:  # the page without gold: every value is "found"
        return without_clashes(
            [
                _highlight((evidence["start"], evidence["end"], name, str(value), detail, evidence["text"], "found"))
                for name, value, detail, evidence in _evidence_items(record)
            ]
        )
    false_positives = _false_positive_keys(findings)
    found: list[Highlight] = []
    for name, value, detail, evidence in _evidence_items(record):
        if (name, value) in false_positives or (name, evidence["text"]) in false_positives:
            status = "false_positive"
        else:
            status = "hit"
        found.append(_highlight((evidence["start"], evidence["end"], name, str(value), detail, evidence["text"], status)))
    return without_clashes(found)


# A Highlight from a tuple in one C call (the named tuple's own __new__ is a Python function).
_highlight = partial(tuple.__new__, Highlight)


def without_clashes(found: Sequence[Highlight]) -> list[Highlight]:
    """The highlights in text order, dropping any that repeats or crosses one kept before it."""
    ordered = sorted(found, key=lambda h: (h.start, -h.end, _PRIORITY[h.field]))
    kept: list[Highlight] = []
    # Candidates come by start, so a kept span ending before this start cannot clash with it or any
    # later one; only the spans still open (few: kept spans nest, never cross) are compared.
    open_spans: list[Highlight] = []
    for candidate in ordered:
        start, end = candidate.start, candidate.end
        open_spans = [other for other in open_spans if other.end >= start]
        # the same span, or one crossing it; none starts inside the candidate, as none starts after it
        for other in open_spans:
            if (other.start == start and other.end == end) or other.start < start < other.end < end:
                break
        else:
            kept.append(candidate)
            open_spans.append(candidate)
    return kept


def _render_text(text: str, marks: Sequence[Highlight]) -> str:
    """The text with nested <mark> elements; marks do not cross (see ``highlights``)."""
    return _render_ordered(text, sorted(marks, key=lambda h: (h.start, -h.end)))


def _needs_escaping(text: str) -> bool:
    """Whether ``text`` holds one of & < > " ' (five substring tests: far quicker than a regex class scan)."""
    return "&" in text or "<" in text or ">" in text or '"' in text or "'" in text


# What of a mark its tag's attributes show: field, value and detail in the title, and the evidence.
_SHOWN_IN_TAG = itemgetter(2, 3, 4, 5)


def _mark_tags(marks: Sequence[Highlight], attribute_escape: Callable[[str], str]) -> list[str]:
    """Each mark's opening tag; its title is "field: value (detail)"."""
    return [
        f'<mark class="f-{field} s-{status}" data-field="{field}" data-status="{status}"'
        f' data-start="{start}" data-end="{end}" data-evidence="{attribute_escape(evidence)}"'
        f' title="{attribute_escape(f"{field}: {value} ({detail})")}">'
        for start, end, field, value, detail, evidence, status in marks
    ]


def _render_ordered(text: str, marks: Sequence[Highlight]) -> str:
    """``_render_text`` of marks already in (start, -end) order, as ``highlights`` gives them."""
    # html.escape is called only where something needs escaping: most texts and values hold none of
    # & < > " ', and one test over them all tells
    shown = "".join(chain.from_iterable(map(_SHOWN_IN_TAG, marks)))
    tags = _mark_tags(marks, escape if _needs_escaping(shown) else str)
    # parts alternate: a piece of text, then a tag or "</mark>", ..., a last piece of text
    parts: list[str] = []
    position = 0
    open_ends: list[int] = []
    for mark, tag in zip(marks, tags):
        start = mark[0]
        while open_ends and open_ends[-1] <= start:
            end = open_ends.pop()
            parts.append(text[position:end])
            parts.append("</mark>")
            position = end
        parts.append(text[position:start])
        parts.append(tag)
        position = start
        open_ends.append(mark[1])
    while open_ends:
        end = open_ends.pop()
        parts.append(text[position:end])
        parts.append("</mark>")
        position = end
    parts.append(text[position:])
    if _needs_escaping(text):
        parts[::2] = map(escape, parts[::2])
    return "".join(parts)


def _record_list(record: Mapping[str, Any]) -> str:
    promoter = record.get("promoter")
    rows = [
        ("language", [record["language"]]),
        ("promoter", [promoter["name"]] if promoter else []),
        ("partners", [p["name"] + (f" ({p['country']})" if p.get("country") else "") for p in record.get("partners", [])]),
        ("organisations", [o["name"] for o in record.get("organisations", [])]),
        ("funding programmes", list(record.get("funding_programmes", []))),
        ("project code", [record["project_code"]] if record.get("project_code") else []),
        ("amounts", [f"{a['value']:,.2f} {a['currency']} ({a['role']})" for a in record.get("amounts", [])]),
        ("dates", [f"{d['value']} ({d['role']})" for d in record.get("dates", [])]),
        ("countries", list(record.get("countries", []))),
        ("emails", list(record.get("emails", []))),
        ("problems", [p["message"] for p in record.get("problems", [])]),
    ]
    # one search over every value tells whether any needs html.escape (most records: none)
    if _needs_escaping("".join([value for _, values in rows for value in values])):
        rows = [(name, list(map(html.escape, values))) for name, values in rows]
    shown = [("<li>" + "</li><li>".join(values) + "</li>" if values else "<li class='none'>none</li>") for _, values in rows]
    return "<dl>" + "".join([f"<dt>{name}</dt><dd><ul>{items}</ul></dd>" for (name, _), items in zip(rows, shown)]) + "</dl>"


def _findings_list(findings: Sequence[Finding]) -> str:
    if not findings:
        return ""
    items = "".join(
        f'<li class="{f.kind}"><b>{html.escape(f.field)}</b> {f.kind.replace("_", " ")}: {html.escape(f.value)}'
        + (f' <q>{html.escape(f.evidence)}</q>' if f.evidence else "")
        + "</li>"
        for f in findings
    )
    return f'<ul class="findings">{items}</ul>'


def _bar(label: str, share: float, text: str) -> str:
    width = max(0.0, min(1.0, share)) * 100
    return (
        f'<div class="bar"><span class="label">{html.escape(label)}</span>'
        f'<span class="track"><span class="fill" style="width:{width:.1f}%"></span></span>'
        f'<span class="num">{html.escape(text)}</span></div>'
    )


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One document's part of the page, rendered where the record is (a worker process, too)."""

    order: tuple[int, int, str]  # see _badness
    section: str | bytes  # the rendered HTML, or its UTF-8 bytes as a previous page holds them
    found: tuple[str, ...]  # coverage fields the record has
    programmes: str  # its funding programmes as the amounts table groups them
    amounts: tuple[tuple[str, float], ...]  # (currency, value) per amount, in record order


@dataclass(slots=True)
class Aggregates:
    """What the summary needs, gathered one record at a time."""

    documents: int = 0
    coverage: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    amount_totals: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    amount_counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, entry: ReportEntry) -> None:
        self.documents += 1
        for name in COVERAGE_FIELDS:
            self.coverage[name] += name in entry.found
        for currency, value in entry.amounts:
            key = (entry.programmes, currency)
            self.amount_totals[key] += value
            self.amount_counts[key] += 1


def _coverage(aggregates: Aggregates) -> str:
    total = aggregates.documents or 1
    return "".join(
        _bar(name, aggregates.coverage[name] / total, f"{aggregates.coverage[name]}/{aggregates.documents}")
        for name in COVERAGE_FIELDS
    )


def _f1_bars(report: AuditReport) -> str:
    bars = [_bar(name, score.f1, f"F1 {score.f1:.2f}") for name, score in report.overall.fields.items() if name in FIELDS]
    return "".join(bars)


def _amounts_table(aggregates: Aggregates) -> str:
    totals, counts = aggregates.amount_totals, aggregates.amount_counts
    if not totals:
        return "<p>No amounts.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(p)}</td><td>{c}</td><td class='n'>{counts[(p, c)]}</td><td class='n'>{totals[(p, c)]:,.2f}</td></tr>"
        for p, c in sorted(totals)
    )
    return f"<table><tr><th>programmes</th><th>currency</th><th>amounts</th><th>sum</th></tr>{rows}</table>"


def _badness(record: Mapping[str, Any], findings: Sequence[Finding]) -> tuple[int, int, str]:
    """Sort key putting documents with most to check first, then those with least found."""
    found = sum(1 for name in COVERAGE_FIELDS if record.get(name))
    return (-len(findings), found, record["doc_id"])


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222}
header{padding:12px 20px;background:#264653;color:#fff}
main{padding:0 20px 40px}
section.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:20px;margin:16px 0}
.bar{display:flex;align-items:center;gap:8px;margin:3px 0}
.bar .label{width:140px}.bar .num{width:80px;text-align:right;font-variant-numeric:tabular-nums}
.track{flex:1;height:10px;background:#eee;border-radius:5px;overflow:hidden}
.fill{display:block;height:100%;background:#2a9d8f}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}td.n{text-align:right}
details.doc{border:1px solid #ccc;border-radius:6px;margin:8px 0}
details.doc>summary{cursor:pointer;padding:6px 10px;background:#f6f6f6}
.doc .body{display:grid;grid-template-columns:minmax(0,3fr) minmax(220px,1fr);gap:16px;padding:10px}
.doc pre{white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace;margin:0}
dl{margin:0}dt{font-weight:600;margin-top:6px}dd{margin:0}dd ul{margin:0;padding-left:18px}li.none{color:#999}
mark{border-radius:3px;padding:0 1px}
mark.s-false_positive{outline:2px dashed #d62828;outline-offset:1px}
.findings li.miss{color:#9d0208}.findings li.false_positive{color:#6a040f}
.legend span{display:inline-block;padding:1px 6px;margin:2px;border-radius:3px}
#filter{padding:4px 8px;width:260px}
.badge{font-size:12px;padding:1px 6px;border-radius:8px;background:#ddd;margin-left:6px}
"""
_SCRIPT = """
document.getElementById('filter').addEventListener('input',function(e){
  var q=e.target.value.toLowerCase();
  document.querySelectorAll('details.doc').forEach(function(d){
    d.style.display=d.dataset.search.indexOf(q)>=0?'':'none';});
});
"""
# What follows the last section: a page that does not end with it was cut short.
PAGE_END = f"</main><script>{_SCRIPT}</script></body></html>\n"


# Every document section starts with this. Document text, ids and titles are HTML-escaped inside a
# section, so the string cannot occur within one: it splits a page back into its sections.
SECTION_START = '<details class="doc" id="doc-'
SECTION_END = "</details>"


def section_heading(record: Mapping[str, Any], badge: str = "") -> str:
    """A section's start, up to its summary line's end: made from the record's id, language and title."""
    search = html.escape(f"{record['doc_id']} {record.get('title') or ''}".lower())
    return (
        f'{SECTION_START}{html.escape(record["doc_id"])}" data-search="{search}">'
        f"<summary><b>{html.escape(record['doc_id'])}</b> [{record['language']}] "
        f"{html.escape(record.get('title') or '')}{badge}</summary>"
    )


def _section(record: Mapping[str, Any], findings: Sequence[Finding], with_gold: bool) -> str:
    marks = highlights(record, findings if with_gold else None)
    badge = f'<span class="badge">{len(findings)} to check</span>' if with_gold else ""
    return (
        f"{section_heading(record, badge)}"
        f'<div class="body"><pre>{_render_ordered(record["normalised_text"], marks)}</pre>'
        f"<aside>{_record_list(record)}{_findings_list(findings)}</aside></div>{SECTION_END}"
    )


def report_entry(record: Mapping[str, Any], findings: Sequence[Finding], with_gold: bool) -> ReportEntry:
    return _entry(record, findings, _section(record, findings, with_gold))


def copied_report_entry(record: Mapping[str, Any], section: bytes) -> ReportEntry:
    """The entry of a page without gold whose section was rendered before (copied from a previous page).

    ``record`` needs only the keys the summary reads: doc_id, funding_programmes, amounts and the
    coverage fields.
    """
    return _entry(record, [], section)


def _entry(record: Mapping[str, Any], findings: Sequence[Finding], section: str | bytes) -> ReportEntry:
    return ReportEntry(
        order=_badness(record, findings),
        section=section,
        found=tuple(name for name in COVERAGE_FIELDS if record.get(name)),
        programmes=" + ".join(record.get("funding_programmes", [])) or "(none named)",
        amounts=tuple((amount["currency"], amount["value"]) for amount in record.get("amounts", [])),
    )


def record_report_entry(record: Record) -> ReportEntry:
    """The entry of a page without gold, dumping only the fields the page shows; its section as the
    page's UTF-8 bytes (encoded where the record is made, a worker process too, and sent as it is kept)."""
    # the serializer itself: model_dump(mode="json", include=REPORT_FIELDS) without its Python wrapper
    fields = _dump(record, mode="json", include=REPORT_FIELDS)
    return _entry(fields, [], _section(fields, [], False).encode("utf-8"))


_dump = Record.__pydantic_serializer__.to_python


class ReportBuilder:
    """Builds the review page one record at a time: sections go to a scratch file, so memory stays
    small; the page is assembled (summary first, documents worst first) when it is written."""

    def __init__(self, report: AuditReport | None = None, title: str = "Extraction review") -> None:
        self.report = report
        self.title = title
        self.aggregates = Aggregates()
        self._findings: dict[str, list[Finding]] = defaultdict(list)
        for finding in report.findings if report is not None else []:
            self._findings[finding.doc_id].append(finding)
        self._scratch = tempfile.TemporaryFile("w+b", buffering=SCRATCH_BUFFER_BYTES)
        self._sections: list[tuple[tuple[int, int, str], int, int]] = []  # (order key, offset, length)

    def add(self, record: Mapping[str, Any]) -> None:
        findings = self._findings.get(record["doc_id"], [])
        self.add_entry(report_entry(record, findings, self.report is not None))

    def add_entry(self, entry: ReportEntry) -> None:
        section = entry.section if isinstance(entry.section, bytes) else entry.section.encode("utf-8")
        offset = self._scratch.tell()
        self._scratch.write(section)
        self._sections.append((entry.order, offset, len(section)))
        self.aggregates.add(entry)

    def write(self, stream: TextIO) -> None:
        """Write the whole page to ``stream`` and release the scratch file."""
        stream.write(self._head())
        for section in self._ordered_sections():
            stream.write(section.decode("utf-8"))
        stream.write(PAGE_END)

    def write_binary(self, stream: BinaryIO) -> None:
        """Write the whole page to ``stream`` as UTF-8 and release the scratch file (the sections are
        copied as they are: a page of thousands of documents is not decoded only to be encoded again)."""
        stream.write(self._head().encode("utf-8"))
        for section in self._ordered_sections():
            stream.write(section)
        stream.write(PAGE_END.encode("utf-8"))

    def _ordered_sections(self) -> Iterator[bytes]:
        """The sections, worst first; the scratch file is released after the last."""
        try:
            for _, offset, length in sorted(self._sections):
                self._scratch.seek(offset)
                yield self._scratch.read(length)
        finally:
            self._scratch.close()

    def _head(self) -> str:
        report, aggregates = self.report, self.aggregates
        colour_rules = "".join(f"mark.f-{name}{{background:{colour}}}" for name, colour in FIELD_COLOURS.items())
        legend = "".join(f'<span class="f-{f}" style="background:{c}">{f}</span>' for f, c in FIELD_COLOURS.items())
        summary = [f"<div><h2>Coverage (documents where found)</h2>{_coverage(aggregates)}</div>"]
        if report is not None:
            summary.append(f"<div><h2>F1 against gold</h2>{_f1_bars(report)}</div>")
        summary.append(f"<div><h2>Amounts by programme and currency</h2>{_amounts_table(aggregates)}</div>")
        gold_note = "with gold: dashed outline = false positive; misses listed beside the text" if report is not None else ""
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}{colour_rules}</style></head><body>"
            f"<header><h1>{html.escape(self.title)}</h1>{aggregates.documents} documents. {gold_note}</header><main>"
            f"<section class='summary'>{''.join(summary)}</section>"
            f"<p class='legend'>{legend}</p>"
            "<h2>Documents, worst first</h2><input id='filter' placeholder='filter by id or title'>"
        )


def render_report(records: Sequence[Mapping[str, Any]], report: AuditReport | None = None, title: str = "Extraction review") -> str:
    """The whole review page as one HTML string (deterministic for the same input)."""
    builder = ReportBuilder(report, title)
    for record in records:
        builder.add(record)
    buffer = io.StringIO()
    builder.write(buffer)
    return buffer.getvalue()
