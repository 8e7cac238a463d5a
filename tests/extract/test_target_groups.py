"""Target groups listed under a target-groups label."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import target_groups as target_groups_module
from pipeline.extract.phrases import DataTable, alternation
from pipeline.extract.target_groups import extract_target_groups


def groups(text: str, language: str) -> list[str]:
    return [mention.value for mention in extract_target_groups(text, language)]


CS_CASES = [
    ("Cílová skupina: děti a mládež, rodiče; učitelé.", ["děti a mládež", "rodiče", "učitelé"]),
    (
        "Cílové skupiny projektu\n  • cizinci ze třetích zemí\n  • pracovníci úřadů\nDoba realizace: 2019",
        ["cizinci ze třetích zemí", "pracovníci úřadů"],
    ),
    ("Cílové skupiny:\n\nmigranti", []),
    # prose, not a label
    ("Cílová skupina projektu je široká a zahrnuje migranty.", []),
    ("Projekt oslovuje cílové skupiny: migranty a úředníky.", []),
]

SK_CASES = [
    ("Cieľové skupiny:\n• migranti\n• utečenci,\n\nĎalší text", ["migranti", "utečenci"]),
    ("Cieľová skupina: štátni príslušníci tretích krajín", ["štátni príslušníci tretích krajín"]),
    ("Začiatok realizácie aktivít: 1.1.2017 (cieľová skupina A)", []),
    ("a) len na cieľovú skupinu A, pričom", []),
]

EN_CASES = [
    (
        "Project Number:\nCZ03-0097\nTarget groups\nMigrants for settlement,\nForeign migrant workers\n"
        "Status:\nCompleted",
        ["Migrants for settlement", "Foreign migrant workers"],
    ),
    ("Target group: refugees", ["refugees"]),
    ("Target groups: Roma; migrants", ["Roma", "migrants"]),
    ("The aim was to inform other relevant target groups (students, academics).", []),
    ("Target groups\n" + "x" * 200, []),
]


@pytest.mark.parametrize(("text", "expected"), CS_CASES)
def test_cs(text: str, expected: list[str]) -> None:
    assert groups(text, "cs") == expected


@pytest.mark.parametrize(("text", "expected"), SK_CASES)
def test_sk(text: str, expected: list[str]) -> None:
    assert groups(text, "sk") == expected


@pytest.mark.parametrize(("text", "expected"), EN_CASES)
def test_en(text: str, expected: list[str]) -> None:
    assert groups(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [("Target group: refugees", "target_groups.key_value"), ("Target group\nrefugees", "target_groups.list")],
)
def test_rules(text: str, rule: str) -> None:
    [mention] = extract_target_groups(text, "en")
    assert (mention.value, mention.rule) == ("refugees", rule)


_FRAGMENTS = [
    "Target groups", "Cílové skupiny:", "Cieľová skupina", "\n", "\n\n", ",", ";", "• ", "migranti", " ", "Status:",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=16))
def test_evidence_is_the_text_at_its_offsets(parts: list[str]) -> None:
    text = "".join(parts)
    for mention in extract_target_groups(text, "en"):
        assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text == mention.value
        assert mention.value and not mention.value.endswith((",", ";"))


_LABEL_PIECES = ["Cílová skupina", "Target groups", "target group", ":", " ", "\t", "\n", "• ", "děti", ",", "x",
                 "Cieľové skupiny projektu", "CÍLOVÉ SKUPINY", "TARGET GROUPS", "target audİence", "ſkupina",
                 "Target group of the project", "cílová populace", "\u212a", "\U0001d400", "\U0001f600", "•", "s",
                 "\r", "\xa0"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=12))
def test_labels_are_those_at_line_starts(pieces: list[str]) -> None:
    """The labels found at the text's start and after line breaks are those of the plain case-blind
    alternation of the labels at line starts of the text itself."""
    text = "".join(pieces)
    data = target_groups_module.target_group_data()
    table = DataTable.load("target_groups")
    labels = [label for language in ("cs", "sk", "en") for label in table.table(language).phrases("labels")]
    line_start = re.compile(
        r"^[ \t]*(?:•[ \t]*)?" + alternation(labels) + r"[ \t]*(?P<colon>:?)[ \t]*(?P<value>[^\n]*)", re.MULTILINE
    )
    expected = [(m.span("colon"), m.span("value")) for m in line_start.finditer(text)]
    assert [(m.span("colon"), m.span("value")) for m in target_groups_module._labels(text, data)] == expected


def test_label_in_capitals_and_after_a_bullet() -> None:
    text = "CÍLOVÉ SKUPINY PROJEKTU: děti\n •\ttarget groups\nměsto\nTarget groupsx: no"
    assert groups(text, "cs") == ["děti", "město"]
