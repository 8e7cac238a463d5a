"""Evidence spans: every extracted value points at the exact text it came from."""

from __future__ import annotations

from pipeline.models import Evidence


def make_evidence(text: str, start: int, end: int) -> Evidence:
    """Evidence for ``text[start:end]``, trimmed of surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(start=start, end=end, text=text[start:end])
