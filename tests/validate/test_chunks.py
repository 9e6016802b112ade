"""Validation reads tables a bounded chunk at a time and still reaches the whole table's verdicts."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tasks.validate as validate
from tasks.validate import validate_dir
from tasks.validate.chunks import TableSource

# Smaller than one seed article: every article lands in its own chunk.
TINY_CHUNK = 2_000


def _verdicts(report) -> dict[str, tuple]:
    return {
        o.name: (o.success, o.unexpected_count, o.unexpected_sample, o.observed)
        for o in report.outcomes
        if o.column != "published_at"  # its bound is the time of the run
    }


def test_chunked_validation_gives_the_same_outcomes_as_one_chunk(broken_tables: Path, broken_report, tmp_path: Path, monkeypatch):
    chunk_rows: dict[str, list[int]] = {}
    derive = validate.derive_chunk

    def counting(table, frame, refs):
        chunk_rows.setdefault(table, []).append(len(frame))
        return derive(table, frame, refs)

    monkeypatch.setattr(validate, "derive_chunk", counting)
    chunked = validate_dir(broken_tables, tmp_path / "reports", chunk_bytes=TINY_CHUNK)
    assert len(chunk_rows["articles"]) == 3 and len(chunk_rows["entities"]) > 1
    assert _verdicts(chunked) == _verdicts(broken_report)
    # the repeated article_id sits in rows 0 and 2, two chunks apart, and is still caught
    unique = next(o for o in chunked.outcomes if o.name == "articles.expect_column_values_to_be_unique(article_id)")
    assert (unique.success, unique.unexpected_count) == (False, 2)
    # unexpected rows found in different chunks add up
    spans = next(o for o in chunked.outcomes if o.name == "entities.expect_column_values_to_be_null(check_span_mismatch)")
    assert spans.unexpected_count == 3
    assert (tmp_path / "reports" / "index.html").exists()
    assert set(validate.validation_pages(tmp_path / "reports")) == set(chunked.rows)


def test_a_mostly_rule_is_judged_over_the_whole_table(doctored, tmp_path: Path):
    def one_undated(rows):
        rows[0]["published_at"] = None  # 1 of 2 dated: exactly the 0.5 that `mostly` allows

    tables = doctored("articles", one_undated)
    for chunk_bytes in (None, TINY_CHUNK):
        report = validate_dir(tables, None, chunk_bytes=chunk_bytes)
        dated = next(o for o in report.outcomes if o.name == "articles.expect_column_values_to_not_be_null(published_at)")
        assert (dated.success, dated.unexpected_count) == (True, 1)


def test_the_chunk_size_bounds_what_is_read_at_once(tmp_path: Path):
    path = tmp_path / "wide.parquet"
    table = pa.table({"id": [f"{i:016x}" for i in range(5_000)], "text": [f"{i:05d}" + "x" * 995 for i in range(5_000)]})
    pq.write_table(table, path, row_group_size=5_000)  # one big row group: the reader must still split it
    source = TableSource.from_parquet(path)
    chunks = list(source.iter_chunks(64_000))
    assert sum(c.num_rows for c in chunks) == 5_000
    assert len(chunks) > 50
    assert max(c.nbytes for c in chunks) <= 64_000
    by_rows = list(source.iter_chunks(10**9, ["id"], max_rows=700))
    assert max(c.num_rows for c in by_rows) <= 700 and sum(c.num_rows for c in by_rows) == 5_000


def test_an_empty_table_is_one_empty_chunk(tmp_path: Path):
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.string())}), path)
    chunks = list(TableSource.from_parquet(path).iter_chunks(1_000))
    assert [c.num_rows for c in chunks] == [0]


def test_article_texts_are_fetched_for_the_asked_ids_only(tmp_path: Path):
    from tasks.validate.chunks import ArticleTexts

    path = tmp_path / "articles.parquet"
    ids = [f"{i:016x}" for i in range(1_000)]
    pq.write_table(pa.table({"article_id": ids + [ids[3]], "text": [f"t{i}" for i in range(1_001)]}), path, row_group_size=100)
    texts = ArticleTexts(TableSource.from_parquet(path), 10_000)
    found = texts.lookup([ids[3], ids[999], "nope"], ["text"])
    assert found == {"text": {ids[3]: "t1000", ids[999]: "t999"}}  # a repeated ID: the later row wins


def test_span_checks_fetch_a_bounded_number_of_articles_at_once():
    from tasks.validate.derived import _blocks_of_articles

    codes, ids = pd.factorize(pd.Series(["a", "a", "b", "c", None, "c", "d", "a"], dtype="str"))
    blocks = _blocks_of_articles(codes, len(ids), 2)
    assert [(first, rows.tolist()) for first, rows in blocks] == [(0, [0, 1, 2, 4, 7]), (2, [3, 5, 6])]
    assert [(first, rows.tolist()) for first, rows in _blocks_of_articles(codes, len(ids), 10)] == [(0, list(range(8)))]


def test_key_set_membership_is_exact_and_never_matches_a_missing_value():
    from tasks.validate.derived import KeySet

    keys = KeySet(pa.chunked_array([["a1", "b2", None], ["c3", "a1"]]))
    assert len(keys) == 3
    assert keys.contains(["a1", "c3", "a", "a1 ", None, float("nan")]) == [True, True, False, False, False, False]
    assert "b2" in keys and "zz" not in keys
    assert KeySet([]).contains(["a1"]) == [False]


def test_reading_a_table_in_chunks_holds_about_one_chunk_of_arrow_data(tmp_path: Path):
    path = tmp_path / "many-groups.parquet"
    rng = random.Random(0)
    texts = pa.table({"text": [rng.randbytes(500).hex() for _ in range(10_000)]})  # hardly compressible
    pq.write_table(texts, path, row_group_size=100)  # 100 groups, about 10 MB
    del texts
    held = []
    for chunk in TableSource.from_parquet(path).iter_chunks(500_000):
        held.append(pa.total_allocated_bytes())
        del chunk
    assert len(held) > 15
    assert max(held) < 2_000_000  # not the whole file's column data, read ahead and kept


def test_only_the_first_chunk_judges_the_columns_and_their_dtypes():
    from types import SimpleNamespace

    from tasks.validate import _settled_by_first_chunk

    suite = {"expectations": [
        {"type": "expect_table_columns_to_match_set", "kwargs": {"column_set": ["a"]}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "a", "type_": "str"}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "b", "type_": "str"}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
    ]}
    first = {
        0: SimpleNamespace(result={"observed_value": ["a"]}),
        1: SimpleNamespace(result={"observed_value": "str"}),  # judged by the column's dtype
        2: SimpleNamespace(result={"element_count": 3, "unexpected_count": 0}),  # value by value
        3: SimpleNamespace(result={"element_count": 3, "unexpected_count": 0}),
    }
    assert _settled_by_first_chunk(suite, [0, 1, 2, 3], first) == {0, 1}


def test_key_set_membership_of_a_chunk_of_large_strings():
    from tasks.validate.derived import KeySet

    keys = KeySet(pa.array(["a1", "b2", "c3"]))
    values = pa.array(["c3", None, "zz", "a1", "c3"], pa.large_string())
    assert keys.members(values).to_pylist() == [True, False, False, True, True]
    assert keys.members(pa.array([], pa.large_string())).to_pylist() == []


def test_uniqueness_candidates_are_the_rows_whose_key_repeats_across_chunks(tmp_path: Path):
    from tasks.validate import _to_pandas
    from tasks.validate.unique import _among, duplicate_candidates

    path = tmp_path / "keys.parquet"
    keys = [f"k{i}" for i in range(3_000)]
    keys[10], keys[2_900], keys[5] = keys[2_500], keys[7], None  # two repeats, one missing key
    pq.write_table(pa.table({"key": keys}), path, row_group_size=100)
    frame, rows, considered_rows = duplicate_candidates(TableSource.from_parquet(path), {"column": "key"}, 4_000, _to_pandas)
    assert (rows, considered_rows) == (3_000, 2_999)
    assert frame.index.tolist() == [7, 10, 2_500, 2_900]
    assert frame["key"].tolist() == ["k7", "k2500", "k2500", "k7"]
    assert _among(np.array([5, 1, 9, 5], np.uint64), np.array([5, 9], np.uint64), step=3).tolist() == [True, False, True, True]


@pytest.mark.parametrize("per_pass", [1 << 19, 700, 64])
def test_uniqueness_in_several_passes_finds_the_same_candidates(tmp_path: Path, monkeypatch, per_pass: int):
    """A big table is hashed in passes (one residue class of the hashes each) to bound memory;
    the candidates and counts must not depend on how many passes there are."""
    from tasks.validate import _to_pandas
    from tasks.validate import unique

    monkeypatch.setattr(unique, "HASHES_PER_PASS", per_pass)
    path = tmp_path / "pairs.parquet"
    rng = np.random.default_rng(7)
    article = [f"a{i}" for i in rng.integers(0, 400, 3_000)]
    start = rng.integers(0, 60, 3_000).tolist()
    article[17] = None
    pq.write_table(pa.table({"article_id": article, "start": start}), path, row_group_size=250)
    frame, rows, considered_rows = unique.duplicate_candidates(
        TableSource.from_parquet(path), {"column_list": ["article_id", "start"]}, 4_000, _to_pandas
    )
    seen: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(article, start)):
        seen.setdefault(key, []).append(i)
    repeated = sorted(i for rows_of_key in seen.values() if len(rows_of_key) > 1 for i in rows_of_key)
    assert (rows, considered_rows) == (3_000, 3_000)  # a row with one key missing is still considered
    assert frame.index.tolist() == repeated and len(repeated) > 100


def test_gx_lets_a_validated_chunk_go():
    """GX's execution engine keeps the last frame it validated and the metrics it computed on
    it; a chunk's memory must be free before the next chunk is read, not after."""
    import gc
    import os
    import weakref

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import pandas as pd
    from great_expectations.validator.v1_validator import Validator

    from tasks.validate import _forget_batch

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("chunks")
    batch = source.add_dataframe_asset("table").add_batch_definition_whole_dataframe("all")
    suite = gx.ExpectationSuite(name="suite", expectations=[gx.expectations.ExpectColumnValuesToNotBeNull(column="a")])
    frame = pd.DataFrame({"a": [1.0, None, 3.0]})
    result = Validator(batch_definition=batch, batch_parameters={"dataframe": frame}).validate_expectation_suite(suite)
    assert result.results[0].result["unexpected_count"] == 1
    seen = weakref.ref(frame)
    del frame, result
    gc.collect()
    assert seen() is not None  # GX holds it: without the release below, it would stay
    engine = source.get_execution_engine()
    assert engine._metric_cache

    _forget_batch(source)
    gc.collect()
    assert seen() is None
    assert not engine._metric_cache


def test_a_released_table_is_opened_again_when_read(tmp_path: Path):
    path = tmp_path / "t.parquet"
    with pq.ParquetWriter(path, pa.schema([("k", pa.string()), ("n", pa.int64())])) as writer:
        for g in range(3):
            writer.write_table(pa.table({"k": [f"{g}-{i}" for i in range(5)], "n": list(range(5))}))
    source = TableSource.from_parquet(path)
    whole = source.read_columns(["k", "n"])
    source.release()
    assert source._parquet is None
    assert source.num_rows == 15 and source.group_rows == [5, 5, 5]
    assert source.read_columns(["k", "n"]).equals(whole)
    source.release()
    assert pa.Table.from_batches(list(source._pieces(4, None))).equals(whole)
    source.release()
    assert source.rows_at([0, 7, 14], ["k"], 1 << 20) == {"k": ["0-0", "1-2", "2-4"]}
