from pipeline.models import AmountMention, DateMention, Evidence, Record
from pipeline.validate import validate

EVIDENCE = Evidence(start=0, end=4, text="text")


def record(**fields: object) -> Record:
    base = dict(
        doc_id="d", source="raw/d.txt", sha256="0" * 64, language="en", title=None, promoter=None, partners=[],
        organisations=[], funding_programmes=[], project_code=None, amounts=[], dates=[], countries=[], emails=[],
        normalised_text="text and more",
    )
    base.update(fields)
    return Record(**base)  # type: ignore[arg-type]


def amount(value: float, role: str, currency: str = "EUR") -> AmountMention:
    return AmountMention(value=value, currency=currency, role=role, evidence=EVIDENCE, rule="t")  # type: ignore[arg-type]


def date(value: str, role: str) -> DateMention:
    precision = "day" if len(value) == 10 else "month"
    return DateMention(value=value, precision=precision, role=role, evidence=EVIDENCE, rule="t")  # type: ignore[arg-type]


def codes(r: Record) -> list[str]:
    return [p.code for p in validate(r).problems]


def test_clean_record_has_no_problems() -> None:
    assert codes(record(amounts=[amount(100, "grant"), amount(200, "total_cost")], dates=[date("2018-10", "start"), date("2019-05", "end")], countries=["CZ"])) == []


def test_end_before_start() -> None:
    assert codes(record(dates=[date("2019-05-01", "start"), date("2019-04", "end")])) == ["end_before_start"]


def test_same_month_end_is_not_before_a_day_start() -> None:
    assert codes(record(dates=[date("2019-05-20", "start"), date("2019-05", "end")])) == []


def test_grant_above_cost_in_same_currency() -> None:
    assert codes(record(amounts=[amount(300, "grant"), amount(200, "total_cost")])) == ["grant_above_cost"]
    assert codes(record(amounts=[amount(300, "grant", "CZK"), amount(200, "total_cost")])) == []


def test_unknown_codes() -> None:
    assert codes(record(amounts=[amount(1, "other", "XXY")], countries=["QQ"])) == ["unknown_country", "unknown_currency"]


def test_evidence_that_does_not_quote_the_text_is_an_error() -> None:
    bad = AmountMention(value=1, currency="EUR", role="other", evidence=Evidence(start=0, end=4, text="nope"), rule="t")
    problems = validate(record(amounts=[bad])).problems
    assert [(p.code, p.severity) for p in problems] == [("evidence_mismatch", "error")]
