"""Word files (.docx): paragraphs, headings, lists and tables in document order.

The archive's directory is checked before anything is unpacked (entry count, unpacked size, packing
ratio: zip bombs). python-docx opens the package (its XML parser resolves no entity); the body is then
walked in document order, entering content controls (``w:sdt``), which python-docx's own iterators
skip, and leaving out deleted text, field codes and text boxes. A paragraph is a block, list
paragraphs are bullet lines, table rows are "Label: value" lines when they have two cells with a
short first one, else "cell | cell" lines.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from lxml import etree

from pipeline.formats import Extracted, FormatError
from pipeline.formats.blocks import BULLET, join_blocks, one_line, table_row_lines
from pipeline.formats.settings import DocxSettings
from pipeline.formats.sniff import content_kind

logger = logging.getLogger(__name__)

FORMAT = "docx"
MAIN_PART = "word/document.xml"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")
_CUSTOM_XML, _SMART_TAG = qn("w:customXml"), qn("w:smartTag")
_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
# Not part of the running text: deleted revisions, field codes, text boxes (drawn apart from the flow),
# paragraph and run properties, and the fallback copy of alternate content (its text is in the choice).
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIPPED = frozenset(
    qn(name) for name in ("w:del", "w:instrText", "w:delInstrText", "w:txbxContent", "w:pPr", "w:rPr")
) | {_MC_FALLBACK}
# Wrappers whose children are body content (paragraphs, tables) in their own right.
_CONTAINERS = frozenset({_SDT, _SDT_CONTENT, _CUSTOM_XML, _SMART_TAG})
_NUMBERING = qn("w:numPr")
_STYLE = qn("w:pStyle")
_VALUE = qn("w:val")
# Paragraph styles of list items ("List Paragraph", "List Bullet", Czech "Odstavec se seznamem").
_LIST_STYLE_WORDS = ("list", "seznam", "zoznam")


def read_docx(data: bytes, settings: DocxSettings) -> Extracted:
    """The text of a Word file; raises FormatError."""
    check_archive(data, settings)
    try:
        document = docx.Document(BytesIO(data))
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise FormatError(f"Word document is damaged ({type(exc).__name__}: {exc})") from exc
    styles = _list_style_ids(document)
    blocks = list(_body_blocks(document.element.body, styles, settings))
    text = join_blocks(blocks)
    if not text:
        raise FormatError("Word document has no text")
    return Extracted(text=text, format=FORMAT, encoding="", metadata=_metadata(document))


def check_archive(data: bytes, settings: DocxSettings) -> None:
    """Refuse what is not a .docx archive, and archives that would unpack to too much (zip bombs)."""
    if data.startswith(OLE_SIGNATURE):
        raise FormatError("not a .docx file: an old Word (.doc) file or a password-protected document")
    if not zipfile.is_zipfile(BytesIO(data)):
        raise FormatError(f"not a .docx file: not a zip archive (content looks like: {content_kind(data)})")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FormatError(f"Word document is damaged ({exc})") from exc
    if len(entries) > settings.max_entries:
        raise FormatError(f"Word document has more than {settings.max_entries:,} parts (zip bomb?)")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.max_uncompressed_bytes:
        raise FormatError(
            f"Word document unpacks to {unpacked:,} bytes, more than {settings.max_uncompressed_bytes:,} (zip bomb?)"
        )
    for entry in entries:
        if entry.file_size > settings.ratio_checked_above_bytes and (
            entry.file_size > settings.max_compression_ratio * max(1, entry.compress_size)
        ):
            ratio = entry.file_size // max(1, entry.compress_size)
            raise FormatError(f"Word document part {entry.filename} unpacks to {ratio:,} times its size (zip bomb?)")
    if MAIN_PART not in {entry.filename for entry in entries}:
        raise FormatError(f"not a .docx file: the archive has no {MAIN_PART}")


# --- body -------------------------------------------------------------------------------------------


def _list_style_ids(document: WordDocument) -> frozenset[str]:
    """Ids of paragraph styles whose names say they are list items."""
    ids: set[str] = set()
    for style in document.styles:
        name = (getattr(style, "name", None) or "").casefold()
        style_id = getattr(style, "style_id", None)
        if style_id and any(word in name for word in _LIST_STYLE_WORDS):
            ids.add(style_id)
    return frozenset(ids)


def _body_blocks(container: etree._Element, list_styles: frozenset[str], settings: DocxSettings) -> Iterator[str]:
    """Blocks in document order: a paragraph each, consecutive list items together, a table each."""
    items: list[str] = []
    for element in _content(container):
        if element.tag == _P:
            text = paragraph_text(element)
            if _is_list_item(element, list_styles):
                if text:
                    items.append(BULLET + one_line(text))
                continue
            if items:
                yield "\n".join(items)
                items = []
            yield text
        elif element.tag == _TBL:
            if items:
                yield "\n".join(items)
                items = []
            yield "\n".join(table_lines(element, list_styles, settings))
    if items:
        yield "\n".join(items)


def _content(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell, content controls and custom XML entered."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _content(child)


def _is_list_item(paragraph: etree._Element, list_styles: frozenset[str]) -> bool:
    properties = paragraph.find(qn("w:pPr"))
    if properties is None:
        return False
    if properties.find(_NUMBERING) is not None:
        return True
    style = properties.find(_STYLE)
    return style is not None and style.get(_VALUE) in list_styles


def paragraph_text(paragraph: etree._Element) -> str:
    """The visible text of a paragraph: runs, hyperlinks, insertions and inline content controls; tabs
    as a space and breaks as line ends, each line's white space made single."""
    pieces: list[str] = []
    _collect_text(paragraph, pieces)
    return "\n".join(line for line in (one_line(line) for line in "".join(pieces).split("\n")) if line)


def _collect_text(element: etree._Element, pieces: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == _T:
            pieces.append(child.text or "")
        elif tag == _TAB:
            pieces.append(" ")
        elif tag in (_BR, _CR):
            pieces.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            pieces.append("-")
        else:
            _collect_text(child, pieces)


def table_lines(table: etree._Element, list_styles: frozenset[str], settings: DocxSettings) -> list[str]:
    """A table's rows as lines (``blocks.table_row_lines``); a cell's paragraphs, nested tables included."""
    lines: list[str] = []
    for row in _children(table, _TR):
        cells = [_cell_lines(cell, list_styles, settings) for cell in _children(row, _TC)]
        lines.extend(table_row_lines(cells, settings.tables))
    return lines


def _cell_lines(cell: etree._Element, list_styles: frozenset[str], settings: DocxSettings) -> list[str]:
    lines = [line for block in _body_blocks(cell, list_styles, settings) for line in block.split("\n")]
    return [line.removeprefix(BULLET) for line in lines if line]


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, also those wrapped in content controls."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, tag)


# --- metadata ---------------------------------------------------------------------------------------


def _metadata(document: WordDocument) -> dict[str, str]:
    properties = document.core_properties
    metadata: dict[str, str] = {}
    title, author = one_line(properties.title or ""), one_line(properties.author or "")
    if title:
        metadata["title"] = title
    if author:
        metadata["author"] = author
    created = properties.created
    if isinstance(created, datetime):
        metadata["date"] = created.date().isoformat()
    return metadata
