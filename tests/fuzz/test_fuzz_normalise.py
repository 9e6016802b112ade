"""Normalisation on arbitrary text: valid offsets, reversible, idempotent."""

from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ, news_text

from tasks.normalise import apply, normalise_doc, normalize_text, undo
from tasks.records import Doc

texts = st.one_of(news_text, st.text(max_size=300))


@FUZZ
@given(texts)
def test_changes_point_at_the_original_and_do_not_overlap(text):
    result = normalize_text(text)
    previous_end = 0
    for c in result.changes:
        assert previous_end <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.original
        previous_end = c.end
    assert apply(text, result.changes) == result.text
    assert undo(result.text, result.changes) == text


@FUZZ
@given(texts)
def test_idempotent(text):
    once = normalize_text(text).text
    assert normalize_text(once).text == once


@FUZZ
@given(texts, st.one_of(st.none(), texts))
def test_doc_rows_point_into_their_field(text, title):
    doc = Doc(source_path="x", source_format="text", text=text, title=title, article_id="a1")
    normalise_doc(doc)
    for row in doc.normalizations:
        field = doc.text if row["field"] == "text" else doc.title
        assert field[row["start"] : row["end"]] == row["original"]
        assert row["article_id"] == "a1"
