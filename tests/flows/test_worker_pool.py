"""The chain's process pool renews its workers every so many batches without losing or
reordering work, and a run with renewals gives the tables a run without them gives."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import flows.pipeline as pipeline
from tasks.publish.schema import TABLES

pytestmark = pytest.mark.flow


def _pid_after(value: int) -> tuple[int, int]:
    return value, os.getpid()


def test_workers_are_replaced_after_each_pools_share_of_tasks():
    with pipeline._RenewedPool(2, tasks_per_pool=3) as pool:
        results = [pool.submit(_pid_after, k).result(timeout=120) for k in range(9)]
    assert [value for value, _ in results] == list(range(9))
    generations = [{pid for _, pid in results[g : g + 3]} for g in (0, 3, 6)]
    assert generations[0].isdisjoint(generations[1])
    assert generations[1].isdisjoint(generations[2])
    assert os.getpid() not in set().union(*generations)


def test_renewal_under_concurrent_submitters_loses_nothing():
    """Prefect submits batches from several threads at once, as the flow's window allows."""
    with pipeline._RenewedPool(2, tasks_per_pool=2) as pool, ThreadPoolExecutor(4) as threads:
        futures = [threads.submit(lambda k=k: pool.submit(_pid_after, k).result(timeout=120)) for k in range(12)]
        results = [f.result(timeout=300) for f in futures]
    assert sorted(value for value, _ in results) == list(range(12))
    assert len({pid for _, pid in results}) >= 6  # at least three pools of two workers


def test_a_run_with_renewed_workers_gives_the_same_tables(prefect_harness, corpus, tmp_path, monkeypatch):
    inputs = corpus(tmp_path / "in", 12)
    plain = pipeline.run_pipeline(input_path=str(inputs), output_dir=str(tmp_path / "plain"), batch_size=2, workers=1)
    monkeypatch.setattr(pipeline, "DOCUMENTS_PER_POOL", 4)  # new workers every two batches
    renewed = pipeline.run_pipeline(
        input_path=str(inputs), output_dir=str(tmp_path / "renewed"), batch_size=2, workers=2
    )
    assert plain.published and renewed.published
    assert renewed.articles == plain.articles == 12
    for table in TABLES:
        a = pq.read_table(Path(plain.output_dir) / f"{table}.parquet")
        b = pq.read_table(Path(renewed.output_dir) / f"{table}.parquet")
        assert a.equals(b), table
