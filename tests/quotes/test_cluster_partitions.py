"""Clustering sorts the shingles in hash ranges spilled to disk: how many ranges never changes a cluster."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.publish.schema import QUOTES
from tasks.quotes import cluster
from tasks.quotes.cluster import cluster_quotes, cluster_staged_quotes

sys.path.insert(0, str(Path(__file__).parent))
from quote_rows import quote_row, write_staged  # noqa: E402

UTTERANCES = [
    "We will never recognise these territories as Russian and we will return them by diplomacy and not by weapons",
    "The reconstruction of the energy grid will take years and our partners must help us before the winter comes",
    "Sanctions must stay in place until every Russian soldier has left the occupied territories of our country",
]
VOCABULARY = [f"w{k}" for k in range(400)]


def reports(u: int, text: str) -> list[dict]:
    """One utterance as outlets give it: whole twice, cut, elided, with an editorial bracket."""
    words = text.split()
    return [
        quote_row(f"u{u}-a", text),
        quote_row(f"u{u}-b", text, "Zelensky"),
        quote_row(f"u{u}-c", " ".join(words[:12])),
        quote_row(f"u{u}-d", " ".join(words[:6]) + " … " + " ".join(words[-6:])),
        quote_row(f"u{u}-e", " ".join(words[:5] + ["[Kyiv]"] + words[6:])),
    ]


def corpus() -> tuple[list[dict], list[tuple[list[int], list[int]]]]:
    """Rows, and the groups of rows that must share one cluster with the groups' rows whose
    smallest quote_id is the cluster's (a fragment takes its host's). Other rows stand alone."""
    rng = random.Random(3)
    rows, groups = [], []
    for u, text in enumerate(UTTERANCES):
        group = list(range(len(rows), len(rows) + 5))
        groups.append((group, group))
        rows += reports(u, text)
    host = "I think this is a good compromise for everybody and we are ready to talk"
    groups.append(([len(rows), len(rows) + 1], [len(rows)]))
    rows += [quote_row("f-a", host, "Emmanuel Macron"), quote_row("f-a", "compromise", "Emmanuel Macron")]
    for k in range(300):  # unrelated quotes: words of their own, so many distinct shingles
        rows.append(quote_row(f"x{k % 40}", " ".join(rng.sample(VOCABULARY, rng.randint(3, 25))), rng.choice([None, "Olaf Scholz"])))
    order = list(range(len(rows)))
    rng.shuffle(order)
    place = {old: new for new, old in enumerate(order)}
    return [rows[k] for k in order], [([place[k] for k in group], [place[k] for k in bearers]) for group, bearers in groups]


def clusters(partitions: int) -> list[str]:
    rows, _ = corpus()
    cluster_quotes(rows, partitions=partitions)
    return [r["quote_cluster_id"] for r in rows]


def test_the_clusters_are_the_expected_ones_however_many_hash_ranges():
    rows, groups = corpus()
    single = clusters(1)
    grouped = {k for group, _ in groups for k in group}
    for group, bearers in groups:
        assert {single[k] for k in group} == {min(rows[k]["quote_id"] for k in bearers)}
    assert all(single[k] == r["quote_id"] for k, r in enumerate(rows) if k not in grouped)
    for partitions in (2, 7, 64):
        assert clusters(partitions) == single


def test_the_staged_table_gets_the_same_clusters_and_keeps_no_spill(tmp_path):
    rows, _ = corpus()
    path = write_staged(tmp_path / "quotes.parquet", rows, 50)
    assert cluster_staged_quotes(path, partitions=7) == len(rows)
    assert pq.read_table(path).column("quote_cluster_id").to_pylist() == clusters(1)
    assert [p.name for p in tmp_path.iterdir()] == ["quotes.parquet"]


def test_a_failure_leaves_the_staged_table_whole_and_no_spill(tmp_path, monkeypatch):
    rows, _ = corpus()
    path = tmp_path / "quotes.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=QUOTES), path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(cluster, "cluster_sketches", fail)
    with pytest.raises(RuntimeError):
        cluster_staged_quotes(path, partitions=3)
    assert [p.name for p in tmp_path.iterdir()] == ["quotes.parquet"]
    assert path.read_bytes() == before
