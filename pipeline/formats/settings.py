"""Settings of the format readers, from ``data/formats.toml``, loaded once and checked on load.

Kept apart from the readers so that choosing a reader by suffix imports no parsing library.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.lexicon import LexiconError, load_data

FORMATS_DATA = "formats"
TEXT_FORMAT = "text"
READER_FORMATS: tuple[str, ...] = ("html", "pdf", "docx")


@dataclass(frozen=True, slots=True)
class TableSettings:
    max_label_words: int


@dataclass(frozen=True, slots=True)
class HtmlSettings:
    max_bytes: int
    charset_prescan_bytes: int
    latest_publication_date: str
    min_fact_pairs: int
    furniture_markers: tuple[str, ...]
    charset_aliases: dict[str, str]
    tables: TableSettings


@dataclass(frozen=True, slots=True)
class PdfSettings:
    max_bytes: int
    max_pages: int
    line_margin: float
    edge_lines: int
    furniture_min_share: float
    max_unmapped_share: float
    page_words: tuple[str, ...]
    page_of_words: tuple[str, ...]
    compound_first_parts: frozenset[str]


@dataclass(frozen=True, slots=True)
class DocxSettings:
    max_uncompressed_bytes: int
    max_entries: int
    ratio_checked_above_bytes: int
    max_compression_ratio: float
    tables: TableSettings


@dataclass(frozen=True, slots=True)
class FormatSettings:
    """Everything the readers need: which suffix goes to which reader, and each reader's limits."""

    suffixes: dict[str, str]  # ".pdf" -> "pdf"
    html: HtmlSettings
    pdf: PdfSettings
    docx: DocxSettings


@cache
def format_settings() -> FormatSettings:
    """Settings from ``data/formats.toml``, checked once."""
    return build_settings(load_data(FORMATS_DATA))


def build_settings(data: dict[str, Any]) -> FormatSettings:
    """Check the parsed ``formats.toml``; raises LexiconError naming the bad key."""
    try:
        tables = TableSettings(max_label_words=_positive_int(data["tables"], "max_label_words"))
        return FormatSettings(
            suffixes=_suffixes(data["suffixes"]),
            html=_html(data["html"], tables),
            pdf=_pdf(data["pdf"]),
            docx=_docx(data["docx"], tables),
        )
    except KeyError as exc:
        raise LexiconError(f"{FORMATS_DATA}.toml: missing key {exc}") from exc
    except (TypeError, ValueError, AttributeError, LookupError) as exc:
        raise LexiconError(f"{FORMATS_DATA}.toml: {exc}") from exc


def _suffixes(table: dict[str, Any]) -> dict[str, str]:
    known = (TEXT_FORMAT, *READER_FORMATS)
    suffixes: dict[str, str] = {}
    for format_name, names in table.items():
        if format_name not in known:
            raise ValueError(f"[suffixes] {format_name}: no reader of that name (known: {', '.join(known)})")
        for suffix in names:
            if not (isinstance(suffix, str) and suffix.startswith(".") and suffix == suffix.lower()):
                raise ValueError(f"[suffixes] {format_name}: {suffix!r} must be a lower-case suffix with its dot")
            if suffix in suffixes:
                raise ValueError(f"[suffixes] {suffix} is listed twice")
            suffixes[suffix] = format_name
    if TEXT_FORMAT not in suffixes.values():
        raise ValueError("[suffixes] text: at least one suffix is needed")
    return suffixes


def _html(table: dict[str, Any], tables: TableSettings) -> HtmlSettings:
    aliases = {str(label).lower(): str(target) for label, target in table["charset_aliases"].items()}
    for target in aliases.values():
        codecs.lookup(target)  # LookupError names an unknown encoding
    latest = str(table["latest_publication_date"])
    if len(latest) != 10 or latest[4] != "-" or latest[7] != "-":
        raise ValueError("[html] latest_publication_date must be YYYY-MM-DD")
    return HtmlSettings(
        max_bytes=_positive_int(table, "max_bytes"),
        charset_prescan_bytes=_positive_int(table, "charset_prescan_bytes"),
        latest_publication_date=latest,
        min_fact_pairs=_positive_int(table, "min_fact_pairs"),
        furniture_markers=tuple(word.lower() for word in _words(table, "furniture_markers")),
        charset_aliases=aliases,
        tables=tables,
    )


def _pdf(table: dict[str, Any]) -> PdfSettings:
    return PdfSettings(
        max_bytes=_positive_int(table, "max_bytes"),
        max_pages=_positive_int(table, "max_pages"),
        line_margin=_positive_number(table, "line_margin"),
        edge_lines=_positive_int(table, "edge_lines"),
        furniture_min_share=_share(table, "furniture_min_share"),
        max_unmapped_share=_share(table, "max_unmapped_share"),
        page_words=_words(table, "page_words"),
        page_of_words=_words(table, "page_of_words"),
        compound_first_parts=frozenset(word.casefold() for word in _words(table, "compound_first_parts")),
    )


def _docx(table: dict[str, Any], tables: TableSettings) -> DocxSettings:
    return DocxSettings(
        max_uncompressed_bytes=_positive_int(table, "max_uncompressed_bytes"),
        max_entries=_positive_int(table, "max_entries"),
        ratio_checked_above_bytes=_positive_int(table, "ratio_checked_above_bytes"),
        max_compression_ratio=float(_positive_int(table, "max_compression_ratio")),
        tables=tables,
    )


def _positive_int(table: dict[str, Any], key: str) -> int:
    value = table[key]
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{key} must be a positive whole number")
    return value


def _positive_number(table: dict[str, Any], key: str) -> float:
    value = table[key]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{key} must be a positive number")
    return float(value)


def _share(table: dict[str, Any], key: str) -> float:
    value = table[key]
    if not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ValueError(f"{key} must be a number above 0 and at most 1")
    return float(value)


def _words(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not value or not all(isinstance(word, str) and word for word in value):
        raise ValueError(f"{key} must be a list of words")
    return tuple(value)
