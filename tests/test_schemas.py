"""The generated schema files match the models, and records validate against them."""

import json
from pathlib import Path

import jsonschema

from pipeline.process import extract_text
from pipeline.schema_export import DATAPACKAGE, RECORD_SCHEMA, rendered
from pipeline.tables import TABLES

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_schema_files_are_up_to_date() -> None:
    for name, content in rendered().items():
        on_disk = (SCHEMAS / name).read_text(encoding="utf-8")
        assert on_disk == content, f"schemas/{name} is out of date: run `make schemas`"


def test_record_validates_against_json_schema() -> None:
    schema = json.loads((SCHEMAS / RECORD_SCHEMA).read_text(encoding="utf-8"))
    record = extract_text("Title\n\nOrganization name: CVEK\nAmount: 8 442 €\n\nThe project ran in Slovakia in May 2019.", "doc")
    jsonschema.validate(record.model_dump(mode="json"), schema)


def test_datapackage_describes_every_csv_column() -> None:
    package = json.loads((SCHEMAS / DATAPACKAGE).read_text(encoding="utf-8"))
    described = {r["path"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"] if r["format"] == "csv"}
    assert described == {t.file_name: [c.name for c in t.columns] for t in TABLES}
    for resource in package["resources"]:
        if resource["format"] == "csv":
            assert all(f["description"] and f["type"] in ("string", "integer", "number") for f in resource["schema"]["fields"])
