"""Entity mentions on arbitrary text: text[start:end] == surface, no overlaps, rows complete."""

from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ, news_text

from tasks.entities import entities_doc, find_mentions
from tasks.records import Doc


@FUZZ
@given(st.one_of(news_text, st.text(max_size=300)))
def test_mentions_are_exact_spans(text):
    previous_end = 0
    for m in sorted(find_mentions(text), key=lambda m: m["start"]):
        assert previous_end <= m["start"] < m["end"] <= len(text)
        assert text[m["start"] : m["end"]] == m["surface"]
        assert m["entity_id"] and m["name"] and m["type"] in {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"}
        previous_end = m["end"]


@FUZZ
@given(news_text)
def test_doc_mentions_carry_the_article(text):
    doc = Doc(source_path="x", source_format="text", text=text, text_normalized=text, article_id="a1")
    entities_doc(doc)
    assert all(m["article_id"] == "a1" for m in doc.mentions)
