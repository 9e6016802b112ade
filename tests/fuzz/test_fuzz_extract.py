"""extract_doc on arbitrary text and tag soup: an article or a quarantine reason, never a crash."""

from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ, html_pages, long_news_text, news_text

from tasks.extract import MIN_WORDS, extract_doc
from tasks.extract.text_cleaner import word_estimate
from tasks.records import Doc, Quarantined


def _check(doc: Doc) -> None:
    try:
        extract_doc(doc)
    except Quarantined as q:
        assert q.reason
        return
    assert doc.text.strip()
    assert word_estimate(doc.text) >= MIN_WORDS  # the stage's own count: CJK text has few spaces
    assert doc.article_id
    for position, comment in enumerate(doc.comments):
        assert comment["article_id"] == doc.article_id
        assert isinstance(comment["text"], str) and comment["text"]
        assert comment["position"] == position
    assert doc.published_at is None or doc.published_at.tzinfo is not None


@FUZZ
@given(st.one_of(news_text, long_news_text, st.text(max_size=3000)))
def test_text_dumps(raw):
    _check(Doc(source_path="x.txt", source_format="text", raw=raw))


@FUZZ
@given(html_pages())
def test_tag_soup(raw):
    _check(Doc(source_path="x.html", source_format="html", raw=raw))


@FUZZ
@given(long_news_text, st.dictionaries(st.sampled_from(["title", "url", "author", "outlet", "published_at", "language"]), news_text))
def test_feed_metadata_of_any_shape(raw, meta):
    _check(Doc(source_path="feed.jsonl:1", source_format="text", raw=raw, meta=meta))
