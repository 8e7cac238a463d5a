"""Score extraction records against gold files: the core of the ``audit`` command.

Scoring follows CONTRACT.md, "Gold files and scoring": per field true positives, false positives and
misses, summed over documents (micro average), then precision, recall and F1; the same per gold
language; and every miss and false positive listed with the record's evidence text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from pipeline.folding import strip_diacritics
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import FundingProgramme, Model

DATA_NAME = "scoring"
LANGUAGES = ("cs", "sk", "en")
# Contract: a predicted organisation name is "at least 88 % similar" to a gold alias (difflib ratio).
SIMILARITY_THRESHOLD = 0.88

ORGANISATION_FIELDS = ("promoter", "partners", "organisations")
SET_FIELDS = ("funding_programmes", "project_code", "amounts", "dates", "countries", "emails")
FIELDS: tuple[str, ...] = (*ORGANISATION_FIELDS, *SET_FIELDS, "language")

FindingKind = Literal["miss", "false_positive"]
_Counts = tuple[int, int, int]  # true positives, false positives, misses


class GoldError(ValueError):
    """A gold file or directory is missing or malformed."""


class RecordsError(ValueError):
    """A records file is malformed."""


# ---------------------------------------------------------------------------------------------
# Gold files


class GoldAmount(Model):
    value: float
    currency: str = Field(pattern=r"^[A-Z]{3}$")


Alias = Annotated[str, Field(pattern=r"\S")]
AliasList = Annotated[list[Alias], Field(min_length=1)]


class GoldDocument(Model):
    """One gold file, as described in dev/ANNOTATION.md."""

    doc_id: str = Field(min_length=1)
    source_url: str | None = None
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    promoter: list[AliasList] = Field(max_length=1, description="One alias list, or none.")
    partners: list[AliasList]
    organisations: list[AliasList]
    funding_programmes: list[FundingProgramme]
    project_code: str | None
    amounts: list[GoldAmount]
    dates: list[Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")]]
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]]
    emails: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]]


def load_gold(gold_dir: Path) -> dict[str, GoldDocument]:
    """Every ``*.json`` gold file in ``gold_dir`` by doc_id; raises GoldError naming the bad file."""
    if not gold_dir.is_dir():
        raise GoldError(f"gold directory {gold_dir} does not exist")
    paths = sorted(gold_dir.glob("*.json"))
    if not paths:
        raise GoldError(f"gold directory {gold_dir} holds no *.json files")
    return {path.stem: _load_gold_file(path) for path in paths}


def _load_gold_file(path: Path) -> GoldDocument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"gold file {path}: not valid UTF-8 JSON: {exc}") from exc
    try:
        document = GoldDocument.model_validate(data)
    except ValidationError as exc:
        raise GoldError(f"gold file {path}: {_describe_validation_error(exc)}") from exc
    if document.doc_id != path.stem:
        raise GoldError(f"gold file {path}: doc_id {document.doc_id!r} does not match the file name")
    return document


def _describe_validation_error(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"]) or "document"
        problems.append(f"{location}: {error['msg']}")
    return "; ".join(problems)


# ---------------------------------------------------------------------------------------------
# Records


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a ``records.jsonl`` file, in file order; raises RecordsError naming the line."""
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordsError(f"{path} line {number}: not valid JSON: {exc}") from exc
            if not isinstance(record, dict):
                raise RecordsError(f"{path} line {number}: expected a JSON object")
            records.append(record)
    return records


# ---------------------------------------------------------------------------------------------
# Name folding


@dataclass(frozen=True)
class _Folding:
    letters: dict[int, str]
    dotted_legal_form: re.Pattern[str]
    trailing_legal_forms: re.Pattern[str]
    leading_article: re.Pattern[str] | None


def _strip_marks(text: str) -> str:
    return strip_diacritics(text, compatibility=True)


def _string_list(data: Mapping[str, Any], table: str, key: str) -> list[str]:
    section = data.get(table)
    values = section.get(key) if isinstance(section, dict) else None
    if not isinstance(values, list) or not all(isinstance(value, str) and value.strip() for value in values):
        raise LexiconError(f"data file {DATA_NAME}.toml: [{table}].{key} must be a list of non-empty strings")
    return values


_LEGAL_FORM_SHAPE = re.compile(r"(?:[^\W\d_]\.\s*){2,}")


def _legal_form_letters(form: str, table: str) -> list[str]:
    folded = _strip_marks(form).casefold()
    if not _LEGAL_FORM_SHAPE.fullmatch(folded):
        raise LexiconError(
            f"data file {DATA_NAME}.toml: [{table}].legal_forms: {form!r} must be letters each followed by a dot"
        )
    return re.findall(r"[^\W\d_]", folded)


def folding_from_data(data: Mapping[str, Any]) -> _Folding:
    """Folding patterns from the parsed data file; raises LexiconError naming the bad key."""
    letter_forms: list[list[str]] = []
    articles: list[str] = []
    for table in LANGUAGES:
        letter_forms += [_legal_form_letters(form, table) for form in _string_list(data, table, "legal_forms")]
        articles += [_strip_marks(article).casefold() for article in _string_list(data, table, "leading_articles")]
    letters = data.get("letters")
    if not isinstance(letters, dict) or not all(
        len(key) == 1 and key == key.lower() and isinstance(value, str) for key, value in letters.items()
    ):
        raise LexiconError(f"data file {DATA_NAME}.toml: [letters] must map single lower-case letters to strings")
    # Longest first, so "o.p.s." is tried before "o.s.".
    letter_forms = sorted({tuple(form): form for form in letter_forms}.values(), key=lambda form: (-len(form), form))
    dotted = "|".join(r"\.\s*".join(map(re.escape, form)) for form in letter_forms)
    undotted = "|".join(" ?".join(map(re.escape, form)) for form in letter_forms)
    article = "|".join(sorted({re.escape(article) for article in articles}, key=lambda word: (-len(word), word)))
    return _Folding(
        letters={ord(key): value for key, value in letters.items()},
        # Not inside dotted acronyms ("u.s.a.s."), dots between letters required, last dot optional.
        dotted_legal_form=re.compile(rf"(?<![\w.])(?:{dotted})\.?(?!\w)"),
        # Without dots only at the end of a name and after another word: "as", "no" are words too.
        trailing_legal_forms=re.compile(rf"(?: (?:{undotted}))+$"),
        leading_article=re.compile(rf"^(?:{article}) (?=\S)") if article else None,
    )


_FOLDING = folding_from_data(load_data(DATA_NAME))
_APOSTROPHE = re.compile(r"['’`´]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


def fold_name(name: str) -> str:
    """Compare form of an organisation name: no case, diacritics, punctuation, legal forms, leading "the"."""
    text = _strip_marks(name).casefold().translate(_FOLDING.letters)
    text = _FOLDING.dotted_legal_form.sub(" ", text)
    text = _APOSTROPHE.sub("", text)  # "Women's" and "Womens" are one name
    text = _PUNCTUATION.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _FOLDING.trailing_legal_forms.sub("", text)
    if _FOLDING.leading_article is not None:
        text = _FOLDING.leading_article.sub("", text)
    return text


# ---------------------------------------------------------------------------------------------
# Report models


class FieldScore(Model):
    """Counts and micro-averaged precision, recall and F1 of one field.

    With nothing to find and nothing predicted all three are 1.0; otherwise an empty denominator gives 0.0.
    For ``language``: tp = right language, fp = a wrong language predicted, fn = the gold language not
    predicted (wrong, or no record), so recall is the accuracy.
    """

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> FieldScore:
        if tp + fp + fn == 0:  # nothing to find and nothing predicted
            return cls(tp=0, fp=0, fn=0, precision=1.0, recall=1.0, f1=1.0)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return cls(tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=2 * tp / (2 * tp + fp + fn))


class Finding(Model):
    """One miss (gold value not predicted) or false positive (predicted value not in gold)."""

    doc_id: str
    field: str
    kind: FindingKind
    value: str
    evidence: str | None = Field(description="The record's evidence text for the value, when it has one.")


class ScoreTable(Model):
    """Scores of every field over a set of documents."""

    documents: int
    language_accuracy: float = Field(description="Share of documents whose language is the gold language.")
    fields: dict[str, FieldScore] = Field(description=f"In the order {', '.join(FIELDS)}.")


class AuditReport(Model):
    """The audit's result; ``model_dump_json(indent=2)`` is the ``--json`` output."""

    overall: ScoreTable
    by_language: dict[str, ScoreTable] = Field(description="By gold language, sorted by code.")
    missing_records: list[str] = Field(description="Gold documents without a record (all missed).")
    unscored: list[str] = Field(description="Records without a gold file (not scored).")
    findings: list[Finding]


# ---------------------------------------------------------------------------------------------
# Scoring one document


@dataclass(frozen=True)
class _Shown:
    """A value as printed in findings, with the record's evidence text when there is one."""

    value: str
    evidence: str | None = None


@dataclass(frozen=True)
class _Entity:
    """A predicted organisation: its names (main name first) as printed and folded."""

    names: tuple[str, ...]
    folded: tuple[str, ...]
    characters: tuple[Counter[str], ...]
    evidence: str | None


@dataclass
class _DocumentResult:
    counts: dict[str, _Counts]
    findings: list[Finding]


def _common_characters(first: Counter[str], second: Counter[str]) -> int:
    return sum(min(count, second[char]) for char, count in first.items() if char in second)


class _GoldEntity:
    """A gold entity: aliases as printed (main name first) and folded, with their character counts."""

    def __init__(self, aliases: Sequence[str]) -> None:
        self.aliases = aliases
        self.folded = tuple(dict.fromkeys(folded for folded in map(fold_name, aliases) if folded))
        self.characters = [Counter(alias) for alias in self.folded]
        # difflib caches its analysis of the second sequence: one matcher per gold alias, made when needed.
        self.matchers: dict[str, SequenceMatcher[str]] = {}

    def similarity(self, predicted: str, characters: Counter[str]) -> float:
        """Best difflib ratio of ``predicted`` to an alias when it reaches the threshold, else 0.0."""
        if not predicted:
            return 0.0
        if predicted in self.folded:
            return 1.0
        best = 0.0
        for alias, alias_characters in zip(self.folded, self.characters):
            # Shared characters bound the ratio (difflib's quick_ratio): skip pairs that cannot reach it.
            lengths = len(predicted) + len(alias)
            if 2 * min(len(predicted), len(alias)) < SIMILARITY_THRESHOLD * lengths:
                continue
            if 2 * _common_characters(characters, alias_characters) < SIMILARITY_THRESHOLD * lengths:
                continue
            matcher = self.matchers.get(alias) or self.matchers.setdefault(alias, SequenceMatcher(None, "", alias))
            matcher.set_seq1(predicted)
            best = max(best, matcher.ratio())
        return best if best >= SIMILARITY_THRESHOLD else 0.0


def _pair_score(entity: _Entity, gold: _GoldEntity) -> tuple[float, bool]:
    """Best ratio of the main name; only when it does not match, of the other names. (score, by name)."""
    by_name = gold.similarity(entity.folded[0], entity.characters[0])
    if by_name:
        return by_name, True
    others = zip(entity.folded[1:], entity.characters[1:])
    return max((gold.similarity(name, characters) for name, characters in others), default=0.0), False


def _match_organisations(
    doc_id: str, field: str, predicted: Sequence[_Entity], gold: Sequence[_GoldEntity]
) -> tuple[_Counts, list[Finding]]:
    candidates: list[tuple[float, bool, int, int]] = []
    for p_index, entity in enumerate(predicted):
        for g_index, gold_entity in enumerate(gold):
            score, by_name = _pair_score(entity, gold_entity)
            if score:
                candidates.append((-score, not by_name, p_index, g_index))
    candidates.sort()  # best ratio first, matches by main name before aliases, then by order
    matched_predicted: set[int] = set()
    matched_gold: set[int] = set()
    for _, _, p_index, g_index in candidates:
        if p_index not in matched_predicted and g_index not in matched_gold:
            matched_predicted.add(p_index)
            matched_gold.add(g_index)
    # An unassigned prediction that resembles some gold entity names one already matched: no count.
    resembling = {p_index for _, _, p_index, _ in candidates}
    false_positives = [
        Finding(doc_id=doc_id, field=field, kind="false_positive", value=entity.names[0], evidence=entity.evidence)
        for p_index, entity in enumerate(predicted)
        if p_index not in resembling
    ]
    misses = [
        Finding(doc_id=doc_id, field=field, kind="miss", value=gold_entity.aliases[0], evidence=None)
        for g_index, gold_entity in enumerate(gold)
        if g_index not in matched_gold
    ]
    return (len(matched_gold), len(false_positives), len(misses)), [*misses, *false_positives]


def _compare_sets(
    doc_id: str, field: str, predicted: Mapping[Hashable, _Shown], gold: Mapping[Hashable, _Shown]
) -> tuple[_Counts, list[Finding]]:
    misses = [
        Finding(doc_id=doc_id, field=field, kind="miss", value=shown.value, evidence=None)
        for key, shown in gold.items()
        if key not in predicted
    ]
    false_positives = [
        Finding(doc_id=doc_id, field=field, kind="false_positive", value=shown.value, evidence=shown.evidence)
        for key, shown in predicted.items()
        if key not in gold
    ]
    true_positives = sum(1 for key in predicted if key in gold)
    return (true_positives, len(false_positives), len(misses)), [*misses, *false_positives]


# ---------------------------------------------------------------------------------------------
# Reading values out of records and gold (both sides deduplicated)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _evidence_text(evidence: Any) -> str | None:
    if isinstance(evidence, (list, tuple)):
        evidence = evidence[0] if evidence else None
    if isinstance(evidence, Mapping) and isinstance(evidence.get("text"), str):
        return evidence["text"]
    return None


def _item_value(item: Any) -> Any:
    return item.get("value") if isinstance(item, Mapping) else item


def _entity(names: Iterable[Any], evidence: Any) -> _Entity | None:
    printed = tuple(name for name in names if isinstance(name, str) and name.strip())
    if not printed:
        return None
    folded = tuple(fold_name(name) for name in printed)
    characters = tuple(Counter(name) for name in folded)
    return _Entity(names=printed, folded=folded, characters=characters, evidence=_evidence_text(evidence))


def _predicted_entities(record: Mapping[str, Any], field: str) -> list[_Entity]:
    if field == "promoter":
        promoter = record.get("promoter")
        items = [promoter] if isinstance(promoter, Mapping) else []
    else:
        items = [item for item in _as_list(record.get(field)) if isinstance(item, Mapping)]
    entities: dict[str, _Entity] = {}
    for item in items:
        entity = _entity([item.get("name"), *_as_list(item.get("aliases"))], item.get("evidence"))
        if entity is not None:
            # One entry per organisation: a repeated main name is the same prediction.
            entities.setdefault(entity.folded[0] or entity.names[0], entity)
    return list(entities.values())


def _gold_entities(aliases_lists: Sequence[Sequence[str]]) -> list[_GoldEntity]:
    unique: dict[frozenset[str], _GoldEntity] = {}
    for aliases in aliases_lists:
        entity = _GoldEntity(aliases)
        unique.setdefault(frozenset(entity.folded), entity)
    return list(unique.values())


def _cents(value: Any) -> int | None:
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError, OverflowError):
        return None


def _show_amount(cents: int, currency: str) -> str:
    number = f"{cents // 100}" if cents % 100 == 0 else f"{cents / 100:.2f}"
    return f"{number} {currency}"


def _amount_key(value: Any, currency: Any) -> tuple[Hashable, str]:
    code = str(currency).strip().upper()
    cents = _cents(value)
    if cents is None:
        return ("unreadable", str(value), code), f"{value} {code}"
    return (cents, code), _show_amount(cents, code)


def _normalise_project_code(code: str) -> str:
    return _SPACES.sub("", code).casefold()


# How each plain field is normalised before comparison.
_NORMALISERS: dict[str, Callable[[str], str]] = {
    "funding_programmes": str.strip,
    "project_code": _normalise_project_code,
    "dates": str.strip,
    "countries": lambda code: code.strip().upper(),
    "emails": lambda email: email.strip().casefold(),
}


def _keyed(
    field: str, values: Iterable[Any], evidence: Mapping[str, str] | None = None
) -> dict[Hashable, _Shown]:
    normalise = _NORMALISERS[field]
    keyed: dict[Hashable, _Shown] = {}
    for value in values:
        if not isinstance(value, str) or not normalise(value):
            continue
        key = normalise(value)
        keyed.setdefault(key, _Shown(value.strip(), (evidence or {}).get(key)))
    return keyed


def _mention_evidence(field: str, mentions: Any) -> dict[str, str]:
    """Normalised value -> first evidence text, from a record's list of value mentions."""
    found: dict[str, str] = {}
    for mention in _as_list(mentions):
        value = _item_value(mention)
        text = _evidence_text(mention.get("evidence")) if isinstance(mention, Mapping) else None
        if isinstance(value, str) and text is not None:
            found.setdefault(_NORMALISERS[field](value), text)
    return found


def _predicted_values(record: Mapping[str, Any], field: str) -> dict[Hashable, _Shown]:
    if field == "amounts":
        amounts: dict[Hashable, _Shown] = {}
        for item in _as_list(record.get("amounts")):
            if isinstance(item, Mapping):
                key, shown = _amount_key(item.get("value"), item.get("currency"))
                amounts.setdefault(key, _Shown(shown, _evidence_text(item.get("evidence"))))
        return amounts
    if field == "project_code":
        code = record.get("project_code")
        evidence = _evidence_text(record.get("project_code_evidence"))
        if not isinstance(code, str) or evidence is None:
            return _keyed(field, [code])
        return _keyed(field, [code], {_normalise_project_code(code): evidence})
    if field == "dates":
        items = _as_list(record.get("dates"))
        evidence = _mention_evidence(field, items)
        return _keyed(field, [_item_value(item) for item in items], evidence)
    evidence_keys = {"funding_programmes": "funding_evidence", "countries": "country_evidence"}
    evidence = _mention_evidence(field, record.get(evidence_keys[field])) if field in evidence_keys else None
    return _keyed(field, _as_list(record.get(field)), evidence)


def _gold_values(gold: GoldDocument, field: str) -> dict[Hashable, _Shown]:
    if field == "amounts":
        amounts: dict[Hashable, _Shown] = {}
        for amount in gold.amounts:
            key, shown = _amount_key(amount.value, amount.currency)
            amounts.setdefault(key, _Shown(shown))
        return amounts
    if field == "project_code":
        return _keyed(field, [gold.project_code])
    return _keyed(field, getattr(gold, field))


def _score_language(doc_id: str, record: Mapping[str, Any] | None, gold: GoldDocument) -> tuple[_Counts, list[Finding]]:
    predicted = record.get("language") if record is not None else None
    predicted = predicted.strip().lower() if isinstance(predicted, str) and predicted.strip() else None
    if predicted == gold.language:
        return (1, 0, 0), []
    findings = [Finding(doc_id=doc_id, field="language", kind="miss", value=gold.language, evidence=None)]
    if predicted is None:
        return (0, 0, 1), findings
    findings.append(Finding(doc_id=doc_id, field="language", kind="false_positive", value=predicted, evidence=None))
    return (0, 1, 1), findings


def _score_document(doc_id: str, record: Mapping[str, Any] | None, gold: GoldDocument) -> _DocumentResult:
    source: Mapping[str, Any] = record if record is not None else {}
    counts: dict[str, _Counts] = {}
    findings: list[Finding] = []
    for field in ORGANISATION_FIELDS:
        counts[field], found = _match_organisations(
            doc_id, field, _predicted_entities(source, field), _gold_entities(getattr(gold, field))
        )
        findings += found
    for field in SET_FIELDS:
        counts[field], found = _compare_sets(doc_id, field, _predicted_values(source, field), _gold_values(gold, field))
        findings += found
    counts["language"], found = _score_language(doc_id, record, gold)
    findings += found
    return _DocumentResult(counts=counts, findings=findings)


# ---------------------------------------------------------------------------------------------
# Scoring a collection


def _table(results: Sequence[_DocumentResult]) -> ScoreTable:
    fields: dict[str, FieldScore] = {}
    for field in FIELDS:
        tp = sum(result.counts[field][0] for result in results)
        fp = sum(result.counts[field][1] for result in results)
        fn = sum(result.counts[field][2] for result in results)
        fields[field] = FieldScore.from_counts(tp, fp, fn)
    correct = fields["language"].tp
    accuracy = correct / len(results) if results else 1.0
    return ScoreTable(documents=len(results), language_accuracy=accuracy, fields=fields)


def _records_by_id(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    by_id: dict[str, Mapping[str, Any]] = {}
    for position, record in enumerate(records):
        doc_id = record.get("doc_id")
        if not isinstance(doc_id, str) or not doc_id:
            raise RecordsError(f"record {position}: no doc_id")
        if doc_id in by_id:
            raise RecordsError(f"record {position}: a second record for doc_id {doc_id!r}")
        by_id[doc_id] = record
    return by_id


_FIELD_ORDER = {field: position for position, field in enumerate(FIELDS)}
_KIND_ORDER = {"miss": 0, "false_positive": 1}


def _finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    kind = _KIND_ORDER[finding.kind]
    return (finding.doc_id, _FIELD_ORDER[finding.field], kind, finding.value, finding.evidence or "")


def score(records: Iterable[Mapping[str, Any]], gold: Mapping[str, GoldDocument]) -> AuditReport:
    """Score records against gold documents (keyed by doc_id), micro-averaged over documents."""
    by_id = _records_by_id(records)
    results = {doc_id: _score_document(doc_id, by_id.get(doc_id), gold[doc_id]) for doc_id in sorted(gold)}
    languages = sorted({document.language for document in gold.values()})
    by_language = {
        language: _table([results[doc_id] for doc_id in results if gold[doc_id].language == language])
        for language in languages
    }
    findings = sorted((finding for result in results.values() for finding in result.findings), key=_finding_order)
    return AuditReport(
        overall=_table(list(results.values())),
        by_language=by_language,
        missing_records=[doc_id for doc_id in results if doc_id not in by_id],
        unscored=sorted(doc_id for doc_id in by_id if doc_id not in gold),
        findings=findings,
    )


# ---------------------------------------------------------------------------------------------
# Text rendering

_HEADER = f"{'field':<20}{'P':>7}{'R':>7}{'F1':>7}{'TP':>7}{'FP':>7}{'FN':>7}"


def _render_table(table: ScoreTable) -> list[str]:
    lines = [_HEADER, "-" * len(_HEADER)]
    for field, scores in table.fields.items():
        lines.append(
            f"{field:<20}{scores.precision:>7.3f}{scores.recall:>7.3f}{scores.f1:>7.3f}"
            f"{scores.tp:>7}{scores.fp:>7}{scores.fn:>7}"
        )
    correct = table.fields["language"].tp
    lines.append(f"language accuracy: {table.language_accuracy:.3f} ({correct}/{table.documents})")
    return lines


def _render_findings(findings: Sequence[Finding], max_findings: int | None) -> list[str]:
    shown = findings if max_findings is None else findings[: max(max_findings, 0)]
    lines = [f"Findings ({len(findings)}: misses and false positives)"]
    current_doc: str | None = None
    for finding in shown:
        if finding.doc_id != current_doc:
            current_doc = finding.doc_id
            lines += ["", finding.doc_id]
        line = f"  {finding.field:<20}{finding.kind:<16}{json.dumps(finding.value, ensure_ascii=False)}"
        if finding.evidence is not None:
            line += f"  evidence: {json.dumps(finding.evidence, ensure_ascii=False)}"
        lines.append(line)
    if len(shown) < len(findings):
        lines += ["", f"... {len(findings) - len(shown)} more findings not shown"]
    return lines


def render_text(report: AuditReport, max_findings: int | None = None) -> str:
    """The report as fixed-width text: overall table, a table per language, then every finding."""
    overall = report.overall
    lines = [
        f"Audit of {overall.documents} gold documents: {len(report.missing_records)} without a record, "
        f"{len(report.unscored)} records without gold (not scored)",
        "",
        "All documents",
        *_render_table(overall),
    ]
    for language, table in report.by_language.items():
        lines += ["", f"Language {language} ({table.documents} documents)", *_render_table(table)]
    if report.missing_records:
        lines += ["", "Gold documents without a record: " + ", ".join(report.missing_records)]
    if report.unscored:
        lines += ["", "Records without gold (not scored): " + ", ".join(report.unscored)]
    lines += ["", *_render_findings(report.findings, max_findings)]
    return "\n".join(lines) + "\n"
