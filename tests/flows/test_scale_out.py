"""The flow on a local Dask cluster (prefect-dask), and on a schedule that really fires."""

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

from tasks.publish import read_manifest
from tasks.publish.schema import TABLES

pytestmark = [pytest.mark.flow, pytest.mark.slow]
NEWSETL = [sys.executable, "-m", "newsetl.cli"]


def _env() -> dict[str, str]:
    env = os.environ.copy()
    env.pop("PREFECT_API_URL", None)  # the commands must start their own server
    return env


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*NEWSETL, *args], env=_env(), capture_output=True, text=True, timeout=600)


def test_a_run_on_a_local_dask_cluster_gives_the_tables_of_a_local_run(corpus, tmp_path: Path):
    inputs = corpus(tmp_path / "in", 10)
    for _ in range(3):  # the working tree may change between the two runs; compare like with like
        dask = _run("run", "-q", "-i", str(inputs), "-o", str(tmp_path / "dask"), "--batch-size", "3",
                    "--task-runner", "dask", "--workers", "2", "--full")
        assert dask.returncode == 0, dask.stdout + dask.stderr
        local = _run("run", "-q", "-i", str(inputs), "-o", str(tmp_path / "local"), "--batch-size", "5",
                     "--workers", "1", "--full")
        assert local.returncode == 0, local.stdout + local.stderr
        if read_manifest(tmp_path / "dask")["code_version"] == read_manifest(tmp_path / "local")["code_version"]:
            break
    assert read_manifest(tmp_path / "dask")["articles"] == 10
    for table in TABLES:
        a = pq.read_table(tmp_path / "dask" / f"{table}.parquet")
        b = pq.read_table(tmp_path / "local" / f"{table}.parquet")
        assert a.equals(b), table


def test_serve_with_a_cron_schedule_fires_and_publishes_then_stops_its_server(corpus, tmp_path: Path):
    inputs = corpus(tmp_path / "in", 4)
    out = tmp_path / "out"
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen(
        [*NEWSETL, "serve", "--cron", "* * * * *", "-i", str(inputs), "-o", str(out), "--workers", "1"],
        env=_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 200  # server start, the next minute, the run itself
        while not (out / "_manifest.json").exists():
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(1)
        manifest = json.loads((out / "_manifest.json").read_text())
        assert manifest["articles"] == 4
        assert pq.read_table(out / "articles.parquet").num_rows == 4
        server_log = Path(os.environ["PREFECT_HOME"]) / "server.log"
        assert server_log.exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert "stopped" in (tmp_path / "serve.log").read_text()
    # The server it started is gone with it: nothing in its session is left.
    time.sleep(2)
    left = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert left == []
