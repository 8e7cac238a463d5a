"""Ingest: find the input files, read their bytes and turn them into text.

Only this module and the writers touch the file system. Text files (``.txt``, ``.md``) are decoded
here; saved web pages, PDF and Word files are read by ``pipeline.formats``, chosen by suffix
(``data/formats.toml``). Decoding is deliberate rather than guessed by a general detector: Czech and
Slovak files come as UTF-8 (with or without a BOM), UTF-16, Windows-1250 or ISO-8859-2, and the last two
differ only on a few letters (š ť ž Š Ť Ž ś ź ľ Ľ ...), which a general detector tends to confuse with
Baltic or Cyrillic code pages.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import cache
from hashlib import sha256
from pathlib import Path
from typing import Any

from pipeline.formats import FormatError, format_of, read_bytes, supported_suffixes
from pipeline.formats.settings import TEXT_FORMAT
from pipeline.lexicon import LexiconError, load_data

logger = logging.getLogger(__name__)

# Text suffixes first, then those of the format readers (data/formats.toml).
SUPPORTED_SUFFIXES: tuple[str, ...] = supported_suffixes()

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Signatures of formats that are never text, so the message can say what the file is.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
)

SINGLE_BYTE_ENCODINGS: tuple[str, ...] = ("windows-1250", "iso-8859-2")
DECODE_FAILURE = "cannot decode: not UTF-8, Windows-1250 or ISO-8859-2"

# More than this share of control characters means the bytes are not text.
_MAX_CONTROL_SHARE = 0.02
# Share of NUL bytes in one byte lane (odd or even positions) that marks UTF-16 without a BOM.
_UTF16_NUL_LANE_SHARE = 0.3

ALPHABET_DATA = "normalise"
# What Windows-1250 makes of ISO-8859-2 letters (Š Ť Ž š ť ľ Ľ Ś ś Ź) and the reverse. Placed as a
# letter would be, they mean the other code page was meant; placed as a symbol they may be genuine
# ("© 2020", "Brand®", "«quote»"), so each has its own test.
_WRONG_PAGE_BEFORE_LETTER = frozenset("©®")
_WRONG_PAGE_INSIDE_WORD = frozenset("«»")
_WRONG_PAGE_NEAR_LETTER = frozenset("ąĄµ¦¶¬")
_WRONG_PAGE_SYMBOLS = _WRONG_PAGE_BEFORE_LETTER | _WRONG_PAGE_INSIDE_WORD | _WRONG_PAGE_NEAR_LETTER
# Bytes the two code pages read differently: only words holding one of them can tell the pages apart.
_DIFFERING_BYTES = bytes(
    byte
    for byte in range(0x80, 0x100)
    if bytes([byte]).decode("windows-1250", errors="replace") != bytes([byte]).decode("iso-8859-2")
)
_DIFFERING_BYTE_RE = re.compile(b"[" + re.escape(_DIFFERING_BYTES) + b"]")
# Control characters other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_C1_RE = re.compile(r"[\x80-\x9f]")


@dataclass(frozen=True, slots=True)
class Alphabet:
    """Letters with diacritics of all languages, and those that only one language has."""

    letters: frozenset[str]
    single_language_letters: tuple[frozenset[str], ...]
    single_language_res: tuple[re.Pattern[str], ...]


@cache
def alphabet() -> Alphabet:
    """Letters from ``data/normalise.toml``, checked once."""
    return build_alphabet(load_data(ALPHABET_DATA))


def build_alphabet(data: dict[str, Any]) -> Alphabet:
    """Check the parsed letter tables; raises LexiconError naming the bad key."""
    per_language: list[frozenset[str]] = []
    for name, table in data.items():
        letters = table.get("letters") if isinstance(table, dict) else None
        if not isinstance(letters, str) or not letters or not (letters.isalpha() and letters.islower()):
            raise LexiconError(f"{ALPHABET_DATA}.toml: [{name}] letters must be a string of lower-case letters")
        per_language.append(frozenset(letters + letters.upper()))
    if not per_language:
        raise LexiconError(f"{ALPHABET_DATA}.toml: no language table ([cs], [sk])")
    every = frozenset().union(*per_language)
    others = [frozenset().union(*(other for other in per_language if other is not own)) for own in per_language]
    single = tuple(own - other for own, other in zip(per_language, others) if own - other)
    patterns = tuple(re.compile(f"[{''.join(sorted(letters))}]") for letters in single)
    return Alphabet(letters=every, single_language_letters=single, single_language_res=patterns)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input file: where it came from, its bytes and their text.

    ``format`` is the reader that made the text ("text", "html", "pdf", "docx"); ``encoding`` the
    character set of a text file or web page (empty for PDF and Word files); ``metadata`` what the file
    says about itself (keys in ``pipeline.formats.Extracted``: title, date, author, sitename, url, pages),
    empty for text files.
    """

    doc_id: str
    source: str
    sha256: str
    data: bytes
    text: str
    encoding: str
    format: str = TEXT_FORMAT
    metadata: dict[str, str] = field(default_factory=dict, hash=False)


class IngestError(Exception):
    """A file that cannot become a document; the message says why in plain words."""

    def __init__(self, doc_id: str, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.doc_id = doc_id
        self.source = source
        self.message = message


class DecodeError(ValueError):
    """Bytes that are not text in a supported encoding."""


def discover(input_dir: Path) -> list[Path]:
    """Every supported file in or below ``input_dir``, sorted by relative path.

    Hidden files and folders are skipped, and so are symbolic links that lead outside ``input_dir``
    (one warning names them). Linked folders are not entered, so no file is listed twice.
    """
    if not input_dir.is_dir():
        raise FileNotFoundError(f"input folder not found: {input_dir}")
    root = input_dir.resolve()
    found: list[Path] = []
    outside: list[str] = []
    for folder, subfolders, files in os.walk(input_dir):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in files:
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            path = Path(folder) / name
            if path.is_symlink() and not _resolves_inside(path, root):
                outside.append(str(path))
                continue
            if path.is_file():
                found.append(path)
    if outside:
        logger.warning(
            "skipped %d symbolic link(s) leading outside %s: %s", len(outside), input_dir, ", ".join(outside[:10])
        )
    return sorted(found, key=lambda path: path.relative_to(input_dir).parts)


def _resolves_inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def document_id(relative: Path) -> str:
    """File name without extension; for files in sub-folders the folders are joined with ``__``."""
    return "__".join(relative.with_suffix("").parts)


def read_document(path: Path, input_dir: Path) -> RawDocument:
    """Read one file and turn it into text by its suffix; raises IngestError with a plain message.

    Files with a suffix no reader knows are decoded as text.
    """
    doc_id, source = _names(path, input_dir)
    try:
        with open(path, "rb", buffering=0) as stream:  # one read, no buffer to fill first
            data = stream.readall()
    except OSError as exc:
        raise IngestError(doc_id, source, f"cannot read file: {exc.strerror or exc}") from exc
    if not data:
        raise IngestError(doc_id, source, "file is empty")
    format_name = format_of(path) or TEXT_FORMAT
    try:
        if format_name == TEXT_FORMAT:
            text, encoding = decode_bytes(data)
            metadata: dict[str, str] = {}
        else:
            extracted = read_bytes(data, format_name)
            text, encoding, metadata = extracted.text, extracted.encoding, extracted.metadata
    except (DecodeError, FormatError) as exc:
        raise IngestError(doc_id, source, str(exc)) from exc
    if not _has_visible_text(text):
        raise IngestError(doc_id, source, "file is empty (only white space)")
    return RawDocument(
        doc_id=doc_id, source=source, sha256=sha256(data).hexdigest(), data=data, text=text, encoding=encoding,
        format=format_name, metadata=metadata,
    )


def _names(path: Path, input_dir: Path) -> tuple[str, str]:
    """(doc_id, source) of a file: ``document_id`` of its relative path, and ``str(input_dir / relative)``.

    A file below ``input_dir`` as written (most are) is named from the path strings, without pathlib.
    """
    folder = str(input_dir)
    whole = str(path)
    if whole.startswith(folder + "/"):
        # pathlib's strings are normalised ("." and "/" never match): the rest is the relative parts joined by "/"
        parts = whole[len(folder) + 1 :].split("/")
        parts[-1] = _without_suffix(parts[-1])
        return "__".join(parts), whole
    relative = _relative_path(path, input_dir)
    return document_id(relative), str(input_dir / relative)


def _without_suffix(name: str) -> str:
    """``PurePath(name).with_suffix("").name``: the last dot starts a suffix unless it is first or last."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _relative_path(path: Path, input_dir: Path) -> Path:
    try:
        return path.relative_to(input_dir)
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(input_dir.resolve())
    except ValueError:
        return Path(path.name)


def _has_visible_text(text: str) -> bool:
    return any(not (char.isspace() or char in "\u200b\u200c\u200d\u2060\ufeff\u00ad") for char in text)


def binary_kind(data: bytes) -> str | None:
    """What a file is when its first bytes are a signature of a format that is never text."""
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text; returns (text, encoding name) or raises DecodeError.

    Order: byte-order marks, binary signatures, UTF-16 without a mark, strict UTF-8, then the better of
    Windows-1250 and ISO-8859-2. The text keeps its line ends; a leading byte-order mark is dropped.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_decode_strict(data[len(bom) :], encoding, "text with a byte-order mark"), encoding)
    kind = binary_kind(data)
    if kind is not None:
        raise DecodeError(f"file is not text ({kind})")
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise DecodeError("file is not text (binary data)")
        return _checked(_decode_strict(data, encoding, "UTF-16 text"), encoding)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _checked_utf8(data, text)
    text, encoding = _best_single_byte(data)
    return _checked(text, encoding)


def _decode_strict(data: bytes, encoding: str, what: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"cannot decode: looks like {what} but is not valid {encoding}") from exc


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Refuse decoded text that is mostly control characters (binary data read as text)."""
    if text and len(_CONTROL_RE.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise DecodeError("file is not text (binary data)")
    return text, encoding


# In UTF-8 a C0 control or DEL is its own byte (no other character uses those bytes), and a C1
# control is 0xC2 followed by 0x80-0x9F (0xC2 only ever leads a sequence): counted on the bytes, with C loops.
_NOT_C0_BYTES = bytes(byte for byte in range(256) if not _CONTROL_RE.match(chr(byte)) or byte >= 0x80)
_C1_UTF8_RE = re.compile(rb"\xc2[\x80-\x9f]")


def _utf8_controls(data: bytes) -> int:
    """``len(_CONTROL_RE.findall(data.decode("utf-8")))`` for valid UTF-8 ``data``."""
    return len(data.translate(None, _NOT_C0_BYTES)) + len(_C1_UTF8_RE.findall(data))


def _checked_utf8(data: bytes, text: str) -> tuple[str, str]:
    """``_checked(text, "utf-8")`` for ``text`` decoded from the UTF-8 ``data``."""
    if text and _utf8_controls(data) > _MAX_CONTROL_SHARE * len(text):
        raise DecodeError("file is not text (binary data)")
    return text, "utf-8"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 LE/BE when NUL bytes sit in one byte lane only, as in Latin-script UTF-16 text."""
    if len(data) % 2:
        return None
    half = len(data) // 2
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls >= _UTF16_NUL_LANE_SHARE * half and even_nuls <= 0.05 * half:
        return "utf-16-le"
    if even_nuls >= _UTF16_NUL_LANE_SHARE * half and odd_nuls <= 0.05 * half:
        return "utf-16-be"
    return None


def _best_single_byte(data: bytes) -> tuple[str, str]:
    """Windows-1250 or ISO-8859-2, whichever reads as more plausible Czech/Slovak; ties go to 1250."""
    differing = [match.start() for match in _DIFFERING_BYTE_RE.finditer(data)]
    candidates: list[tuple[int, int, str, str]] = []
    for rank, encoding in enumerate(SINGLE_BYTE_ENCODINGS):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue  # Windows-1250 leaves five bytes undefined
        if _C1_RE.search(text):
            continue  # ISO-8859-2 read of Windows-1250 letters (š ť ž ...) gives C1 controls
        candidates.append((plausibility(text, differing), -rank, text, encoding))
    if not candidates:
        raise DecodeError(DECODE_FAILURE)
    _, _, text, encoding = max(candidates)
    return text, encoding


def plausibility(text: str, positions: list[int]) -> int:
    """Score one reading of single-byte text at the ``positions`` where the code pages differ.

    Letters of the languages (``data/normalise.toml``) in well-formed words count for it. Letters in
    words of odd case ("ŠKoda"), lone diacritic letters (no Czech or Slovak word is one), symbols
    placed as letters ("©koda") and letters of another language only (ľ in text with ř) count
    against it. Only words holding a differing character are
    scored: the others read the same either way.
    """
    letters = alphabet().letters
    score = 0
    scored_words: set[int] = set()
    for index in positions:
        if text[index] in _WRONG_PAGE_SYMBOLS and _misplaced_symbol(text, index):
            score -= 3
        start, end = _word_around(text, index)
        if start == end or start in scored_words:
            continue
        scored_words.add(start)
        word = text[start:end]
        found = sum(char in letters for char in word)
        well_formed = len(word) > 1 and (word.islower() or word.isupper() or word[1:].islower())
        score += found if well_formed else -2 * found
    return score - 2 * _foreign_letters(text, positions)


def _foreign_letters(text: str, positions: list[int]) -> int:
    """Letters at ``positions`` of one language only, in text that has letters of another language
    only (Slovak ľ in text with Czech ř): the mark of the wrong code page."""
    if not positions:
        return 0
    single = alphabet().single_language_letters
    present = [index for index, pattern in enumerate(alphabet().single_language_res) if pattern.search(text)]
    foreign = 0
    for index in positions:
        owners = [owner for owner, letters in enumerate(single) if text[index] in letters]
        if owners and any(other not in owners for other in present):
            foreign += 1
    return foreign


def _word_around(text: str, index: int) -> tuple[int, int]:
    """(start, end) of the run of letters holding ``index``; empty when it is not a letter."""
    if not text[index].isalpha():
        return index, index
    start, end = index, index + 1
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return start, end


def _misplaced_symbol(text: str, index: int) -> bool:
    char = text[index]
    before = index > 0 and text[index - 1].isalpha()
    after = index + 1 < len(text) and text[index + 1].isalpha()
    if char in _WRONG_PAGE_BEFORE_LETTER:
        return after
    if char in _WRONG_PAGE_INSIDE_WORD:
        return before and after
    return before or after
