"""Process-wide helpers the CLI uses before importing the stages."""

from __future__ import annotations

from pathlib import Path

from newsetl.runtime import more_files_than


def test_more_files_than_counts_files_in_subfolders(tmp_path: Path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "3.html").write_text("x")
    assert more_files_than(tmp_path, 3)
    assert not more_files_than(tmp_path, 4)


def test_a_single_file_is_never_more_than_a_batch(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("{}\n" * 10)
    assert not more_files_than(feed, 1)
    assert not more_files_than(tmp_path / "missing", 0)
