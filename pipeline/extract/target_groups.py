"""Target groups: the items listed under a target-groups label.

"Cílová skupina: děti, rodiče" gives two items; so does "Target groups" alone on its line followed by
"Migrants for settlement," and "Foreign migrant workers" on the next lines, up to a blank line or the
next label ("Status:"). Target groups mentioned in prose are not taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pipeline.extract.phrases import LANGUAGES, DataTable, line_opening, lowered_char, phrase_regex
from pipeline.folding import lower_same_length
from pipeline.models import Mention
from pipeline.spans import make_evidence

_DATA = "target_groups"

# a line that is itself a label: a short capitalised phrase before ":" ("Status:", "Doba realizace: ...")
_OTHER_LABEL = re.compile(r"[ \t]*(?:•[ \t]*)?[^\W\d_][^:\n]{0,59}:(?:\s|$)")
_ITEM = re.compile(r"[^,;•\n]+")
# list markers and closing punctuation around an item: "• děti,", "- migrants;"
_ITEM_STRIP = "•*·-–—.,;"


@dataclass(frozen=True, slots=True)
class TargetGroupData:
    # a label opening a line of the lower-cased text (``lower_same_length``): at the text's start (matched
    # there), or after a line break (searched for: a pattern opening with the break lets the engine skip from
    # line to line instead of trying every character)
    label: re.Pattern[str]
    label_after_break: re.Pattern[str]
    max_lines: int
    max_item_chars: int


@cache
def target_group_data() -> TargetGroupData:
    """The labels of all languages, checked and compiled once."""
    raw = DataTable.load(_DATA)
    labels = [label for language in LANGUAGES for label in raw.table(language).phrases("labels")]
    limits = raw.table("limits")
    # the label opens its line and is followed by ":" or by the line end
    label = _label_line(labels) + r"[ \t]*(?P<colon>:?)[ \t]*(?P<value>[^\n]*)"
    return TargetGroupData(
        label=re.compile(label),
        label_after_break=re.compile("\n" + label),
        max_lines=limits.positive_int("max_lines"),
        max_item_chars=limits.positive_int("max_item_chars"),
    )


def _label_line(labels: list[str]) -> str:
    """A label at the start of a line of the lower-cased text, maybe as a bullet ("• cílové skupiny"): where
    ``[ \\t]*(?:•[ \\t]*)?`` + ``alternation(labels)`` matches the text.

    The alternation's phrases in its order (the longest first), each character as ``lowered_char`` writes
    it, case-sensitive: the engine skips the phrases of other letters by one test each. A label follows a
    line start, blanks or a bullet (``line_opening``), never a word character.
    """
    ordered = sorted(labels, key=len, reverse=True)
    label = "(?:" + "|".join(phrase_regex(phrase, lowered_char) for phrase in ordered) + r")(?!\w)"
    return line_opening(label)


def _items(text: str, start: int, end: int, rule: str) -> Iterator[Mention]:
    """The comma- or semicolon-separated items of ``text[start:end]``, without list punctuation."""
    for item in _ITEM.finditer(text, start, end):
        item_start, item_end = item.span()
        while item_start < item_end and _is_strippable(text[item_start]):
            item_start += 1
        while item_end > item_start and _is_strippable(text[item_end - 1]):
            item_end -= 1
        if item_start < item_end:
            evidence = make_evidence(text, item_start, item_end)
            yield Mention(value=evidence.text, evidence=evidence, rule=rule)


def _is_strippable(char: str) -> bool:
    return char.isspace() or char in _ITEM_STRIP


def _lines_below(text: str, position: int, data: TargetGroupData) -> Iterator[tuple[int, int]]:
    """Spans of the lines after ``position`` up to a blank line, another label or a line of prose."""
    for _ in range(data.max_lines):
        if position >= len(text):
            return
        start = position + 1 if text[position] == "\n" else position
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        if not line.strip() or _OTHER_LABEL.match(line) or len(line.strip()) > data.max_item_chars:
            return
        yield start, end
        position = end


def _labels(text: str, data: TargetGroupData) -> Iterator[re.Match[str]]:
    """The labels opening a line, in text order (a label's match runs to its line's end: they never overlap);
    matched in the lower-cased text, at the text's offsets."""
    lowered = lower_same_length(text)  # lower_same_length keeps the document's copy
    position = 0
    first = data.label.match(lowered)
    if first is not None:
        position = first.end()
        yield first
    yield from data.label_after_break.finditer(lowered, position)


def extract_target_groups(text: str, language: str) -> list[Mention]:
    """Target groups listed under a target-groups label, in text order. ``language`` is a hint only."""
    data = target_group_data()
    groups: list[Mention] = []
    for label in _labels(text, data):
        value_start, value_end = label.span("value")
        if text[value_start:value_end].strip():
            if label.group("colon"):
                groups.extend(_items(text, value_start, value_end, "target_groups.key_value"))
            continue
        for line_start, line_end in _lines_below(text, value_end, data):
            groups.extend(_items(text, line_start, line_end, "target_groups.list"))
    return groups
