"""Rows from arbitrary documents always write under the table schemas."""

from datetime import datetime, timezone

import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ, news_text

from tasks.entities import entities_doc
from tasks.normalise import normalise_doc
from tasks.publish import TableWriter, rows_from_docs
from tasks.publish.schema import TABLES
from tasks.quotes import quotes_doc
from tasks.records import Doc, content_id

optional_text = st.one_of(st.none(), news_text)


@st.composite
def finished_docs(draw) -> Doc:
    text = draw(st.one_of(news_text, st.text(min_size=1, max_size=200)))
    doc = Doc(
        source_path=draw(st.text(min_size=1, max_size=40)),
        source_format=draw(st.sampled_from(["text", "html"])),
        encoding=draw(st.sampled_from([None, "utf-8", "cp1252", "cp1251"])),
        sha256=draw(st.sampled_from(["", "ab" * 32])),
        title=draw(optional_text),
        author=draw(optional_text),
        url=draw(optional_text),
        outlet=draw(optional_text),
        language=draw(st.sampled_from([None, "en", "uk"])),
        published_at=draw(st.one_of(st.none(), st.datetimes(timezones=st.just(timezone.utc), min_value=datetime(1900, 1, 1)))),
        text=text,
        extractor="fuzz",
    )
    doc.article_id = content_id(text)
    doc.comments = [
        {"article_id": doc.article_id, "author": a, "posted_at": None, "text": t, "position": i}
        for i, (a, t) in enumerate(draw(st.lists(st.tuples(optional_text, st.text(min_size=1, max_size=50)), max_size=3)))
    ]
    normalise_doc(doc)
    entities_doc(doc)
    quotes_doc(doc)
    return doc


@FUZZ
@given(st.lists(finished_docs(), max_size=4))
def test_rows_write_under_the_schema(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("publish")
    rows = rows_from_docs(docs, "lex-1")
    writer = TableWriter(out)
    writer.write_all(rows)
    paths = writer.close()
    for table, path in paths.items():
        read = pq.read_table(path)
        assert read.schema.names == TABLES[table].names
        assert read.num_rows == len(rows.get(table, []))
