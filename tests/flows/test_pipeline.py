"""The main flow end to end on the seeds: every table, keys, offsets, foreign keys."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from tasks.publish.schema import TABLES

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def seeds_run(prefect_harness, seeds_dir: Path, tmp_path_factory) -> tuple[object, Path]:
    from flows.pipeline import run_pipeline

    out = tmp_path_factory.mktemp("seeds-run")
    summary = run_pipeline(input_path=str(seeds_dir), output_dir=str(out), batch_size=2)
    return summary, out


def _table(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def test_seeds_become_five_validated_published_articles(seeds_run):
    summary, out = seeds_run
    assert summary.validation_success, summary.critical_failures
    assert summary.published
    assert summary.inputs == 5
    assert summary.articles == 5
    assert summary.accounted
    assert not (out / ".staging").exists()
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["rows"]["articles"] == 5
    assert (out / "reports" / "index.html").exists()
    assert (out / "reports" / "summary.md").exists()


def test_every_table_is_published_with_its_schema(seeds_run):
    _, out = seeds_run
    for table, schema in TABLES.items():
        read = pq.read_schema(out / f"{table}.parquet")
        assert read.remove_metadata().equals(schema.remove_metadata()), table


def test_keys_are_unique_and_foreign_keys_hold(seeds_run):
    _, out = seeds_run
    articles = _table(out, "articles")
    ids = [a["article_id"] for a in articles]
    assert len(set(ids)) == 5
    assert sorted(a["source_path"] for a in articles) == sorted(p.name for p in Path("seeds").iterdir())
    quotes = _table(out, "quotes")
    assert len({q["quote_id"] for q in quotes}) == len(quotes) > 0
    entities = _table(out, "entities")
    catalog_ids = {c["entity_id"] for c in _table(out, "entity_catalog")}
    for row in quotes + entities + _table(out, "comments") + _table(out, "normalizations"):
        assert row["article_id"] in ids
    for row in entities:
        assert row["entity_id"] in catalog_ids


def test_offsets_point_into_the_text_they_name(seeds_run):
    _, out = seeds_run
    articles = {a["article_id"]: a for a in _table(out, "articles")}
    entities = _table(out, "entities")
    assert entities
    for m in entities:
        assert articles[m["article_id"]]["text_normalized"][m["start"] : m["end"]] == m["surface"]
    for q in _table(out, "quotes"):
        source = articles[q["article_id"]]["title_normalized" if q["is_headline"] else "text_normalized"]
        assert source[q["start"] : q["end"]] == q["text_normalized"]


def test_a_rerun_gives_identical_tables(seeds_run, seeds_dir, tmp_path):
    from flows.pipeline import run_pipeline

    _, first = seeds_run
    run_pipeline(input_path=str(seeds_dir), output_dir=str(tmp_path), batch_size=5)
    for table in TABLES:
        assert pq.read_table(tmp_path / f"{table}.parquet").equals(pq.read_table(first / f"{table}.parquet")), table


def test_duckdb_reads_every_table(seeds_run):
    _, out = seeds_run
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_parquet('{out / 'articles.parquet'}')").fetchone()[0]
    assert n == 5
    cols = {r[0] for r in con.execute(f"describe select * from read_parquet('{out / 'quotes.parquet'}')").fetchall()}
    assert {"quote_id", "article_id", "text", "text_normalized", "speaker", "speaker_entity_id", "start", "end"} <= cols
    for table in ("entities", "quarantine"):
        con.execute(f"select * from read_parquet('{out / (table + '.parquet')}')").fetchall()


def test_discovered_inputs_are_one_record_for_prefect(prefect_harness, tmp_path):
    """Prefect records each item of a list a task returns until the flow ends; discover's
    result must stay one record, or the flow's memory grows by an entry per input."""
    from prefect import flow
    from prefect.context import FlowRunContext

    from flows.pipeline import discover_task

    for i in range(300):
        (tmp_path / f"{i:03d}.txt").write_text(f"Article {i}.\n", encoding="utf-8")

    @flow
    def discover_only(path: str) -> tuple[int, int]:
        with discover_task(path) as found:
            return len(list(found)), len(FlowRunContext.get().run_results)

    found, records = discover_only(str(tmp_path))
    assert found == 300
    assert records <= 2
