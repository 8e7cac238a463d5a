"""Saved web pages: the main content, the page title and the publication date.

The bytes are decoded with the character set the page declares (``<meta charset>``, the http-equiv
Content-Type, ``<?xml encoding?>``), else as a text file is. The page is parsed by lxml's HTML parser,
which loads no DTD, no external entity and no remote resource. trafilatura then keeps the main content
(navigation, cookie banners, footers, share buttons, scripts and styles go) and finds the title and
date in the markup; its XML tree is walked into blocks, bullet lines and "Label: value" table rows.
Key-value fact boxes (<dl>, two-column tables) that main-content extraction drops with the sidebar
they stand in are added back after the main text, unless they sit in page furniture.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Extractor

from pipeline.formats import Extracted, FormatError
from pipeline.formats.blocks import (
    BULLET,
    bullet_lines,
    join_blocks,
    label_text,
    labelled_lines,
    one_line,
    table_row_lines,
)
from pipeline.formats.settings import HtmlSettings, TableSettings
from pipeline.ingest import DecodeError, decode_bytes

logger = logging.getLogger(__name__)

FORMAT = "html"
# The character set in <meta charset="x"> and in <meta http-equiv content="text/html; charset=x">.
_META_CHARSET_RE = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']", re.IGNORECASE)
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Control characters libxml2 refuses; tab and line ends stay.
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DEPTH_LIMIT_ERROR = "ERR_RESOURCE_LIMIT"

# Elements of trafilatura's output tree that start a block; others (hi, ref, del, span) are inline.
_BLOCK_TAGS = frozenset(
    {"p", "head", "quote", "code", "div", "note", "figure", "section", "main", "body", "list", "table"}
)
_SKIPPED_TAGS = frozenset({"graphic"})
_METADATA_FIELDS = ("title", "date", "author", "sitename", "url")
# Elements of the page never read for facts; the last four hold no visible text.
_FURNITURE_TAGS = frozenset({"header", "nav", "footer", "script", "style", "noscript", "template"})
_HTML_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section"}
    | {"article", "blockquote", "pre"}
)
_CLASS_WORD_RE = re.compile(r"[a-z0-9]+")
_LAYOUT_MARKS_RE = re.compile(r"[\s:•|]+")


def read_html(data: bytes, settings: HtmlSettings) -> Extracted:
    """The main text of a saved web page; raises FormatError."""
    if len(data) > settings.max_bytes:
        raise FormatError(f"HTML page is larger than {settings.max_bytes:,} bytes")
    text, encoding = decode_html(data, settings)
    document = _main_content(text, settings)
    metadata = {name: value for name in _METADATA_FIELDS if (value := one_line(getattr(document, name, None) or ""))}
    blocks = body_blocks(document.body, settings.tables) if document is not None else []
    blocks.extend(missing_fact_blocks(_parse(text), blocks, settings))
    if not blocks:
        raise FormatError("HTML page has no main text")
    title = metadata.get("title")
    if title and not _starts_with_title(blocks, title):
        blocks.insert(0, title)  # the title line of a text file; trafilatura keeps <h1> only inside the content
    return Extracted(text=join_blocks(blocks), format=FORMAT, encoding=encoding, metadata=metadata)


# --- decoding ---------------------------------------------------------------------------------------


def decode_html(data: bytes, settings: HtmlSettings) -> tuple[str, str]:
    """(text, encoding): a byte-order mark first, then the declared charset, then as a text file.

    Bytes that are valid UTF-8 with non-ASCII letters are read as UTF-8 whatever a single-byte
    declaration says: pages re-saved as UTF-8 keep their template's "windows-1250", while Czech or
    Slovak text in a single-byte code page is practically never valid UTF-8.
    """
    declared = None if data.startswith(_UNICODE_BOMS) else declared_charset(data, settings)
    if declared is not None and _is_single_byte(declared) and _is_non_ascii_utf8(data):
        logger.info("page declares %s but is UTF-8; read as UTF-8", declared)
        declared = "utf-8"
    if declared is not None:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            logger.info("page declares %s but is not valid %s; reading it as a text file", declared, declared)
    try:
        return decode_bytes(data)
    except DecodeError as exc:
        raise FormatError(f"not an HTML page: {exc}") from exc


def _is_single_byte(encoding: str) -> bool:
    return len("ř".encode(encoding, errors="replace")) == 1


def _is_non_ascii_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def declared_charset(data: bytes, settings: HtmlSettings) -> str | None:
    """The character set the page declares in its first bytes, as a Python codec name; None if none."""
    head = data[: settings.charset_prescan_bytes]
    match = _XML_ENCODING_RE.match(head) or _META_CHARSET_RE.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    label = settings.charset_aliases.get(label, label)
    try:
        "a".encode(label)  # LookupError also for codecs that are no text encoding ("base64")
    except LookupError:
        logger.info("page declares an unknown character set %r; ignored", label)
        return None
    return label


# --- main content -----------------------------------------------------------------------------------


def _main_content(text: str, settings: HtmlSettings) -> Any:
    """trafilatura's document: precise extraction first, the balanced one when that finds nothing;
    None when neither finds text."""
    for precise in (True, False):
        document = bare_extraction(_parse(text), options=_extractor(settings.latest_publication_date, precise))
        if document is not None and document.body is not None and body_blocks(document.body, settings.tables):
            return document
    return None


def _parse(text: str) -> lxml.html.HtmlElement:
    # A fresh parser per page: its error log tells whether libxml2 stopped at its depth limit.
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        collect_ids=False,
        default_doctype=False,
        huge_tree=False,
    )
    try:
        tree = lxml.html.document_fromstring(_XML_INVALID_RE.sub("", text).encode("utf-8"), parser=parser)
    except etree.ParserError as exc:
        raise FormatError("HTML page is empty") from exc
    if any(error.type_name == _DEPTH_LIMIT_ERROR for error in parser.error_log):
        # libxml2 drops everything below 256 levels of nesting: refuse rather than read half a page
        raise FormatError("HTML page is nested too deeply (over 255 levels of elements); it cannot be read whole")
    return tree


@cache
def _extractor(latest_date: str, precise: bool) -> Extractor:
    return Extractor(
        output_format="python",
        fast=True,
        precision=precise,
        comments=False,
        tables=True,
        formatting=False,
        links=False,
        images=False,
        with_metadata=True,
        # dates only from the markup (meta tags, <time>, the URL), never guessed from the running text
        date_params={"original_date": True, "extensive_search": False, "max_date": latest_date},
    )


def _starts_with_title(blocks: list[str], title: str) -> bool:
    wanted = title.casefold()
    return any(block.split("\n", 1)[0].casefold() == wanted for block in blocks[:3])


# --- fact boxes the main content left out ----------------------------------------------------------


def missing_fact_blocks(tree: lxml.html.HtmlElement, blocks: list[str], settings: HtmlSettings) -> list[str]:
    """Key-value blocks of the page (<dl>, two-column tables) outside page furniture that the main
    content does not already hold (in any layout: white space, colons and bullets aside), in page order."""
    present = _squeezed("\n".join(blocks))
    found: list[str] = []
    for element in tree.iter("dl", "table"):
        if _has_ancestor(element, ("dl", "table")) or _is_furniture(element, settings.furniture_markers):
            continue
        read_pairs = _definition_pairs if element.tag == "dl" else _table_pairs
        pairs = read_pairs(element, settings.tables)
        if pairs is None or len(pairs) < settings.min_fact_pairs:
            continue
        block = "\n".join(line for label, values in pairs for line in labelled_lines(label, values))
        if _squeezed(block) not in present:
            found.append(block)
            present += "\n" + _squeezed(block)
    return found


def _squeezed(text: str) -> str:
    return _LAYOUT_MARKS_RE.sub(" ", text).strip().casefold()


def _has_ancestor(element: lxml.html.HtmlElement, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _is_furniture(element: lxml.html.HtmlElement, markers: tuple[str, ...]) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag in _FURNITURE_TAGS:
            return True
        words = _CLASS_WORD_RE.findall(f"{node.get('class') or ''} {node.get('id') or ''}".lower())
        if any(word.startswith(markers) for word in words):
            return True
    return False


Pairs = list[tuple[str, list[str]]]


def _definition_pairs(element: lxml.html.HtmlElement, tables: TableSettings) -> Pairs | None:
    """(term, definitions) of a <dl>; None when a term is no label (a glossary, not facts)."""
    pairs: Pairs = []
    for item in element.iter("dt", "dd"):
        lines = _html_lines(item)
        if item.tag == "dt":
            label = label_text(" ".join(lines), tables)
            if label is None:
                return None
            pairs.append((label, []))
        elif pairs:
            pairs[-1][1].extend(lines)
    return pairs


def _table_pairs(element: lxml.html.HtmlElement, tables: TableSettings) -> Pairs | None:
    """(label, value lines) of a table whose rows have two cells; None for any other table."""
    pairs: Pairs = []
    for row in element.iter("tr"):
        if next(row.iterancestors("table")) is not element:
            continue  # a row of a nested table
        cells = [_html_lines(cell) for cell in row if cell.tag in ("td", "th")]
        cells = [lines for lines in cells if lines]
        if len(cells) == 1:
            continue  # a heading row
        label = label_text(" ".join(cells[0]), tables) if len(cells) == 2 else None
        if label is None:
            return None
        pairs.append((label, cells[1]))
    return pairs


def _html_lines(element: lxml.html.HtmlElement) -> list[str]:
    """Lines of an element of the page: <br> and block elements break lines; scripts are left out."""
    pieces: list[str] = []
    _html_pieces(element, pieces)
    return [line for line in (one_line(line) for line in "".join(pieces).split("\n")) if line]


def _html_pieces(element: lxml.html.HtmlElement, pieces: list[str]) -> None:
    if element.text:
        pieces.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            pieces.append("\n")
        elif tag and tag not in _FURNITURE_TAGS:
            breaks = tag in _HTML_BLOCK_TAGS
            pieces.append("\n" if breaks else "")
            _html_pieces(child, pieces)
            pieces.append("\n" if breaks else "")
        if child.tail:
            pieces.append(child.tail)


# --- trafilatura's tree to blocks -------------------------------------------------------------------


def body_blocks(element: etree._Element, tables: TableSettings) -> list[str]:
    """Blocks of text of an element of trafilatura's output tree, in document order."""
    blocks: list[str] = []
    pieces: list[str] = []

    def flush() -> None:
        text = _lines_text(pieces)
        pieces.clear()
        if text:
            blocks.append(text)

    if element.text:
        pieces.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            pieces.append("\n")
        elif tag == "list":
            flush()
            blocks.append("\n".join(list_lines(child, tables)))
        elif tag == "table":
            flush()
            blocks.append("\n".join(table_lines(child, tables)))
        elif tag in _BLOCK_TAGS:
            flush()
            blocks.extend(body_blocks(child, tables))
        elif tag and tag not in _SKIPPED_TAGS:
            pieces.extend(_inline_pieces(child))
        if child.tail:
            pieces.append(child.tail)
    flush()
    return [block for block in blocks if block]


def _inline_pieces(element: etree._Element) -> Iterable[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == "lb":
            yield "\n"
        elif isinstance(child.tag, str) and child.tag not in _SKIPPED_TAGS:
            yield from _inline_pieces(child)
        if child.tail:
            yield child.tail


def _lines_text(pieces: list[str]) -> str:
    """Pieces of inline text as lines: source white space is one space, <lb/> a line break."""
    lines = (one_line(line) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _lines(element: etree._Element, tables: TableSettings) -> list[str]:
    return [line for block in body_blocks(element, tables) for line in block.split("\n")]


def list_lines(element: etree._Element, tables: TableSettings) -> list[str]:
    """A bullet line per item (nested lists follow their item); <dl> terms as "Term: definition"."""
    if element.get("rend") == "dl":
        return definition_lines(element, tables)
    lines: list[str] = []
    for item in element:
        item_lines = _lines(item, tables)
        own = [line for line in item_lines if not line.startswith(BULLET)]
        if item.tag == "item":
            lines.extend(bullet_lines([" ".join(own)]))
        else:
            lines.extend(own)
        lines.extend(line for line in item_lines if line.startswith(BULLET))
    return lines


def definition_lines(element: etree._Element, tables: TableSettings) -> list[str]:
    """Terms of a definition list with their definitions: "Term: value", or "Term:" and bullets."""
    entries: list[tuple[str | None, list[str]]] = []
    for item in element:
        text = " ".join(_lines(item, tables))
        if (item.get("rend") or "").startswith("dt"):
            entries.append((text, []))
        elif entries:
            entries[-1][1].append(text)
        else:
            entries.append((None, [text]))
    lines: list[str] = []
    for term, values in entries:
        label = label_text(term, tables) if term else None
        if label is not None:
            lines.extend(labelled_lines(label, values))
        else:
            lines.extend([term] if term else [])
            lines.extend(bullet_lines(values))
    return lines


def table_lines(element: etree._Element, tables: TableSettings) -> list[str]:
    """Lines of a table's rows (see ``blocks.table_row_lines``); rows of nested tables come in their cell."""
    lines: list[str] = []
    for row in element.iterchildren("row"):
        cells = [_lines(cell, tables) for cell in row.iterchildren("cell")]
        lines.extend(table_row_lines(cells, tables))
    return lines
