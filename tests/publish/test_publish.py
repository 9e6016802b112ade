from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.publish import TableWriter, publish_staged, rows_from_docs, staging_dir
from tasks.publish.schema import TABLES
from tasks.records import Doc


def _article() -> Doc:
    doc = Doc(source_path="a.txt", source_format="text", encoding="utf-8", sha256="f" * 64)
    doc.article_id = "a1"
    doc.title = doc.title_normalized = "Headline"
    doc.text = doc.text_normalized = "Kyiv said no.\n\nSecond paragraph."
    doc.published_at = datetime(2025, 3, 27, 9, 0, tzinfo=timezone.utc)
    doc.mentions = [
        {"article_id": "a1", "entity_id": "gpe:kyiv", "name": "Kyiv", "type": "GPE", "surface": "Kyiv",
         "start": 0, "end": 4, "wikidata_id": "Q1899", "source": "catalog"}
    ]
    return doc


def test_rows_have_exactly_the_schema_columns():
    rows = rows_from_docs([_article()], "v1")
    assert set(rows["articles"][0]) == set(TABLES["articles"].names)
    assert rows["articles"][0]["word_count"] == 5


def test_writer_writes_every_table_with_its_schema_even_when_empty(tmp_path: Path):
    writer = TableWriter(tmp_path / "stage", {"lexicon_version": "v1"})
    writer.write_all(rows_from_docs([_article()], "v1"))
    paths = writer.close()
    assert set(paths) == set(TABLES)
    for table, path in paths.items():
        read = pq.read_table(path)
        assert read.schema.remove_metadata().equals(TABLES[table].remove_metadata()), table
        assert read.schema.metadata[b"newsetl.lexicon_version"] == b"v1"
    assert pq.read_table(paths["articles"]).num_rows == 1
    assert pq.read_table(paths["quotes"]).num_rows == 0
    published_at = pq.read_table(paths["articles"]).column("published_at")
    assert str(published_at.type) == "timestamp[us, tz=UTC]"


def test_free_text_has_no_min_max_statistics_but_keys_do(tmp_path: Path):
    writer = TableWriter(tmp_path / "stage")
    writer.write_all(rows_from_docs([_article()], "v1"))
    paths = writer.close()
    for table in ("articles", "quotes"):
        meta = pq.ParquetFile(paths[table]).metadata
        if meta.num_row_groups == 0:
            continue
        group = meta.row_group(0)
        stats = {group.column(i).path_in_schema: group.column(i).is_stats_set for i in range(group.num_columns)}
        assert not stats["text"] and not stats["text_normalized"], table
        assert stats["article_id"], table


def test_publish_swaps_tables_in_and_leaves_no_staging(tmp_path: Path):
    out = tmp_path / "out"
    staged = staging_dir(out, "run1")
    writer = TableWriter(staged)
    writer.write_all(rows_from_docs([_article()], "v1"))
    writer.close()
    publish_staged(staged, out, {"rows": writer.counts})
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{t}.parquet" for t in TABLES] + ["_manifest.json"])
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{out / 'articles.parquet'}')").fetchone() == (1,)


def test_a_row_of_the_wrong_type_is_refused(tmp_path: Path):
    writer = TableWriter(tmp_path / "stage")
    row = rows_from_docs([_article()], "v1")["articles"][0] | {"word_count": "many"}
    with pytest.raises(Exception):
        writer.write("articles", [row])


def _articles(n: int, start: int = 0) -> list[dict]:
    rows = []
    for i in range(start, start + n):
        doc = _article()
        doc.article_id = f"a{i:05d}"
        doc.source_path = f"{i:05d}.txt"
        rows.extend(rows_from_docs([doc], "v1")["articles"])
    return rows


def test_small_writes_are_gathered_into_one_row_group(tmp_path: Path):
    writer = TableWriter(tmp_path / "stage")
    for batch in range(10):
        writer.write("articles", _articles(20, 20 * batch))
    paths = writer.close()
    meta = pq.ParquetFile(paths["articles"]).metadata
    assert meta.num_row_groups == 1
    assert pq.read_table(paths["articles"]).column("article_id").to_pylist() == [f"a{i:05d}" for i in range(200)]
    assert writer.counts["articles"] == 200


@pytest.mark.parametrize("bound", ["ROW_GROUP_BYTES", "ROW_GROUP_ROWS"])
def test_a_row_group_is_written_when_the_gathered_rows_reach_a_bound(tmp_path: Path, monkeypatch, bound: str):
    import tasks.publish as publish

    size_of_20 = pa.Table.from_pylist(_articles(20), schema=TABLES["articles"]).nbytes
    monkeypatch.setattr(publish, bound, 50 if bound == "ROW_GROUP_ROWS" else 2 * size_of_20 + 1)
    writer = TableWriter(tmp_path / "stage")
    for batch in range(10):
        writer.write("articles", _articles(20, 20 * batch))
    paths = writer.close()
    meta = pq.ParquetFile(paths["articles"]).metadata
    # Three writes of 20 rows pass either bound (60 rows > 50; 3 x size > 2 x size + 1): groups
    # of 60, 60, 60 and the 20 left at close.
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [60, 60, 60, 20]
    assert pq.read_table(paths["articles"]).column("article_id").to_pylist() == [f"a{i:05d}" for i in range(200)]


def test_an_abandoned_writer_writes_none_of_its_gathered_rows(tmp_path: Path):
    writer = TableWriter(tmp_path / "stage")
    writer.write("articles", _articles(5))
    writer.abandon()
    assert not (tmp_path / "stage" / "articles.parquet").exists()
