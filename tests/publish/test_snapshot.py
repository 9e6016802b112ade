"""Publishing a table set as one: journal, recovery after a kill, the lock, the incremental cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.publish import (
    JOURNAL,
    MANIFEST,
    ROW_ORDER,
    OutputLock,
    OutputLocked,
    PreviousRun,
    TableWriter,
    code_version,
    fetch_published,
    inputs_fingerprint,
    mirror_published,
    publish_staged,
    read_manifest,
    recover,
    staging_dir,
)
from tasks.publish.schema import TABLES


def _article(n: int, lexicon: str = "lex1") -> dict:
    return {
        "article_id": f"a{n}", "source_path": f"{n:03d}.txt", "source_format": "text", "encoding": "utf-8",
        "url": None, "outlet": None, "title": f"Title {n}", "title_normalized": f"Title {n}", "author": None,
        "published_at": None, "language": "en", "text": f"Body {n}", "text_normalized": f"Body {n}",
        "word_count": 2, "extractor": "text-classifier", "sha256": f"{n:064x}", "lexicon_version": lexicon,
    }


def _comment(n: int, position: int) -> dict:
    return {"article_id": f"a{n}", "author": "reader", "posted_at": None, "text": f"c{n}.{position}", "position": position}


def _stage(out: Path, run: str, articles: list[int], lexicon: str = "lex1") -> Path:
    """A staged table set of the given articles (each with two comments)."""
    staged = staging_dir(out, run)
    writer = TableWriter(staged)
    writer.write("articles", [_article(n, lexicon) for n in articles])
    writer.write("comments", [_comment(n, p) for n in articles for p in (0, 1)])
    writer.close()
    return staged


def _manifest(run: str, **extra) -> dict:
    return {"run": run, "row_order": ROW_ORDER, **extra}


def test_publish_moves_the_set_in_and_leaves_only_tables_and_manifest(tmp_path: Path):
    out = tmp_path / "out"
    staged = _stage(out, "r1", [1, 2])
    publish_staged(staged, out, _manifest("r1"))
    assert not (out / ".staging").exists()
    assert read_manifest(out)["run"] == "r1"
    assert pq.read_table(out / "articles.parquet").num_rows == 2


def test_recover_finishes_a_publish_killed_between_two_moves(tmp_path: Path):
    out = tmp_path / "out"
    publish_staged(_stage(out, "old", [1]), out, _manifest("old"))
    staged = _stage(out, "new", [1, 2, 3])
    (staged / JOURNAL).write_text(json.dumps({"tables": list(TABLES), "manifest": _manifest("new")}))
    os.replace(staged / "articles.parquet", out / "articles.parquet")  # the kill came after one move
    assert pq.read_table(out / "comments.parquet").num_rows == 2  # old comments beside new articles

    assert recover(out) == ["completed new"]

    assert pq.read_table(out / "articles.parquet").num_rows == 3
    assert pq.read_table(out / "comments.parquet").num_rows == 6
    assert read_manifest(out)["run"] == "new"
    assert not (out / ".staging").exists()


def test_recover_drops_a_run_killed_before_its_journal_and_keeps_the_old_tables(tmp_path: Path):
    out = tmp_path / "out"
    publish_staged(_stage(out, "old", [1]), out, _manifest("old"))
    before = {t: pq.read_table(out / f"{t}.parquet") for t in TABLES}
    _stage(out, "killed", [1, 2, 3])
    (out / ".staging" / "killed" / "articles.parquet").write_bytes(b"PAR1 half a file")

    assert recover(out) == ["discarded killed"]

    assert not (out / ".staging").exists()
    assert read_manifest(out)["run"] == "old"
    for table, data in before.items():
        assert pq.read_table(out / f"{table}.parquet").equals(data), table


def test_a_second_lock_on_the_same_output_is_refused_until_the_first_is_released(tmp_path: Path):
    with OutputLock(tmp_path):
        with pytest.raises(OutputLocked, match=f"pid {os.getpid()}"):
            with OutputLock(tmp_path):
                pass
    with OutputLock(tmp_path):
        pass


def test_a_lock_held_by_a_killed_process_is_free_again(tmp_path: Path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from tasks.publish import OutputLock\n"
         f"with OutputLock({str(tmp_path)!r}):\n    print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(OutputLocked):
        with OutputLock(tmp_path):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    with OutputLock(tmp_path):
        pass


def test_previous_run_serves_rows_of_unchanged_articles_batch_by_batch(tmp_path: Path):
    out = tmp_path / "out"
    publish_staged(_stage(out, "r1", [1, 2, 3, 4, 5]), out, _manifest("r1", code_version="c1", lexicon_version="lex1"))
    cache = PreviousRun(out, "c1", "lex1")
    assert cache.usable
    assert cache.article_of("002.txt", f"{2:064x}") == "a2"
    assert cache.article_of("002.txt", f"{9:064x}") is None  # same path, changed content

    first = cache.rows(["a1", "a3"])  # a2 is skipped (changed or gone)
    assert [r["text"] for r in first["articles"]["a1"]] == ["Body 1"]
    assert [r["text"] for r in first["comments"]["a3"]] == ["c3.0", "c3.1"]
    assert "a2" not in first["articles"]
    second = cache.rows(["a5"])
    assert [r["position"] for r in second["comments"]["a5"]] == [0, 1]
    assert set(second["articles"]) == {"a5"}


@pytest.mark.parametrize(
    ("code", "lexicon"), [("c2", "lex1"), ("c1", "lex2")], ids=["new-code-version", "new-lexicon-version"]
)
def test_previous_run_is_not_used_across_versions(tmp_path: Path, code: str, lexicon: str):
    out = tmp_path / "out"
    publish_staged(_stage(out, "r1", [1]), out, _manifest("r1", code_version="c1", lexicon_version="lex1"))
    cache = PreviousRun(out, code, lexicon)
    assert not cache.usable
    assert cache.article_of("001.txt", f"{1:064x}") is None


def test_fingerprint_changes_with_content_and_versions_but_not_with_mtime(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    base = inputs_fingerprint([("a.txt", f)], "code1")
    os.utime(f, (time.time() + 100, time.time() + 100))
    assert inputs_fingerprint([("a.txt", f)], "code1") == base
    assert inputs_fingerprint([("a.txt", f)], "code2") != base
    f.write_text("two")
    assert inputs_fingerprint([("a.txt", f)], "code1") != base


def test_code_version_names_the_package_version_and_a_hash_of_the_code():
    import newsetl

    version, _, digest = code_version().partition("+")
    assert version == newsetl.__version__
    assert len(digest) == 12 and int(digest, 16) >= 0


def test_tables_mirror_to_an_fsspec_url_and_come_back(tmp_path: Path):
    import fsspec

    out = tmp_path / "out"
    publish_staged(_stage(out, "r1", [1, 2]), out, _manifest("r1"))
    url = "memory://newsetl-test/published"
    written = mirror_published(out, url)
    assert written[-1].endswith(MANIFEST)  # the manifest goes last
    fs = fsspec.filesystem("memory")
    with fs.open("/newsetl-test/published/articles.parquet", "rb") as f:
        assert pq.read_table(f).equals(pq.read_table(out / "articles.parquet"))

    copy = tmp_path / "copy"
    fetch_published(url, copy)
    assert read_manifest(copy)["run"] == "r1"
    assert pq.read_table(copy / "comments.parquet").num_rows == 4
    fs.rm("/newsetl-test", recursive=True)
