"""Keep the suites in `expectations/` reviewable and in step with the table contract.

    python -m tasks.validate.suites --check   # exit 1 and list problems
    python -m tasks.validate.suites --write   # rewrite every suite in the canonical format

Canonical format: sorted keys, two-space indent, UTF-8, one trailing newline, so that a changed
rule shows as a small diff. The check also holds each suite to tasks/publish/schema.py: exact
column set, one type expectation per column, a severity and a note on every expectation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pyarrow as pa

from tasks.publish.schema import TABLES
from tasks.validate.derived import DERIVED_COLUMNS

DEFAULT_EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"

SEVERITIES = {"critical", "warning"}


def canonical(suite: dict) -> str:
    return json.dumps(suite, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def pandas_type_name(arrow_type: pa.DataType) -> str:
    """The `type_` of expect_column_values_to_be_of_type for a column as validation reads it."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "str"
    if pa.types.is_integer(arrow_type):
        return str(arrow_type)  # int32, int64 (read as nullable Int32/Int64, same scalar type)
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_timestamp(arrow_type):
        return "Timestamp"  # tz-aware only: a naive column reads as datetime64 and fails
    if pa.types.is_list(arrow_type):
        return "list"
    raise ValueError(f"no pandas type name for {arrow_type}")


def problems(path: Path) -> list[str]:
    """What is wrong with one suite file (empty when it is fine)."""
    text = path.read_text(encoding="utf-8")
    try:
        suite = json.loads(text)
    except ValueError as exc:
        return [f"{path.name}: not JSON ({exc})"]
    out = []
    if text != canonical(suite):
        out.append(f"{path.name}: not in canonical format (run python -m tasks.validate.suites --write)")
    table = suite.get("name")
    if table != path.stem or table not in TABLES:
        return out + [f"{path.name}: suite name {table!r} is not a table named after the file"]
    schema = TABLES[table]
    expected_columns = schema.names + DERIVED_COLUMNS.get(table, [])
    types: dict[str, str] = {}
    column_sets = []
    for i, e in enumerate(suite.get("expectations", [])):
        where = f"{path.name}[{i}] {e.get('type')}"
        if e.get("severity") not in SEVERITIES:
            out.append(f"{where}: severity {e.get('severity')!r} is not critical or warning")
        if not (e.get("meta") or {}).get("notes"):
            out.append(f"{where}: no meta.notes saying why the rule exists")
        kwargs = e.get("kwargs", {})
        if e.get("type") == "expect_column_values_to_be_of_type":
            types[kwargs.get("column")] = kwargs.get("type_")
        if e.get("type") == "expect_table_columns_to_match_set":
            column_sets.append(kwargs)
        column = kwargs.get("column")
        if column is not None and column not in expected_columns:
            out.append(f"{where}: column {column!r} is not in the {table} table")
    if not any(sorted(c.get("column_set", [])) == sorted(expected_columns) and c.get("exact_match") for c in column_sets):
        out.append(f"{path.name}: no exact expect_table_columns_to_match_set of the schema's columns {expected_columns}")
    for f in schema:
        want = pandas_type_name(f.type)
        if types.get(f.name) != want:
            out.append(f"{path.name}: column {f.name!r} needs expect_column_values_to_be_of_type type_={want!r}, has {types.get(f.name)!r}")
    return out


def check_all(directory: Path) -> list[str]:
    found = {p.stem: p for p in sorted(directory.glob("*.json"))}
    out = [f"{t}: no suite {directory / (t + '.json')}" for t in TABLES if t not in found]
    for path in found.values():
        out += problems(path)
    return out


def write_all(directory: Path) -> list[Path]:
    changed = []
    for path in sorted(directory.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        new = canonical(json.loads(text))
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tasks.validate.suites", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_EXPECTATIONS)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="report problems; exit 1 if any")
    mode.add_argument("--write", action="store_true", help="rewrite suites in canonical format")
    args = parser.parse_args(argv)
    if args.write:
        for path in write_all(args.dir):
            print(f"formatted {path}")
    found = check_all(args.dir)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
