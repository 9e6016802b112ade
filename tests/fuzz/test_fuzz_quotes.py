"""Quotes on arbitrary text: offsets point at the quote's text_normalized, in body or headline."""

from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ, news_text

from tasks.entities import entities_doc
from tasks.normalise import normalise_doc
from tasks.quotes import quotes_doc
from tasks.records import Doc


@FUZZ
@given(st.one_of(news_text, st.text(max_size=300)), st.one_of(st.none(), news_text))
def test_quote_offsets_point_at_the_quote(text, title):
    doc = Doc(source_path="x", source_format="text", text=text, title=title, article_id="a1")
    normalise_doc(doc)
    entities_doc(doc)
    quotes_doc(doc)
    ids = set()
    for q in doc.quotes:
        field = doc.title_normalized if q["is_headline"] else doc.text_normalized
        assert 0 <= q["start"] <= q["end"] <= len(field)
        assert field[q["start"] : q["end"]] == q["text_normalized"]
        assert q["article_id"] == "a1"
        assert q["quote_id"] not in ids
        ids.add(q["quote_id"])
