"""Incremental runs: unchanged inputs keep their rows, and the tables equal a full run's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.publish.schema import TABLES

pytestmark = pytest.mark.flow


def run(input_dir: Path, output: Path, **kw):
    from flows.pipeline import run_pipeline

    return run_pipeline(input_path=str(input_dir), output_dir=str(output), batch_size=4, **kw)


def tables(output: Path) -> dict:
    return {t: pq.read_table(output / f"{t}.parquet") for t in TABLES}


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for t in TABLES:
        assert ta[t].equals(tb[t]), f"{t} differs"


@pytest.fixture
def inputs(tmp_path: Path, corpus) -> Path:
    """Eight articles, an exact copy of one, and a stub that extract quarantines."""
    folder = corpus(tmp_path / "in", 8)
    shutil.copy(folder / "0000003.txt", folder / "dup.txt")
    (folder / "stub.txt").write_text("Breaking\n\nMore soon.\n")
    return folder


def test_adding_inputs_reuses_the_old_rows_and_equals_a_full_run(prefect_harness, inputs: Path, tmp_path: Path, corpus):
    first = run(inputs, tmp_path / "inc")
    assert first.published and first.reused == 0
    assert (first.articles, first.duplicates, first.quarantined) == (8, 1, 1)

    corpus(inputs, 4, start=8)
    (inputs / "empty.txt").write_text("   \n")
    second = run(inputs, tmp_path / "inc")
    assert second.published
    assert second.reused == 8
    assert second.stage_stats["extract"]["in"] == 4  # only the new articles were extracted
    assert (second.articles, second.duplicates, second.quarantined) == (12, 1, 2)

    full = run(inputs, tmp_path / "full", incremental=False)
    assert full.reused == 0
    assert_same_tables(tmp_path / "inc", tmp_path / "full")


def test_changed_and_removed_inputs_are_redone_and_dropped(prefect_harness, inputs: Path, tmp_path: Path):
    run(inputs, tmp_path / "inc")
    changed = inputs / "0000002.txt"
    changed.write_text(changed.read_text().replace("By ", "An extra first paragraph with enough words to matter here.\n\nBy ", 1))
    (inputs / "0000005.txt").unlink()

    again = run(inputs, tmp_path / "inc")
    assert again.reused == 6
    assert again.articles == 7
    paths = pq.read_table(tmp_path / "inc" / "articles.parquet").column("source_path").to_pylist()
    assert "0000005.txt" not in paths and "0000002.txt" in paths

    run(inputs, tmp_path / "full", incremental=False)
    assert_same_tables(tmp_path / "inc", tmp_path / "full")


def test_a_rerun_without_changes_does_nothing(prefect_harness, inputs: Path, tmp_path: Path):
    run(inputs, tmp_path / "out")
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.parquet")}
    again = run(inputs, tmp_path / "out")
    assert again.unchanged and not again.published
    assert again.articles == 8 and again.validation_success
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.parquet")} == stamps


def test_a_new_lexicon_version_reprocesses_everything(prefect_harness, inputs: Path, tmp_path: Path, monkeypatch):
    import flows.pipeline

    run(inputs, tmp_path / "out")
    monkeypatch.setattr(flows.pipeline, "LEXICON_VERSION", "next-lexicon")
    again = run(inputs, tmp_path / "out")
    assert again.published and not again.unchanged
    assert again.reused == 0
    assert again.stage_stats["extract"]["in"] == 9  # eight articles and the stub; the copy is caught by bytes
    versions = set(pq.read_table(tmp_path / "out" / "articles.parquet").column("lexicon_version").to_pylist())
    assert versions == {"next-lexicon"}
