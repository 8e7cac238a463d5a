"""Readers for documents that are not plain text: saved web pages, PDF files and Word files.

Each reader turns a file's bytes into the document's text in the shape the later stages read in a text
file: blocks (paragraphs, headings, lists, tables) separated by a blank line, list items as bullet
lines, two-column table rows as "Label: value" lines. The reader of a file is chosen by its suffix
(``data/formats.toml``). Readers raise FormatError with a plain message, never another exception, and
never fetch anything over the network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import PurePath

from pipeline.formats.settings import TEXT_FORMAT, FormatSettings, format_settings

logger = logging.getLogger(__name__)

# How a format is named in messages.
FORMAT_LABELS: dict[str, str] = {"html": "HTML page", "pdf": "PDF", "docx": "Word document"}


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text of one document and what its file says about it.

    ``metadata`` keys, present only when the file gives a value: ``title``; ``date`` (``YYYY-MM-DD``: the
    publication date of a web page, the creation date of a PDF or Word file); ``author``; ``sitename``
    and ``url`` (web pages); ``pages`` (PDF). ``encoding`` is the character set a web page was decoded
    with, empty for PDF and Word files.
    """

    text: str
    format: str
    encoding: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


class FormatError(ValueError):
    """A file its reader cannot turn into text; the message says why in plain words."""


def format_of(path: PurePath | str, settings: FormatSettings | None = None) -> str | None:
    """The format named by the file's suffix ("text", "html", "pdf", "docx"), None when unsupported."""
    suffix = (path if isinstance(path, PurePath) else PurePath(path)).suffix.lower()  # a path is parsed once
    return (settings or format_settings()).suffixes.get(suffix)


def supported_suffixes(settings: FormatSettings | None = None) -> tuple[str, ...]:
    """Every suffix read, text formats first, in the order of ``data/formats.toml``."""
    suffixes = (settings or format_settings()).suffixes
    text = [suffix for suffix, name in suffixes.items() if name == TEXT_FORMAT]
    return (*text, *(suffix for suffix, name in suffixes.items() if name != TEXT_FORMAT))


def read_bytes(data: bytes, format_name: str, settings: FormatSettings | None = None) -> Extracted:
    """The text of a file's bytes, read as ``format_name``; raises FormatError with a plain message."""
    settings = settings or format_settings()
    label = FORMAT_LABELS.get(format_name)
    if label is None:
        raise FormatError(f"no reader for the format {format_name!r}")
    try:
        return _read(data, format_name, settings)
    except FormatError:
        raise
    except RecursionError as exc:
        raise FormatError(f"{label} is nested too deeply to be read") from exc
    except Exception as exc:  # parsers of damaged files raise anything; one file must not stop a run
        logger.debug("%s reader failed", format_name, exc_info=True)
        raise FormatError(f"{label} is damaged or cannot be read ({_describe(exc)})") from exc


def _describe(exc: Exception, limit: int = 160) -> str:
    message = " ".join(str(exc).split())
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _read(data: bytes, format_name: str, settings: FormatSettings) -> Extracted:
    # Imported here: the parsing libraries are loaded only when a file of their format is read.
    if format_name == "html":
        from pipeline.formats.html import read_html

        return read_html(data, settings.html)
    if format_name == "pdf":
        from pipeline.formats.pdf import read_pdf

        return read_pdf(data, settings.pdf)
    from pipeline.formats.docx import read_docx

    return read_docx(data, settings.docx)


__all__ = [
    "FORMAT_LABELS",
    "Extracted",
    "FormatError",
    "FormatSettings",
    "format_of",
    "format_settings",
    "read_bytes",
    "supported_suffixes",
]
