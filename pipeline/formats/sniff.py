"""What a file's first bytes say it is, for messages about a file whose suffix does not match."""

from __future__ import annotations

import codecs

from pipeline.ingest import binary_kind

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
_RTF_START = b"{\\rtf"


def content_kind(data: bytes) -> str:
    """A short name of what the bytes are: "PNG image", "HTML page", "RTF document", "text" ..."""
    kind = binary_kind(data)
    if kind is not None:
        return kind
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS) or b"<html" in head:
        return "HTML page"
    if head.startswith(_RTF_START):
        return "RTF document"
    if not data:
        return "nothing (empty file)"
    try:
        # incremental: a character cut at the end of the sample is not an error
        codecs.getincrementaldecoder("utf-8")().decode(data[:4096], final=False)
    except UnicodeDecodeError:
        return "unknown data"
    return "text"
