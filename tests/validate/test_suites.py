"""The suites stay reviewable (canonical JSON) and in step with the table contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tasks.validate.suites import DEFAULT_EXPECTATIONS, canonical, check_all, main, write_all


def test_suites_are_canonical_and_match_the_schema():
    assert check_all(DEFAULT_EXPECTATIONS) == []


def test_suites_are_sorted_and_indented_for_review():
    for path in DEFAULT_EXPECTATIONS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n", path


def _copy(tmp_path: Path) -> Path:
    out = tmp_path / "expectations"
    shutil.copytree(DEFAULT_EXPECTATIONS, out)
    return out


def test_the_check_catches_drift_from_the_schema(tmp_path: Path):
    suites = _copy(tmp_path)
    path = suites / "quotes.json"
    suite = json.loads(path.read_text())
    suite["expectations"] = [
        e for e in suite["expectations"]
        if not (e["type"] == "expect_column_values_to_be_of_type" and e["kwargs"]["column"] == "verb")
    ]
    suite["expectations"][0]["meta"] = {}
    path.write_text(json.dumps(suite))  # neither sorted nor indented
    found = check_all(suites)
    assert any("not in canonical format" in p for p in found)
    assert any("'verb' needs expect_column_values_to_be_of_type type_='str'" in p for p in found)
    assert any("no meta.notes" in p for p in found)
    assert main(["--check", "--dir", str(suites)]) == 1


def test_write_formats_without_changing_content(tmp_path: Path):
    suites = _copy(tmp_path)
    path = suites / "articles.json"
    original = json.loads(path.read_text())
    path.write_text(json.dumps(original))
    assert write_all(suites) == [path]
    assert path.read_text() == canonical(original)
    assert main(["--check", "--dir", str(suites)]) == 0
