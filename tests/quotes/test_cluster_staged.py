"""Clustering a staged quotes table gives the clusters of the in-memory rows, with datasketch's MinHash."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from datasketch import MinHash

from tasks.publish.schema import QUOTES
from tasks.quotes.cluster import NUM_PERM, _shingle_hash, cluster_quotes, cluster_staged_quotes, minhash_values, shingles
from tasks.records import content_id

sys.path.insert(0, str(Path(__file__).parent))
from quote_rows import quote_row, write_staged  # noqa: E402

WORDS = "we will never recognise these occupied territories as part of russia and the sanctions stay until troops leave".split()


def _rows(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        words = WORDS[rng.randrange(0, 6) :][: rng.choice([1, 2, 4, 8, 12, 20])]
        text = " ".join(words) if rng.random() < 0.8 else " … ".join([" ".join(words[:3]), " ".join(words[5:])])
        speaker = rng.choice(["Volodymyr Zelensky", "Zelensky", "Olaf Scholz", None])
        eid = "person:olaf-scholz" if speaker == "Olaf Scholz" and rng.random() < 0.5 else None
        rows.append(quote_row(f"a{k % 9}", text, speaker, eid, quote_id=content_id(f"a{k}", text)))
    return rows


def test_minhash_values_are_datasketchs():
    sets = [sorted(shingles(" ".join(WORDS[i:]))) for i in range(0, 10)]
    hashes = np.frombuffer(b"".join(_shingle_hash(s) for shs in sets for s in shs), dtype="<u8")
    values = minhash_values(hashes, np.array([len(s) for s in sets]))
    expected = MinHash.bulk([[s.encode("utf-8") for s in shs] for shs in sets], num_perm=NUM_PERM)
    for got, m in zip(values, expected):
        assert np.array_equal(got, m.hashvalues[: values.shape[1]])


def test_staged_table_is_rewritten_with_the_clusters_of_the_rows(tmp_path):
    rows = _rows(300)
    path = write_staged(tmp_path / "quotes.parquet", rows, 64)
    cluster_quotes(rows)
    assert len({r["quote_cluster_id"] for r in rows}) < len(rows) / 2

    assert cluster_staged_quotes(path) == len(rows)
    table = pq.read_table(path)
    assert table.schema == QUOTES
    assert table.column("quote_cluster_id").to_pylist() == [r["quote_cluster_id"] for r in rows]
    assert table.drop(["quote_cluster_id"]).to_pylist() == [{k: v for k, v in r.items() if k != "quote_cluster_id"} for r in rows]
    assert [p.name for p in tmp_path.iterdir()] == ["quotes.parquet"]


def test_an_empty_staged_table_is_left_as_it_is(tmp_path):
    path = tmp_path / "quotes.parquet"
    pq.ParquetWriter(path, QUOTES).close()
    assert cluster_staged_quotes(path) == 0
    assert pq.read_table(path).num_rows == 0
