"""The run manifest: what produced the outputs in a folder, so a later run redoes only what changed.

Per document: its source, sha256, size and modification time, and whether it became a record or an
error; for the whole folder: the pipeline version and a fingerprint of the rules (code and data files).
A different version or fingerprint makes the next run reprocess everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.models import PIPELINE_VERSION

MANIFEST_JSON = "manifest.json"
logger = logging.getLogger(__name__)


class DocumentState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    sha256: str
    size: int
    mtime_ns: int
    outcome: Literal["record", "error"]
    language: str | None = None
    found: list[str] = []  # fields the record has (for the run summary without reading records)


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pipeline_version: str
    rules: str
    documents: dict[str, DocumentState]

    def matches_rules(self) -> bool:
        return self.pipeline_version == PIPELINE_VERSION and self.rules == rules_fingerprint()


@cache
def rules_fingerprint() -> str:
    """sha256 over the package's code and data files: any change to a rule changes it."""
    digest = hashlib.sha256()
    root = resources.files("pipeline")
    files = sorted(_package_files(root), key=lambda item: item[0])
    for relative, entry in files:
        digest.update(relative.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def _package_files(folder, prefix: str = ""):  # type: ignore[no-untyped-def]
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _package_files(entry, f"{name}/")
        elif entry.name.endswith((".py", ".toml")):
            yield name, entry


def load_manifest(output_dir: Path) -> Manifest | None:
    """The folder's manifest, or None when there is none or it cannot be read (then all is redone)."""
    path = output_dir / MANIFEST_JSON
    if not path.exists():
        return None
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError) as exc:
        logger.warning("ignoring unreadable manifest %s (%s); everything is processed again", path, exc)
        return None


def render_manifest(documents: dict[str, DocumentState]) -> str:
    manifest = Manifest(pipeline_version=PIPELINE_VERSION, rules=rules_fingerprint(), documents=dict(sorted(documents.items())))
    return json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
