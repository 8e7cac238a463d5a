"""Shared shaping of extracted text: blocks, bullet lines and table rows, as a text file has them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.formats.settings import TableSettings

BULLET = "• "
CELL_SEPARATOR = " | "
# Runs of white space inside a line (HTML source wrapping, PDF word spacing): one space.
_SPACE_RUN_RE = re.compile(r"[ \t\r\n\f\v\u00a0]+")
# A label cell holds no sentence: no full stop, question or exclamation mark before its end.
_SENTENCE_MARK_RE = re.compile(r"[.!?](?:\s|$)")
_LABEL_COLON_RE = re.compile(r"\s*:\s*$")


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks too) made one space, trimmed."""
    return _SPACE_RUN_RE.sub(" ", text).strip()


def join_blocks(blocks: Iterable[str]) -> str:
    """Non-empty blocks separated by one blank line."""
    return "\n\n".join(block for block in (block.strip("\n") for block in blocks) if block.strip())


def bullet_lines(items: Iterable[str]) -> list[str]:
    """One bullet line per non-empty item."""
    return [BULLET + item for item in (one_line(item) for item in items) if item]


def label_text(cell: str, tables: TableSettings) -> str | None:
    """The label a first table cell (or a <dl> term) makes, without its colon; None when it is text."""
    label = _LABEL_COLON_RE.sub("", one_line(cell))
    if not label or len(label.split()) > tables.max_label_words or _SENTENCE_MARK_RE.search(label):
        return None
    return label


def labelled_lines(label: str, values: Sequence[str]) -> list[str]:
    """ "Label: value" for one value; "Label:" and a bullet per value for several."""
    values = [value for value in (one_line(value) for value in values) if value]
    if not values:
        return [label + ":"]
    if len(values) == 1:
        return [f"{label}: {values[0]}"]
    return [label + ":", *bullet_lines(values)]


def table_row_lines(cells: Sequence[Sequence[str]], tables: TableSettings) -> list[str]:
    """Lines of one table row, each cell given as its paragraphs.

    Two cells with a short first one make "Label: value" (several paragraphs in the value cell make
    bullets under "Label:"), one cell its text, more cells "cell | cell | cell".
    """
    filled = [paragraphs for paragraphs in cells if any(one_line(text) for text in paragraphs)]
    if not filled:
        return []
    if len(filled) == 1:
        return [line for line in (one_line(text) for text in filled[0]) if line]
    if len(filled) == 2:
        label = label_text(" ".join(filled[0]), tables)
        if label is not None:
            return labelled_lines(label, filled[1])
    return [CELL_SEPARATOR.join(_cell_text(paragraphs) for paragraphs in filled)]


def _cell_text(paragraphs: Sequence[str]) -> str:
    return "; ".join(line for line in (one_line(text) for text in paragraphs) if line)
