"""The stage contract: row columns, offsets into the normalised text, published text, the task."""

from __future__ import annotations

import pyarrow as pa

from tasks.normalise import normalise_doc
from tasks.publish.schema import QUOTES
from tasks.quotes import cluster_quotes, cluster_staged_quotes_task, quotes_batch, quotes_doc
from tasks.records import Doc, content_id

TEXT = (
    "Mr Zelenskyy spoke in Kiev on Wednesday.\n\n"
    "“Kiev will never give up Crimea. Zelenskyy knows it,” he said.\n\n"
    "Russian officials called the remarks “Kiev's usual noise”."
)
TITLE = "'Kiev will never give up', Zelenskyy says"


def _doc() -> Doc:
    doc = Doc(source_path="t.txt", source_format="text", text=TEXT, title=TITLE, article_id="art1")
    normalise_doc(doc)
    return doc


def test_rows_have_exactly_the_schema_columns_and_build_an_arrow_table():
    doc = _doc()
    quotes_doc(doc)
    assert doc.quotes
    for row in doc.quotes:
        assert list(row) == QUOTES.names
    cluster_quotes(doc.quotes)
    table = pa.Table.from_pylist(doc.quotes, schema=QUOTES)
    assert table.num_rows == len(doc.quotes)


def test_offsets_index_the_normalised_text_and_text_is_as_published():
    doc = _doc()
    assert doc.text_normalized != doc.text  # the normaliser rewrote Kiev and Zelenskyy
    quotes_doc(doc)
    body = [r for r in doc.quotes if not r["is_headline"]]
    assert [r["text"] for r in body] == ["Kiev will never give up Crimea. Zelenskyy knows it", "Kiev's usual noise"]
    for row in body:
        assert doc.text_normalized[row["start"] : row["end"]] == row["text_normalized"]
        assert "Kyiv" in row["text_normalized"] and "Kiev" in row["text"]
        assert row["text"] in doc.text
        assert row["quote_id"] == content_id("art1", str(row["start"]), str(row["end"]))
        assert row["quote_cluster_id"] is None


def test_headline_quote_offsets_index_the_normalised_title():
    doc = _doc()
    quotes_doc(doc)
    (head,) = [r for r in doc.quotes if r["is_headline"]]
    assert doc.title_normalized[head["start"] : head["end"]] == head["text_normalized"] == "Kyiv will never give up"
    assert head["text"] == "Kiev will never give up"
    assert head["verb"] == "says" and "Zelensky" in head["speaker"]


def test_stage_without_normalise_reads_the_published_text():
    doc = Doc(source_path="t.txt", source_format="text", text='"We will win," Zelensky said.', article_id="a")
    quotes_doc(doc)
    assert doc.quotes[0]["text"] == doc.quotes[0]["text_normalized"] == "We will win"


def test_batch_task_runs_every_doc_and_counts_them():
    docs = [_doc(), Doc(source_path="empty.txt", source_format="text", text="", article_id="e")]
    result = quotes_batch.fn(docs)
    assert result.stats["in"] == result.stats["out"] == 2
    assert result.docs[0].quotes and result.docs[1].quotes == []


def test_cluster_task_fills_the_cluster_ids_of_the_staged_table(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tasks.publish.schema import TABLES

    doc = _doc()
    quotes_doc(doc)
    path = tmp_path / "quotes.parquet"
    pq.write_table(pa.Table.from_pylist(doc.quotes, schema=TABLES["quotes"]), path)
    assert cluster_staged_quotes_task.fn(path) == len(doc.quotes) > 0
    assert all(pq.read_table(path).column("quote_cluster_id").to_pylist())


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = [
    "Zelensky", "said", "he", "the", "Ukrainian", "leader", "Mr", "Putin", "told", "reporters", "we",
    "will", "never", "Kyiv's", "'90s", ",", ".", ":", "?", " ", " ", " ", "\n\n", "\n", "“", "”", '"',
    "'", "‘", "’", "''", "«", "»", "[Putin]", "…", "—", "according", "to", "a", "spokesman",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80), st.lists(st.sampled_from(PIECES), max_size=12))
def test_any_text_gives_rows_that_point_at_their_words(body_pieces, title_pieces):
    text = "".join(p if p in " \n" else p + " " for p in body_pieces)
    title = "".join(title_pieces) or None
    doc = Doc(source_path="f", source_format="text", text=text, title=title, article_id="f")
    quotes_doc(doc)
    for row in doc.quotes:
        assert list(row) == QUOTES.names
        source = doc.title if row["is_headline"] else text
        assert source[row["start"] : row["end"]] == row["text_normalized"] == row["text"]
        assert 1 <= len(row["text"]) <= 2000
