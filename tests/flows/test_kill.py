"""SIGKILL at any moment: the previous tables stay readable, and the next run completes the set.

The CLI runs in a real process. The first kill comes by timing, while batches are being written;
the second at a fault point inside publishing (NEWSETL_FAULT), between two table moves. The runs
use a standing Prefect server: a run killed on the ephemeral API would leave Prefect's temporary
server process behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.publish import JOURNAL, read_manifest
from tasks.publish.schema import TABLES

pytestmark = [pytest.mark.flow, pytest.mark.slow]
NEWSETL = [sys.executable, "-m", "newsetl.cli", "run", "--quiet", "--batch-size", "3", "--workers", "2"]


@pytest.fixture(scope="module", autouse=True)
def api_url():
    from newsetl.runtime import local_server

    with local_server() as url:
        yield url


_API: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _api_env(api_url):
    _API["url"] = api_url


def _start(input_dir: Path, output: Path, fault: str | None = None) -> subprocess.Popen:
    env = os.environ.copy()
    env["PREFECT_API_URL"] = _API["url"]
    env.pop("NEWSETL_FAULT", None)
    if fault:
        env["NEWSETL_FAULT"] = fault
    log = open(output.parent / f"{output.name}.log", "a")  # a file, not a pipe: nothing to drain
    return subprocess.Popen(
        [*NEWSETL, "--input", str(input_dir), "--output", str(output)], env=env, stdout=log, stderr=log, text=True
    )


def _run(input_dir: Path, output: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    proc = _start(input_dir, output, fault)
    proc.wait(timeout=600)
    log = (output.parent / f"{output.name}.log").read_text()
    return subprocess.CompletedProcess(proc.args, proc.returncode, log, log)


def _tables(output: Path) -> dict:
    return {t: pq.read_table(output / f"{t}.parquet") for t in TABLES}


def _kill_while_writing(proc: subprocess.Popen, output: Path, timeout: float = 300) -> None:
    """SIGKILL as soon as the run has staged rows (it is mid-run: more batches follow)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any((output / ".staging").glob("*/articles.parquet")):
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            return
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be killed: {proc.returncode}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("run never staged any rows")


def test_two_kills_then_a_rerun_give_the_tables_of_a_clean_run(corpus, tmp_path: Path):
    old_inputs = corpus(tmp_path / "old", 12)
    inputs = corpus(tmp_path / "in", 30)

    out = tmp_path / "out"
    assert _run(old_inputs, out).returncode == 0
    old = _tables(out)

    # Kill 1: mid-run. The old tables are untouched and readable; the staging is left behind.
    _kill_while_writing(_start(inputs, out), out)
    for table, data in _tables(out).items():
        assert data.equals(old[table]), table
    assert list((out / ".staging").iterdir())

    # Kill 2: in publishing, after three of the eight tables were moved in.
    killed = _run(inputs, out, fault="mid-publish")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    staged = list((out / ".staging").iterdir())
    assert len(staged) == 1 and (staged[0] / JOURNAL).exists()  # kill 1's leftovers were cleaned up
    readable = _tables(out)  # every file is whole: the first three new, the rest still old
    assert readable["articles"].num_rows == 30
    assert readable["comments"].equals(old["comments"])

    rerun = _run(inputs, out)
    assert rerun.returncode == 0, rerun.stderr
    assert not (out / ".staging").exists()
    clean = _run(inputs, tmp_path / "clean")  # after the rest, so both see the same code
    assert clean.returncode == 0, clean.stderr
    for _ in range(3):  # the working tree may change under a long test; compare like with like
        if read_manifest(out)["code_version"] == read_manifest(tmp_path / "clean")["code_version"]:
            break
        assert _run(inputs, out).returncode == 0
        assert _run(inputs, tmp_path / "clean").returncode == 0
    for table, data in _tables(tmp_path / "clean").items():
        assert _tables(out)[table].equals(data), table
    assert read_manifest(out)["fingerprint"] == read_manifest(tmp_path / "clean")["fingerprint"]


def test_a_kill_right_after_the_commit_point_is_completed_by_the_next_run(corpus, tmp_path: Path):
    inputs = corpus(tmp_path / "in", 6)
    killed = _run(inputs, tmp_path / "out", fault="after-journal")
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "out" / "articles.parquet").exists()  # nothing moved yet

    rerun = _run(inputs, tmp_path / "out")
    assert rerun.returncode == 0, rerun.stderr
    assert read_manifest(tmp_path / "out")["articles"] == 6
    assert pq.read_table(tmp_path / "out" / "articles.parquet").num_rows == 6
