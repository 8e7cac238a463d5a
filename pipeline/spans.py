"""Evidence spans: every extracted value points at the exact text it came from."""

from __future__ import annotations

from pipeline.models import Evidence


def make_evidence(text: str, start: int, end: int) -> Evidence:
    """Evidence for ``text[start:end]``, trimmed of surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    # the model's validator given a dict: the same checks, without the keyword-argument constructor's cost
    return _validate_evidence({"start": start, "end": end, "text": text[start:end]})


_validate_evidence = Evidence.__pydantic_validator__.validate_python
