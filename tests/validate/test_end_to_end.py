"""Validation end to end: the seeds run passes every suite; `newsetl validate` exit codes on
published tables, a copy with a duplicated article_id, and an unreadable folder; a run that
fails a critical expectation keeps the last good tables."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.publish.schema import TABLES
from tasks.validate import DEFAULT_EXPECTATIONS

pytestmark = pytest.mark.flow

NEWSETL = Path(sys.executable).with_name("newsetl")
DUPLICATE_ID = "articles.expect_column_values_to_be_unique(article_id)"


def newsetl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSETL), *args], capture_output=True, text=True, env=os.environ.copy(), timeout=600)


@pytest.fixture(scope="module")
def seeds_run(prefect_harness, seeds_dir: Path, tmp_path_factory):
    from flows.pipeline import run_pipeline

    out = tmp_path_factory.mktemp("validated-seeds") / "data"
    return run_pipeline(input_path=str(seeds_dir), output_dir=str(out)), out


def copy_tables(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for path in src.iterdir():
        if path.is_file():
            shutil.copy2(path, dst / path.name)
    return dst


def test_the_seeds_run_passes_every_suite(seeds_run):
    summary, out = seeds_run
    assert summary.validation_success and summary.published, summary.critical_failures
    report = json.loads((out / "reports" / "summary.json").read_text())
    assert report["success"] is True and report["critical_failures"] == 0
    assert set(report["tables"]) == {*TABLES, "run"}
    for table, result in report["tables"].items():
        failed = [e["name"] for e in result["expectations"] if not e["success"] and e["severity"] == "critical"]
        assert result["success"] and not failed, (table, failed)
    a = report["accounting"]
    assert a["inputs"] == summary.inputs == a["articles"] + a["duplicates"] + a["quarantined"]


def test_validate_exits_0_on_the_published_tables(seeds_run, tmp_path: Path):
    _, out = seeds_run
    result = newsetl("validate", "--data", str(out), "--report", str(tmp_path / "report"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((tmp_path / "report" / "summary.json").read_text())["success"] is True


def test_a_copy_with_one_duplicated_article_id_exits_1_and_names_it(seeds_run, tmp_path: Path):
    _, out = seeds_run
    copy = copy_tables(out, tmp_path / "copy")
    articles = pq.read_table(copy / "articles.parquet")
    pq.write_table(pa.concat_tables([articles, articles.slice(0, 1)]), copy / "articles.parquet")

    result = newsetl("validate", "--data", str(copy), "--report", str(tmp_path / "report"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAIL {DUPLICATE_ID}" in result.stdout
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert DUPLICATE_ID in summary["failing"]
    failing = next(e for e in summary["tables"]["articles"]["expectations"] if e["name"] == DUPLICATE_ID)
    assert failing["unexpected_sample"] == [articles["article_id"][0].as_py()]
    assert f"`{DUPLICATE_ID}`" in (tmp_path / "report" / "summary.md").read_text()
    assert (tmp_path / "report" / "index.html").exists()


def test_validate_exits_2_when_the_tables_cannot_be_read(tmp_path: Path):
    assert newsetl("validate", "--data", str(tmp_path / "absent")).returncode == 2
    (tmp_path / "tables").mkdir()
    for table in TABLES:
        (tmp_path / "tables" / f"{table}.parquet").write_bytes(b"not parquet at all")
    result = newsetl("validate", "--data", str(tmp_path / "tables"), "--report", str(tmp_path / "report"))
    assert result.returncode == 2, result.stdout + result.stderr


def test_a_critical_failure_keeps_the_last_good_tables(seeds_run, tmp_path: Path, seeds_dir: Path):
    from flows.pipeline import run_pipeline

    _, out = seeds_run
    data = copy_tables(out, tmp_path / "data")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    strict = tmp_path / "expectations"
    shutil.copytree(DEFAULT_EXPECTATIONS, strict)
    suite = json.loads((strict / "articles.json").read_text())
    for e in suite["expectations"]:
        if e["type"] == "expect_column_values_to_be_between" and e["kwargs"].get("column") == "word_count" \
                and e["severity"] == "critical":
            e["kwargs"]["max_value"] = 30  # every seed article is longer
    (strict / "articles.json").write_text(json.dumps(suite, indent=2, sort_keys=True) + "\n")

    summary = run_pipeline(input_path=str(seeds_dir), output_dir=str(data), expectations_dir=str(strict))
    assert not summary.validation_success and not summary.published
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before
    report = json.loads((data / "reports" / "summary.json").read_text())
    assert "articles.expect_column_values_to_be_between(word_count)" in report["failing"]
