"""End to end: the real `newsetl run` over a folder of hostile inputs.

Exit 0; every input in exactly one of articles, duplicates or quarantine, for the right reason;
decoded text right; nothing written outside the output folder; peak memory bounded.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from corpus import MAX_BYTES, TIME_LIMIT, write_corpus  # noqa: E402

pytestmark = pytest.mark.slow

NEWSETL = Path(sys.executable).with_name("newsetl")
MAX_RSS_BYTES = 2 * 1024**3
HANG_GUARD_SECONDS = 900  # not a speed target (see bench/): only stops a hung run failing CI late
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (links not followed) with its content hash or link target."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[rel] = "dir"
    return out


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    sandbox = tmp_path_factory.mktemp("hostile")
    inputs, outside, output = sandbox / "in", sandbox / "outside", sandbox / "out"
    expected = write_corpus(inputs, outside)
    for scratch in ("prefect", "tmp", "home"):
        (sandbox / scratch).mkdir()
    before = {"in": _snapshot(inputs), "outside": _snapshot(outside)}
    env = {
        **os.environ,
        "PREFECT_HOME": str(sandbox / "prefect"),
        "TMPDIR": str(sandbox / "tmp"),
        "HOME": str(sandbox / "home"),
        "NEWSETL_DOC_TIME_LIMIT": str(TIME_LIMIT),
    }
    # Run from inside the sandbox: a relative path written by mistake would land here and show.
    logs = tmp_path_factory.mktemp("hostile-logs")
    with open(logs / "stdout", "wb") as out, open(logs / "stderr", "wb") as err:
        proc = subprocess.Popen(
            [str(NEWSETL), "run", "--input", "in", "--output", "out", "--max-bytes", str(MAX_BYTES), "--quiet"],
            cwd=sandbox,
            env=env,
            stdout=out,
            stderr=err,
        )
        guard = threading.Timer(HANG_GUARD_SECONDS, proc.kill)
        guard.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # the child's own resource usage, peak RSS in KiB
        finally:
            guard.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    tables = {}
    if (output / "articles.parquet").exists():
        tables = {t: pq.read_table(output / f"{t}.parquet").to_pylist() for t in ("articles", "duplicates", "quarantine")}
    return {
        "sandbox": sandbox,
        "expected": expected,
        "before": before,
        "returncode": proc.returncode,
        "stderr": (logs / "stderr").read_text("utf-8", "replace"),
        "peak_rss": usage.ru_maxrss * 1024,
        "tables": tables,
    }


def test_run_exits_0(hostile_run):
    assert hostile_run["returncode"] == 0, hostile_run["stderr"][-3000:]


def test_every_input_is_accounted_for_exactly_once(hostile_run):
    tables = hostile_run["tables"]
    seen = [(row["source_path"], table) for table, rows in tables.items() for row in rows]
    paths = [path for path, _ in seen]
    assert sorted(paths) == sorted(hostile_run["expected"]), "inputs missing or extra"
    assert len(paths) == len(set(paths)), "an input is in more than one row"
    got = dict(seen)
    assert {p: e.table for p, e in hostile_run["expected"].items()} == got


def test_quarantine_reasons(hostile_run):
    reasons = {row["source_path"]: row["reason"] for row in hostile_run["tables"]["quarantine"]}
    expected = {p: e.reason for p, e in hostile_run["expected"].items() if e.table == "quarantine"}
    assert reasons == expected
    assert all(row["detail"] for row in hostile_run["tables"]["quarantine"])


def test_articles_are_decoded_right(hostile_run):
    articles = {row["source_path"]: row for row in hostile_run["tables"]["articles"]}
    for path, e in hostile_run["expected"].items():
        if e.table != "articles":
            continue
        row = articles[path]
        assert row["encoding"] == e.encoding, path
        assert e.marker in row["text"], path
        assert not CONTROL.search(row["text"]), path
        assert "\ufffd" not in row["text"], path
    assert "\u201cwe will not back down\u201d" in articles["cp1252.txt"]["text"]
    assert "Министерство энергетики Украины" in articles["cp1251.txt"]["text"]
    assert "réforme des retraites" in articles["latin1.txt"]["text"]
    assert "SECRET" not in " ".join(row["text"] for row in articles.values())


def test_exact_copy_is_a_duplicate_of_the_first(hostile_run):
    [row] = hostile_run["tables"]["duplicates"]
    expected = hostile_run["expected"][row["source_path"]]
    assert (row["duplicate_of"], row["kind"]) == (expected.duplicate_of, "exact")
    kept = {r["article_id"] for r in hostile_run["tables"]["articles"] if r["source_path"] == expected.duplicate_of}
    assert kept == {row["article_id"]}


def test_nothing_is_written_outside_the_output_folder(hostile_run):
    sandbox = hostile_run["sandbox"]
    assert _snapshot(sandbox / "in") == hostile_run["before"]["in"]
    assert _snapshot(sandbox / "outside") == hostile_run["before"]["outside"]
    assert sorted(p.name for p in sandbox.iterdir()) == ["home", "in", "out", "outside", "prefect", "tmp"]
    assert list((sandbox / "home").iterdir()) == []
    assert list((sandbox / "tmp").iterdir()) == []
    assert not (sandbox / "out" / ".staging").exists()


def test_peak_memory_is_bounded(hostile_run):
    print(f"hostile run peak RSS: {hostile_run['peak_rss'] / 1024**2:.0f} MiB")
    assert hostile_run["peak_rss"] < MAX_RSS_BYTES
