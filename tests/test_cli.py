"""The `newsetl` command as a user runs it: real process, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NEWSETL = [sys.executable, "-m", "newsetl.cli"]


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*NEWSETL, *args], capture_output=True, text=True, env=os.environ.copy(), cwd=cwd, timeout=600)


def test_missing_input_is_a_usage_error(tmp_path: Path):
    result = _run("run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "input not found" in result.stderr


def test_unknown_option_is_a_usage_error():
    assert _run("run", "--bogus").returncode == 2


def test_validate_on_a_folder_without_tables_exits_2(tmp_path: Path):
    result = _run("validate", "--data", str(tmp_path))
    assert result.returncode == 2


def test_data_dictionary_is_up_to_date():
    result = _run("docs", "--check")
    assert result.returncode == 0, result.stderr


@pytest.mark.flow
def test_run_over_the_seeds_exits_0_and_prints_the_summary(seeds_dir: Path, tmp_path: Path):
    result = _run("run", "--input", str(seeds_dir), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 documents in -> 5 articles" in result.stdout
    assert "articles.parquet" in result.stdout
    assert (tmp_path / "out" / "reports" / "index.html").exists()


def test_a_second_run_on_a_locked_output_exits_2_with_the_reason(seeds_dir: Path, tmp_path: Path):
    from tasks.publish import OutputLock

    out = tmp_path / "out"
    with OutputLock(out):
        result = _run("run", "--input", str(seeds_dir), "--output", str(out))
    assert result.returncode == 2
    assert "another newsetl run" in result.stderr
    assert not (out / "articles.parquet").exists()


def test_serve_needs_exactly_one_schedule(seeds_dir: Path):
    assert _run("serve", "--input", str(seeds_dir)).returncode == 2
    assert _run("serve", "--cron", "* * * * *", "--interval", "60", "--input", str(seeds_dir)).returncode == 2


def test_normalize_prints_the_text_and_why(tmp_path: Path):
    result = _run("normalize", "KIEV said Zelenskyy’s aides ate chicken Kiev")
    assert result.returncode == 0
    assert result.stdout.strip() == "KYIV said Zelensky’s aides ate chicken Kiev"
    assert "'Zelenskyy' -> 'Zelensky'" in result.stderr
    assert "kept 'chicken Kiev'" in result.stderr


def test_a_missing_ner_model_is_a_usage_error(tmp_path: Path):
    result = _run("run", "--input", "seeds", "--output", str(tmp_path / "out"), "--ner-model", "no_such_model_xx")
    assert result.returncode == 2
    assert "not installed" in result.stderr
    assert not (tmp_path / "out").exists()
