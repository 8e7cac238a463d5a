"""PDF files: the text layer in reading order.

pdfminer.six's layout analysis groups characters into lines and lines into text boxes and orders the
boxes, columns included (pypdf keeps the order of the content stream, which interleaves two columns
when a producer writes rows across the page). Then, on plain data (``PdfPage``):

- page furniture goes: lines at the top or bottom of a page that recur (digits aside) on most pages,
  and page numbers ("7", "- 7 -", "Strana 7 z 12");
- lines a paragraph was wrapped into are joined again, so that a sentence or an amount is not cut by a
  line end: a line is wrapped when the next line's first word would not have fitted after it;
- a word hyphenated at a line end is joined without its hyphen ("inte-" + "grace" -> "integrace")
  unless the document writes it with a hyphen elsewhere or its first part starts hyphenated compounds
  ("Česko-německý", ``data/formats.toml``).

Text boxes become blocks separated by a blank line.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTFigure, LTImage, LTItem, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psexceptions import PSException
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from pipeline.formats import Extracted, FormatError
from pipeline.formats.blocks import join_blocks, one_line
from pipeline.formats.settings import PdfSettings
from pipeline.formats.sniff import content_kind

logger = logging.getLogger(__name__)

FORMAT = "pdf"
NO_TEXT_LAYER = "PDF has no text layer (scanned image?)"
_HEADER_WINDOW = 1024  # "%PDF-" must start within the first kilobyte
_TRAILER_WINDOW = 4096  # the last "%%EOF" must be within the last bytes, or the file was cut off
# Typographic ligatures a PDF font may map to one character.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_UNMAPPED_GLYPH_RE = re.compile(r"\(cid:\d+\)")
_DIGITS_RE = re.compile(r"\d+")
_WORD_RE = re.compile(r"\w+(?:[-\u2010]\w+)*")
# A letter fragment ending a line with a hyphen (or soft hyphen), and the letters starting the next line.
_HYPHENATED_END_RE = re.compile(r"([^\W\d_]+)([-\u2010\u00ad])$")
_LEADING_LETTERS_RE = re.compile(r"[^\W\d_]+")
_SOFT_HYPHEN = "\u00ad"
# A line that starts a list item ("• ", "- ", "1. ", "a) ") or a "Label: value" line (with a capital) is
# never the tail of a wrapped line.
_LIST_START_RE = re.compile(r"^(?:[•●▪◦‣∙·*–\-○■□▫►▸➢➤◆♦✓✔❖\uf0b7\uf0a7] |\w{1,3}[.)] )")
_LABEL_START_RE = re.compile(r"^[^\W\d_][^\W_]*(?: [^\W\d_][^\W_]*\.?){0,3} ?: ")
_SENTENCE_ENDS = (".", "!", "?", ";", ":")
_PDF_DATE_RE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_SAME_COLUMN_POINTS = 3.0  # boxes whose left edges are this close share a column


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One line of text and its place on the page (PDF points, origin at the bottom left)."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float


@dataclass(frozen=True, slots=True)
class PdfBox:
    """Lines that the layout analysis grouped into one block, top to bottom."""

    lines: tuple[PdfLine, ...]

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)


@dataclass(frozen=True, slots=True)
class PdfPage:
    """The text boxes of a page in reading order, and whether it holds an image."""

    boxes: tuple[PdfBox, ...]
    has_image: bool = False


def read_pdf(data: bytes, settings: PdfSettings) -> Extracted:
    """The text layer of a PDF file; raises FormatError."""
    check_container(data, settings)
    document = _open(data)
    pages = list(layout_pages(document, settings))
    text = pdf_text(pages, settings)
    metadata = document_metadata(document)
    metadata["pages"] = str(len(pages))
    return Extracted(text=text, format=FORMAT, encoding="", metadata=metadata)


def check_container(data: bytes, settings: PdfSettings) -> None:
    """Refuse files that are not PDF, too large, or cut off before their end-of-file marker."""
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise FormatError(f"not a PDF file (content looks like: {content_kind(data)})")
    if len(data) > settings.max_bytes:
        raise FormatError(f"PDF is larger than {settings.max_bytes:,} bytes")
    if b"%%EOF" not in data[-_TRAILER_WINDOW:]:
        raise FormatError("PDF is truncated (no end-of-file marker): the file is incomplete")


def _open(data: bytes) -> PDFDocument:
    try:
        return PDFDocument(PDFParser(BytesIO(data)), password="")
    except PDFPasswordIncorrect as exc:
        raise FormatError("PDF is encrypted: it needs a password to be opened") from exc
    except PDFEncryptionError as exc:
        raise FormatError(f"PDF is encrypted in a way that cannot be read ({exc})") from exc
    except (PSException, PDFException) as exc:
        raise FormatError(f"PDF is damaged ({type(exc).__name__}: {exc})") from exc


# --- pdfminer's layout to plain data ----------------------------------------------------------------


@cache
def _layout_parameters(line_margin: float) -> LAParams:
    # all_texts: text drawn inside form XObjects (figures) is analysed too, or it would be lost
    return LAParams(line_margin=line_margin, all_texts=True)


def layout_pages(document: PDFDocument, settings: PdfSettings) -> Iterator[PdfPage]:
    """Every page's text boxes in pdfminer's reading order."""
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=_layout_parameters(settings.line_margin))
    interpreter = PDFPageInterpreter(resources, device)
    try:
        for number, page in enumerate(PDFPage.create_pages(document)):
            if number >= settings.max_pages:
                raise FormatError(f"PDF has more than {settings.max_pages:,} pages")
            interpreter.process_page(page)
            yield _plain_page(device.get_result())
    except PDFEncryptionError as exc:
        raise FormatError(f"PDF is encrypted in a way that cannot be read ({exc})") from exc
    except (PSException, PDFException) as exc:
        raise FormatError(f"PDF is damaged ({type(exc).__name__}: {exc})") from exc


def _plain_page(layout: Iterable[LTItem]) -> PdfPage:
    boxes: list[PdfBox] = []
    has_image = _collect(layout, boxes)
    return PdfPage(boxes=tuple(boxes), has_image=has_image)


def _collect(container: Iterable[LTItem], boxes: list[PdfBox]) -> bool:
    """Append the text boxes in ``container`` (figures entered) to ``boxes``; True if it holds an image."""
    has_image = False
    for item in container:
        if isinstance(item, LTTextBox):
            lines = tuple(line for line in map(_plain_line, item) if line is not None)
            if lines:
                boxes.append(PdfBox(lines))
        elif isinstance(item, LTImage):
            has_image = True
        elif isinstance(item, LTFigure):
            has_image = _collect(item, boxes) or has_image
    return has_image


def _plain_line(item: LTItem) -> PdfLine | None:
    if not isinstance(item, LTTextLine):
        return None
    text = one_line(item.get_text().translate(_LIGATURES))
    if not text:
        return None
    return PdfLine(text=text, x0=item.x0, x1=item.x1, bottom=item.y0, top=item.y1)


def document_metadata(document: PDFDocument) -> dict[str, str]:
    """Title, author and creation date (``YYYY-MM-DD``) from the document information dictionary."""
    info: dict[str, Any] = document.info[0] if document.info else {}
    metadata: dict[str, str] = {}
    for key, name in (("Title", "title"), ("Author", "author")):
        value = _info_text(info.get(key))
        if value:
            metadata[name] = value
    created = _pdf_date(_info_text(info.get("CreationDate")))
    if created:
        metadata["date"] = created
    return metadata


def _info_text(value: object) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return one_line(decode_text(value))
    return one_line(value) if isinstance(value, str) else ""


def _pdf_date(value: str) -> str | None:
    """ "D:20210315100000+01'00'" -> "2021-03-15"; "D:202103" -> "2021-03"; None when not a date."""
    match = _PDF_DATE_RE.match(value)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(part for part in (year, month, day if month else None) if part)


# --- plain data to text -----------------------------------------------------------------------------


def pdf_text(pages: list[PdfPage], settings: PdfSettings) -> str:
    """The text of the pages: furniture dropped, wrapped lines joined, hyphenation undone."""
    lines = [line.text for page in pages for box in page.boxes for line in box.lines]
    if not lines:
        raise FormatError(NO_TEXT_LAYER)
    _check_unmapped(lines, settings)
    pages = [_without_unmapped(page) for page in drop_furniture(pages, settings)]
    words = _document_words(lines)
    # first parts of compounds: configured ones, and those the document itself writes with a hyphen
    compound_parts = settings.compound_first_parts | {word.split("-", 1)[0] for word in words if "-" in word}
    blocks = [box_text(box, _column_right(box, page), words, compound_parts) for page in pages for box in page.boxes]
    text = join_blocks(blocks)
    if not text:
        raise FormatError(NO_TEXT_LAYER)
    return text


def _check_unmapped(lines: list[str], settings: PdfSettings) -> None:
    unmapped = sum(len(match) for line in lines for match in _UNMAPPED_GLYPH_RE.findall(line))
    total = sum(len(line) for line in lines)
    if unmapped > settings.max_unmapped_share * total:
        raise FormatError("PDF text layer cannot be decoded (its fonts have no Unicode map)")


def _without_unmapped(page: PdfPage) -> PdfPage:
    boxes = []
    for box in page.boxes:
        lines = tuple(
            replace(line, text=cleaned)
            for line in box.lines
            if (cleaned := one_line(_UNMAPPED_GLYPH_RE.sub("", line.text)))
        )
        if lines:
            boxes.append(PdfBox(lines))
    return replace(page, boxes=tuple(boxes))


# --- page furniture ---------------------------------------------------------------------------------


@cache
def _page_number_re(words: tuple[str, ...], of_words: tuple[str, ...]) -> re.Pattern[str]:
    page = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    of = "|".join(re.escape(word) for word in sorted(of_words, key=len, reverse=True))
    number = r"\d{1,3}"  # four digits are a year, not a page
    return re.compile(rf"^[\s\-–—|]*(?:(?:{page})\s*)?{number}(?:\s*(?:{of})\s*{number})?[\s\-–—|]*$", re.IGNORECASE)


def _furniture_key(text: str) -> str:
    return _DIGITS_RE.sub("#", text).casefold()


def _edge_lines(page: PdfPage, count: int) -> set[int]:
    """ids of the ``count`` top-most and ``count`` bottom-most lines of a page."""
    lines = [line for box in page.boxes for line in box.lines]
    top = sorted(lines, key=lambda line: -line.top)[:count]
    bottom = sorted(lines, key=lambda line: line.bottom)[:count]
    return {id(line) for line in top + bottom}


def drop_furniture(pages: list[PdfPage], settings: PdfSettings) -> list[PdfPage]:
    """Pages without page numbers and without edge lines that recur on most pages."""
    page_number = _page_number_re(settings.page_words, settings.page_of_words)
    edges = [_edge_lines(page, settings.edge_lines) for page in pages]
    seen_on: Counter[str] = Counter()
    for page, edge in zip(pages, edges, strict=True):
        seen_on.update({_furniture_key(line.text) for box in page.boxes for line in box.lines if id(line) in edge})
    needed = max(2, math.ceil(settings.furniture_min_share * len(pages)))
    repeated = {key for key, count in seen_on.items() if count >= needed}

    def is_furniture(line: PdfLine, edge: set[int]) -> bool:
        return id(line) in edge and (bool(page_number.match(line.text)) or _furniture_key(line.text) in repeated)

    kept: list[PdfPage] = []
    for page, edge in zip(pages, edges, strict=True):
        boxes = []
        for box in page.boxes:
            lines = tuple(line for line in box.lines if not is_furniture(line, edge))
            if lines:
                boxes.append(PdfBox(lines))
        kept.append(replace(page, boxes=tuple(boxes)))
    return kept


# --- lines to paragraphs ----------------------------------------------------------------------------


def _document_words(lines: list[str]) -> frozenset[str]:
    """Every word of the document, case folded; hyphenated compounds as one word with "-"."""
    return frozenset(word.casefold().replace("\u2010", "-") for line in lines for word in _WORD_RE.findall(line))


def _column_right(box: PdfBox, page: PdfPage) -> float:
    """The right edge of the column a box stands in: the widest box of two or more lines sharing its
    left edge (a key-value block is measured against the paragraphs around it, not against itself)."""
    right = box.x1
    for other in page.boxes:
        if len(other.lines) > 1 and abs(other.x0 - box.x0) <= _SAME_COLUMN_POINTS:
            right = max(right, other.x1)
    return right


def box_text(box: PdfBox, column_right: float, words: frozenset[str], compound_parts: frozenset[str]) -> str:
    """A box's lines, those of one wrapped paragraph joined into one line."""
    out: list[str] = []
    current = box.lines[0].text
    for previous, line in zip(box.lines, box.lines[1:], strict=False):
        hyphenated = _HYPHENATED_END_RE.search(current)
        if hyphenated and line.text[:1].islower():
            current = _join_hyphenated(current, hyphenated, line.text, words, compound_parts)
        elif is_wrapped(previous, line, column_right):
            joint = "" if current.endswith(("-", "\u2010", "/")) and not current.endswith(" -") else " "
            current = current + joint + line.text
        else:
            out.append(current)
            current = line.text
    out.append(current)
    return "\n".join(out)


def is_wrapped(line: PdfLine, following: PdfLine, column_right: float) -> bool:
    """True when ``following`` continues the paragraph of ``line``: its first word did not fit after it.

    Never after a "Label:" line or a line ending a sentence before a capital (a short block measured
    against itself, "Partner: X" above "Projekt začal ...", would look wrapped), nor before a list item
    or a label line.
    """
    if line.text.endswith(":") or _LIST_START_RE.match(following.text) or _is_label_line(line.text):
        return False
    if following.text[:1].isupper() and (_is_label_line(following.text) or line.text.endswith(_SENTENCE_ENDS)):
        return False
    char_width = (line.x1 - line.x0) / max(1, len(line.text))
    if following.x0 > line.x0 + 2 * char_width:
        return False  # an indented first line starts a new paragraph
    first_word = following.text.split(" ", 1)[0]
    return column_right - line.x1 < (len(first_word) + 1) * char_width


def _is_label_line(text: str) -> bool:
    return text[:1].isupper() and _LABEL_START_RE.match(text) is not None


def _join_hyphenated(
    current: str, hyphenated: re.Match[str], following: str, words: frozenset[str], compound_parts: frozenset[str]
) -> str:
    left, hyphen = hyphenated.group(1), hyphenated.group(2)
    leading = _LEADING_LETTERS_RE.match(following)
    right = leading.group(0) if leading else ""
    if hyphen != _SOFT_HYPHEN and _keeps_hyphen(left, right, words, compound_parts):
        return current + following  # "Česko-" + "německý ..."
    return current[: -len(hyphen)] + following


def _keeps_hyphen(left: str, right: str, words: frozenset[str], compound_parts: frozenset[str]) -> bool:
    if (left + right).casefold() in words:
        return False  # the document writes the word whole elsewhere
    if f"{left}-{right}".casefold() in words:
        return True  # ... or with its hyphen
    return left.casefold() in compound_parts
