"""Scoring records against gold files: name folding, matching, every field, the report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from pipeline.lexicon import LexiconError
from pipeline.scoring import (
    FIELDS,
    AuditReport,
    FieldScore,
    Finding,
    GoldDocument,
    GoldError,
    RecordsError,
    fold_name,
    folding_from_data,
    load_gold,
    read_records,
    render_text,
    score,
)

PROJECT_GOLD = Path(__file__).parent / "gold"


def evidence(text: str) -> dict[str, Any]:
    return {"start": 0, "end": len(text), "text": text}


def gold_document(doc_id: str = "doc", language: str = "cs", **fields: Any) -> GoldDocument:
    empty: dict[str, Any] = {
        "promoter": [],
        "partners": [],
        "organisations": [],
        "funding_programmes": [],
        "project_code": None,
        "amounts": [],
        "dates": [],
        "countries": [],
        "emails": [],
    }
    return GoldDocument.model_validate({"doc_id": doc_id, "source_url": None, "language": language, **empty, **fields})


def record(doc_id: str = "doc", language: str = "cs", **fields: Any) -> dict[str, Any]:
    empty: dict[str, Any] = {
        "promoter": None,
        "partners": [],
        "organisations": [],
        "funding_programmes": [],
        "project_code": None,
        "amounts": [],
        "dates": [],
        "countries": [],
        "emails": [],
    }
    return {"doc_id": doc_id, "language": language, **empty, **fields}


def counts(report: AuditReport, field: str) -> tuple[int, int, int]:
    scores = report.overall.fields[field]
    return scores.tp, scores.fp, scores.fn


def organisation(name: str, *aliases: str) -> dict[str, Any]:
    return {"name": name, "aliases": list(aliases), "evidence": [evidence(name)]}


def record_from_gold(gold: GoldDocument) -> dict[str, Any]:
    """The record a perfect extractor would write for a gold document."""
    return record(
        gold.doc_id,
        gold.language,
        promoter={"name": gold.promoter[0][0], "evidence": evidence(gold.promoter[0][0])} if gold.promoter else None,
        partners=[{"name": aliases[0], "country": None, "evidence": evidence(aliases[0])} for aliases in gold.partners],
        organisations=[organisation(aliases[0], *aliases[1:]) for aliases in gold.organisations],
        funding_programmes=list(gold.funding_programmes),
        project_code=gold.project_code,
        amounts=[{"value": amount.value, "currency": amount.currency} for amount in gold.amounts],
        dates=[{"value": date} for date in gold.dates],
        countries=list(gold.countries),
        emails=list(gold.emails),
    )


# ---------------------------------------------------------------------------------------------
# Folding


@pytest.mark.parametrize(
    "name,expected",
    [
        ("InBáze z.s.", "inbaze"),
        ("Spolku InBáze, z. s.", "spolku inbaze"),
        ("InBáze zs", "inbaze"),
        ("Integrační centrum Praha o.p.s.", "integracni centrum praha"),
        ("Integrační centrum Praha, o. p. s.", "integracni centrum praha"),
        ("Institut pro sociální inkluzi, z.ú.", "institut pro socialni inkluzi"),
        ("Institut pro sociální inkluzi z. ú.", "institut pro socialni inkluzi"),
        ("Poradna pro integraci, o.s.", "poradna pro integraci"),
        ("Poradna pro integraci O. S.", "poradna pro integraci"),
        ("Agentura Alfa s.r.o.", "agentura alfa"),
        ("Agentura Alfa, s. r. o.", "agentura alfa"),
        ("Agentura Alfa sro", "agentura alfa"),
        ("Banka Beta, a.s.", "banka beta"),
        ("Banka Beta a. s.", "banka beta"),
        ("ČLOVĚK V TÍSNI, o.p.s.", "clovek v tisni"),
        ("Sdružení pro integraci a migraci (SIMI)", "sdruzeni pro integraci a migraci simi"),
        ("Ministerstvo vnitra ČR", "ministerstvo vnitra cr"),
    ],
)
def test_fold_name_cs(name: str, expected: str) -> None:
    assert fold_name(name) == expected


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Liga za ľudské práva, o.z.", "liga za ludske prava"),
        ("Liga za ľudské práva o. z.", "liga za ludske prava"),
        ("Nadácia Pontis n.o.", "nadacia pontis"),
        ("Človek v ohrození, n. o.", "clovek v ohrozeni"),
        ("Nadácia Ekopolis, n.f.", "nadacia ekopolis"),
        ("Združenie Gama s. r. o.", "zdruzenie gama"),
        ("Ministerstvo vnútra Slovenskej republiky", "ministerstvo vnutra slovenskej republiky"),
        ("Centrum pre výskum etnicity a kultúry", "centrum pre vyskum etnicity a kultury"),
    ],
)
def test_fold_name_sk(name: str, expected: str) -> None:
    assert fold_name(name) == expected


@pytest.mark.parametrize(
    "name,expected",
    [
        ("The Pontis Foundation", "pontis foundation"),
        ("the Human Rights League", "human rights league"),
        ("THE  Human   Rights League", "human rights league"),
        ("Theatre of the Oppressed", "theatre of the oppressed"),
        ("The", "the"),
        ("Women's Centre", "womens centre"),
        ("Re: tro", "re tro"),
        ("Re:tro", "re tro"),
        ("AGABY - Pracovní výbor", "agaby pracovni vybor"),
        ("Kirkens Bymisjon Bergen", "kirkens bymisjon bergen"),
        ("Røde Kors", "rode kors"),
        ("U.S.A.S. Embassy", "u s a s embassy"),
        ("AS", "as"),
    ],
)
def test_fold_name_en(name: str, expected: str) -> None:
    assert fold_name(name) == expected


@pytest.mark.parametrize(
    "data,message",
    [
        ({"sk": {}, "en": {}}, "[cs].legal_forms"),
        ({"cs": {"legal_forms": ["z.s."]}, "sk": {}, "en": {}}, "[cs].leading_articles"),
        ({"cs": {"legal_forms": ["zs"], "leading_articles": []}}, "'zs' must be letters each followed by a dot"),
        (
            {
                **{table: {"legal_forms": [], "leading_articles": []} for table in ("cs", "sk", "en")},
                "letters": {"øø": "o"},
            },
            "[letters]",
        ),
    ],
)
def test_malformed_data_file_names_the_key(data: Mapping[str, Any], message: str) -> None:
    with pytest.raises(LexiconError, match="scoring.toml") as error:
        folding_from_data(data)
    assert message in str(error.value)


# ---------------------------------------------------------------------------------------------
# Organisation-like fields


@pytest.mark.parametrize(
    "predicted,expected",
    [
        # cs: any alias, after folding
        ("SIMI", (1, 0, 0)),
        ("Sdružení pro integraci a migraci, z. s.", (1, 0, 0)),
        ("sdruzeni pro integraci a migraci", (1, 0, 0)),
        ("Sdružení pro integraci migrantů", (1, 0, 0)),  # ratio 0.889
        ("Člověk v tísni", (0, 1, 1)),
        # en
        ("Association for Integration and Migration", (1, 0, 0)),
        ("The Association for Integration and Migration", (1, 0, 0)),
    ],
)
def test_promoter_matches_any_alias(predicted: str, expected: tuple[int, int, int]) -> None:
    gold = gold_document(
        promoter=[["Sdružení pro integraci a migraci", "SIMI", "Association for Integration and Migration"]]
    )
    report = score([record(promoter={"name": predicted, "evidence": evidence(predicted)})], {"doc": gold})
    assert counts(report, "promoter") == expected


@pytest.mark.parametrize(
    "gold_name,predicted,expected",
    [
        # cs
        ("Integrační centrum Praha", "Integračního centra Praha", (1, 0, 0)),  # ratio 0.898
        ("Ministerstvo vnitra", "Ministerstva vnitra ČR", (0, 1, 1)),  # ratio 0.878
        # sk
        ("Liga za ľudské práva", "Ligy za ľudské práva", (1, 0, 0)),
        # en
        ("Centre for Research", "Center for the Research", (0, 1, 1)),  # ratio 0.857
        ("Open Society Foundation", "Open Society Fund", (0, 1, 1)),  # ratio 0.85
    ],
)
def test_similarity_threshold_is_88_percent(gold_name: str, predicted: str, expected: tuple[int, int, int]) -> None:
    predicted_partner = {"name": predicted, "evidence": evidence(predicted)}
    report = score([record(partners=[predicted_partner])], {"doc": gold_document(partners=[[gold_name]])})
    assert counts(report, "partners") == expected


def test_second_alias_of_a_matched_entity_counts_neither_way() -> None:
    gold = gold_document(organisations=[["Sdružení pro integraci a migraci", "SIMI"], ["Liga za ľudské práva"]])
    predicted = [organisation("SIMI"), organisation("Sdružení pro integraci a migraci"), organisation("Ministerstvo")]
    report = score([record(organisations=predicted)], {"doc": gold})
    assert counts(report, "organisations") == (1, 1, 1)
    assert [(finding.kind, finding.value) for finding in report.findings] == [
        ("miss", "Liga za ľudské práva"),
        ("false_positive", "Ministerstvo"),
    ]


def test_repeated_predicted_name_is_one_prediction() -> None:
    gold = gold_document(organisations=[["Nadácia Pontis"]])
    predicted = [organisation("Nadace Alfa"), organisation("Nadace Alfa, z. s."), organisation("Nadácia Pontis")]
    report = score([record(organisations=predicted)], {"doc": gold})
    assert counts(report, "organisations") == (1, 1, 0)


def test_organisation_matches_on_its_aliases_when_its_name_does_not() -> None:
    gold = gold_document(organisations=[["Centrum pre výskum etnicity a kultúry", "CVEK"]])
    report = score([record(organisations=[organisation("Centrum pre etnicitu", "CVEK")])], {"doc": gold})
    assert counts(report, "organisations") == (1, 0, 0)


def test_organisation_name_is_preferred_to_its_aliases() -> None:
    gold = gold_document(organisations=[["Liga za ľudské práva"], ["Sdružení pro integraci a migraci", "SIMI"]])
    report = score([record(organisations=[organisation("SIMI", "Liga za ľudské práva")])], {"doc": gold})
    assert counts(report, "organisations") == (1, 0, 1)
    assert [(finding.kind, finding.value) for finding in report.findings] == [("miss", "Liga za ľudské práva")]


def test_best_ratio_is_assigned_first() -> None:
    # Order alone would give "Nadace Alfa Betx" the first entity and leave the exact name without one.
    gold = gold_document(organisations=[["Nadace Alfa Beta"], ["Nadace Alfa Bety"]])
    predicted = [organisation("Nadace Alfa Betx"), organisation("Nadace Alfa Beta")]
    report = score([record(organisations=predicted)], {"doc": gold})
    assert counts(report, "organisations") == (2, 0, 0)


def test_no_promoter_on_either_side_counts_nothing() -> None:
    report = score([record()], {"doc": gold_document()})
    assert report.overall.fields["promoter"] == FieldScore(tp=0, fp=0, fn=0, precision=1.0, recall=1.0, f1=1.0)


# ---------------------------------------------------------------------------------------------
# Plain fields


@pytest.mark.parametrize(
    "field,gold_values,predicted,expected",
    [
        ("amounts", [{"value": 42040, "currency": "EUR"}], [{"value": 42040.004, "currency": "EUR"}], (1, 0, 0)),
        ("amounts", [{"value": 42040, "currency": "EUR"}], [{"value": 42040.01, "currency": "EUR"}], (0, 1, 1)),
        ("amounts", [{"value": 8442, "currency": "EUR"}], [{"value": 8442, "currency": "CZK"}], (0, 1, 1)),
        (
            "amounts",
            [{"value": 1500000, "currency": "CZK"}],
            [{"value": 1500000.0, "currency": "CZK"}, {"value": 1500000, "currency": "CZK"}],
            (1, 0, 0),
        ),
        ("dates", ["2019-02-27", "2018-10"], [{"value": "2019-02-27"}, {"value": "2018-10-01"}], (1, 1, 1)),
        ("dates", ["2019-02"], [{"value": " 2019-02 "}, {"value": "2019-02"}], (1, 0, 0)),
        ("countries", ["CZ", "NO"], ["CZ", "cz", "SK"], (1, 1, 1)),
        ("emails", ["info@migrace.com"], ["Info@Migrace.com ", "info@migrace.com"], (1, 0, 0)),
        ("emails", ["info@migrace.com"], [], (0, 0, 1)),
        ("funding_programmes", ["EEA Grants", "Norway Grants"], ["EEA Grants", "Active Citizens Fund"], (1, 1, 1)),
        ("funding_programmes", ["EEA Grants"], ["EEA grants"], (0, 1, 1)),
        ("project_code", "CZ03-0097", "cz03 - 0097", (1, 0, 0)),
        ("project_code", "CZ03-0097", "CZ03-0098", (0, 1, 1)),
        ("project_code", "CZ03-0097", None, (0, 0, 1)),
        ("project_code", None, "CZ03-0097", (0, 1, 0)),
        ("project_code", None, None, (0, 0, 0)),
    ],
)
def test_plain_fields(field: str, gold_values: Any, predicted: Any, expected: tuple[int, int, int]) -> None:
    report = score([record(**{field: predicted})], {"doc": gold_document(**{field: gold_values})})
    assert counts(report, field) == expected


def test_false_positive_carries_the_record_evidence() -> None:
    gold = gold_document(amounts=[{"value": 8442, "currency": "EUR"}], countries=["SK"], project_code="SK01-0001")
    predicted = record(
        amounts=[{"value": 8442, "currency": "EUR", "evidence": evidence("8 442 €")},
                 {"value": 36331, "currency": "EUR", "evidence": evidence("36 331 EUR")}],
        countries=["SK", "NO"],
        country_evidence=[{"value": "NO", "evidence": evidence("Nórska")}],
        project_code="SK01-0002",
        project_code_evidence=evidence("SK01-0002"),
        dates=[{"value": "2021-09-23", "evidence": evidence("23. 9. 2021")}],
        funding_programmes=["AMIF"],
        funding_evidence=[{"value": "AMIF", "evidence": evidence("Azylový, migrační a integrační fond")}],
    )
    report = score([predicted], {"doc": gold})
    assert [(finding.field, finding.kind, finding.value, finding.evidence) for finding in report.findings] == [
        ("funding_programmes", "false_positive", "AMIF", "Azylový, migrační a integrační fond"),
        ("project_code", "miss", "SK01-0001", None),
        ("project_code", "false_positive", "SK01-0002", "SK01-0002"),
        ("amounts", "false_positive", "36331 EUR", "36 331 EUR"),
        ("dates", "false_positive", "2021-09-23", "23. 9. 2021"),
        ("countries", "false_positive", "NO", "Nórska"),
    ]


@pytest.mark.parametrize(
    "predicted_language,expected,findings",
    [
        ("sk", (1, 0, 0), []),
        ("SK", (1, 0, 0), []),
        ("cs", (0, 1, 1), [("miss", "sk"), ("false_positive", "cs")]),
        (None, (0, 0, 1), [("miss", "sk")]),
    ],
)
def test_language(
    predicted_language: str | None, expected: tuple[int, int, int], findings: list[tuple[str, str]]
) -> None:
    report = score([record(language=predicted_language)], {"doc": gold_document(language="sk")})
    assert counts(report, "language") == expected
    assert [(finding.kind, finding.value) for finding in report.findings] == findings
    assert report.overall.language_accuracy == expected[0]


# ---------------------------------------------------------------------------------------------
# Documents and the report


def test_gold_document_without_record_is_all_missed() -> None:
    gold = {
        "a": gold_document("a", promoter=[["InBáze z.s.", "InBáze"]], dates=["2019-02-27"], countries=["CZ", "NO"]),
        "b": gold_document("b"),
    }
    report = score([record("b")], gold)
    assert report.missing_records == ["a"]
    assert counts(report, "promoter") == (0, 0, 1)
    assert counts(report, "dates") == (0, 0, 1)
    assert counts(report, "countries") == (0, 0, 2)
    assert counts(report, "language") == (1, 0, 1)
    assert report.overall.language_accuracy == 0.5
    assert [(finding.doc_id, finding.field, finding.value) for finding in report.findings] == [
        ("a", "promoter", "InBáze z.s."),
        ("a", "dates", "2019-02-27"),
        ("a", "countries", "CZ"),
        ("a", "countries", "NO"),
        ("a", "language", "cs"),
    ]


def test_record_without_gold_is_not_scored() -> None:
    stray = record("stray", amounts=[{"value": 1, "currency": "EUR"}], countries=["CZ"])
    report = score([record("doc"), stray], {"doc": gold_document()})
    assert report.unscored == ["stray"]
    assert report.overall.documents == 1
    assert all(field_score.fp == 0 for field_score in report.overall.fields.values())
    assert report.findings == []


def test_records_need_unique_doc_ids() -> None:
    with pytest.raises(RecordsError, match="'doc'"):
        score([record(), record()], {"doc": gold_document()})


def hand_computed_example() -> AuditReport:
    gold = {
        "cs1": gold_document(
            "cs1",
            "cs",
            amounts=[{"value": 8442, "currency": "EUR"}, {"value": 1500000, "currency": "CZK"},
                     {"value": 100, "currency": "EUR"}],
            countries=["CZ"],
        ),
        "en1": gold_document("en1", "en", amounts=[{"value": 42040, "currency": "EUR"}], countries=["NO", "CZ"]),
    }
    records = [
        record("cs1", "cs", amounts=[{"value": 8442, "currency": "EUR"}, {"value": 1500000, "currency": "CZK"},
                                    {"value": 9, "currency": "EUR", "evidence": evidence("9 €")}],
               countries=["CZ"]),
        record("en1", "cs", countries=["NO"]),
    ]
    return score(records, gold)


def test_hand_computed_example() -> None:
    report = hand_computed_example()
    # amounts: cs1 2 found, 1 wrong, 1 missed; en1 1 missed -> P 2/3, R 2/4, F1 2*2/(2*2+1+2)
    assert report.overall.fields["amounts"] == FieldScore(tp=2, fp=1, fn=2, precision=2 / 3, recall=0.5, f1=4 / 7)
    # countries: cs1 1 found; en1 1 found, 1 missed -> P 1, R 2/3, F1 4/5
    assert report.overall.fields["countries"] == FieldScore(tp=2, fp=0, fn=1, precision=1.0, recall=2 / 3, f1=0.8)
    assert report.overall.fields["language"] == FieldScore(tp=1, fp=1, fn=1, precision=0.5, recall=0.5, f1=0.5)
    assert report.overall.fields["emails"] == FieldScore(tp=0, fp=0, fn=0, precision=1.0, recall=1.0, f1=1.0)
    assert list(report.overall.fields) == list(FIELDS)


def test_scores_per_gold_language() -> None:
    report = hand_computed_example()
    assert list(report.by_language) == ["cs", "en"]
    cs, en = report.by_language["cs"], report.by_language["en"]
    assert (cs.documents, en.documents) == (1, 1)
    assert cs.fields["amounts"] == FieldScore(tp=2, fp=1, fn=1, precision=2 / 3, recall=2 / 3, f1=2 / 3)
    assert en.fields["amounts"] == FieldScore(tp=0, fp=0, fn=1, precision=0.0, recall=0.0, f1=0.0)
    assert en.fields["countries"] == FieldScore(tp=1, fp=0, fn=1, precision=1.0, recall=0.5, f1=2 / 3)
    assert (cs.language_accuracy, en.language_accuracy) == (1.0, 0.0)


def test_render_text() -> None:
    text = render_text(hand_computed_example())
    lines = text.splitlines()
    assert lines[0] == "Audit of 2 gold documents: 0 without a record, 0 records without gold (not scored)"
    assert "field                     P      R     F1     TP     FP     FN" in lines
    assert "amounts               0.667  0.500  0.571      2      1      2" in lines
    assert "language accuracy: 0.500 (1/2)" in lines
    assert "Language en (1 documents)" in lines
    findings_at = lines.index("Findings (6: misses and false positives)")
    assert lines[findings_at + 1 :] == [
        "",
        "cs1",
        '  amounts             miss            "100 EUR"',
        '  amounts             false_positive  "9 EUR"  evidence: "9 €"',
        "",
        "en1",
        '  amounts             miss            "42040 EUR"',
        '  countries           miss            "CZ"',
        '  language            miss            "en"',
        '  language            false_positive  "cs"',
    ]
    assert render_text(hand_computed_example()) == text


def test_render_text_limits_findings() -> None:
    lines = render_text(hand_computed_example(), max_findings=2).splitlines()
    assert lines[-1] == "... 4 more findings not shown"
    assert sum(1 for line in lines if line.startswith("  ")) == 2


def test_report_json_round_trip() -> None:
    report = hand_computed_example()
    data = json.loads(report.model_dump_json(indent=2))
    assert set(data) == {"overall", "by_language", "missing_records", "unscored", "findings"}
    assert data["overall"]["fields"]["amounts"]["tp"] == 2
    assert AuditReport.model_validate_json(report.model_dump_json()) == report
    assert isinstance(report.findings[0], Finding)


# ---------------------------------------------------------------------------------------------
# Files


def test_project_gold_scored_against_itself_is_perfect() -> None:
    gold = load_gold(PROJECT_GOLD)
    report = score([record_from_gold(document) for document in gold.values()], gold)
    tables = [report.overall, *report.by_language.values()]
    assert all(
        (field_score.precision, field_score.recall, field_score.f1) == (1.0, 1.0, 1.0)
        for table in tables
        for field_score in table.fields.values()
    )
    assert report.findings == []
    assert report.overall.documents == len(gold) > 0


def write_gold(directory: Path, file_stem: str, **changes: Any) -> Path:
    data = gold_document(file_stem).model_dump()
    data.update(changes)
    path = directory / f"{file_stem}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_load_gold(tmp_path: Path) -> None:
    write_gold(tmp_path, "b", language="sk")
    write_gold(tmp_path, "a", amounts=[{"value": 8442, "currency": "EUR"}])
    gold = load_gold(tmp_path)
    assert list(gold) == ["a", "b"]
    assert gold["a"].amounts[0].value == 8442
    assert gold["b"].language == "sk"


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"promoter": [["A"], ["B"]]}, "promoter"),
        ({"partners": [[]]}, "partners.0"),
        ({"organisations": [["  "]]}, "organisations.0.0"),
        ({"funding_programmes": ["Norway grants"]}, "funding_programmes.0"),
        ({"dates": ["2019"]}, "dates.0"),
        ({"countries": ["Czechia"]}, "countries.0"),
        ({"amounts": [{"value": 1, "currency": "Kč"}]}, "amounts.0.currency"),
        ({"language": "Czech"}, "language"),
        ({"extra": 1}, "extra"),
        ({"doc_id": "other"}, "does not match the file name"),
    ],
)
def test_malformed_gold_names_file_and_problem(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = write_gold(tmp_path, "bad", **changes)
    with pytest.raises(GoldError) as error:
        load_gold(tmp_path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_gold_that_is_not_json(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match="broken.json: not valid UTF-8 JSON"):
        load_gold(tmp_path)


def test_gold_directory_must_hold_gold(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="no \\*.json files"):
        load_gold(tmp_path)
    with pytest.raises(GoldError, match="does not exist"):
        load_gold(tmp_path / "missing")


def test_read_records(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record("a")) + "\n\n" + json.dumps(record("b", "en")) + "\n", encoding="utf-8")
    assert [(item["doc_id"], item["language"]) for item in read_records(path)] == [("a", "cs"), ("b", "en")]


@pytest.mark.parametrize(
    "bad_line,message", [("{oops", "line 2: not valid JSON"), ("[1, 2]", "line 2: expected a JSON object")]
)
def test_read_records_names_the_bad_line(tmp_path: Path, bad_line: str, message: str) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record("a")) + "\n" + bad_line + "\n", encoding="utf-8")
    with pytest.raises(RecordsError, match=message):
        read_records(path)
