"""Generate ``schemas/``: the record's JSON Schema and the CSV data dictionary (datapackage.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.models import ErrorEntry, Record
from pipeline.tables import TABLES
from pipeline.write import ERRORS_JSONL, RECORDS_JSONL

RECORD_SCHEMA = "record.schema.json"
ERROR_SCHEMA = "error.schema.json"
DATAPACKAGE = "datapackage.json"


def record_schema() -> dict:
    return Record.model_json_schema()


def error_schema() -> dict:
    return ErrorEntry.model_json_schema()


def datapackage() -> dict:
    """A Frictionless Data Package descriptor describing every output file and CSV column."""
    resources = [
        {
            "name": table.name,
            "path": table.file_name,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": table.description,
            "schema": {
                "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in table.columns],
                "missingValues": [""],
            },
        }
        for table in TABLES
    ]
    resources.append(
        {"name": "records", "path": RECORDS_JSONL, "format": "jsonl", "mediatype": "application/jsonl",
         "encoding": "utf-8", "description": "One JSON record per document (schema: record.schema.json).",
         "schema": RECORD_SCHEMA}
    )
    resources.append(
        {"name": "errors", "path": ERRORS_JSONL, "format": "jsonl", "mediatype": "application/jsonl",
         "encoding": "utf-8", "description": "One line per document that could not be processed.",
         "schema": ERROR_SCHEMA}
    )
    return {"name": "project-reports", "title": "Records extracted from project reports", "resources": resources}


def rendered() -> dict[str, str]:
    """File name -> content of every generated schema file."""
    def dump(data: dict) -> str:
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    return {RECORD_SCHEMA: dump(record_schema()), ERROR_SCHEMA: dump(error_schema()), DATAPACKAGE: dump(datapackage())}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in rendered().items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(written)
