"""Ingest on arbitrary bytes: text or a quarantine reason, never an exception; every input accounted for."""

import gzip
import json
import re

from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ, news_text

from tasks.ingest import clean_text, decode, discover, ingest_sources, sniff_format
from tasks.ingest import _gunzip_bounded as gunzip_bounded
from tasks.records import Quarantined

CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "cp1251", "koi8-r", "gb18030"]

arbitrary_bytes = st.one_of(
    st.binary(max_size=2000),
    st.tuples(news_text, st.sampled_from(CODECS)).map(lambda t: t[0].encode(t[1], errors="replace")),
    st.tuples(st.binary(max_size=40), news_text, st.binary(max_size=40)).map(
        lambda t: t[0] + t[1].encode("utf-8") + t[2]
    ),
)


@FUZZ
@given(arbitrary_bytes)
def test_decode_gives_clean_text_or_a_reason(data):
    try:
        text, encoding = decode(data)
    except Quarantined as q:
        assert q.reason in {"binary", "undecodable", "garbled"}
        return
    assert isinstance(text, str) and encoding
    assert not CONTROL_OR_SURROGATE.search(text)
    assert "\r" not in text
    text.encode("utf-8")  # storable


@FUZZ
@given(news_text, st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_unicode_encodings_round_trip(text, codec):
    decoded, _ = decode(text.encode(codec))
    expected = CONTROL_OR_SURROGATE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert decoded == expected


@FUZZ
@given(st.text(max_size=30), st.binary(max_size=200))
def test_sniff_format_always_answers(name, head):
    assert sniff_format(name, head) in {"html", "text", "jsonl"}
    assert sniff_format(name, head.decode("latin-1")) in {"html", "text", "jsonl"}


@FUZZ
@given(st.one_of(st.binary(max_size=500), st.binary(max_size=5000).map(gzip.compress)), st.integers(1, 6000))
def test_gunzip_is_bounded(data, limit):
    try:
        out = gunzip_bounded(data, limit)
    except Quarantined as q:
        assert q.reason in {"bad-gzip", "too-large"}
        return
    assert len(out) <= limit


jsonl_lines = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(["text", "html", "title", "url", "body"]), st.one_of(news_text, st.integers())).map(json.dumps),
        st.text(max_size=50),
        st.just("[" * 3000),
    ),
    max_size=8,
)


@FUZZ
@given(st.lists(arbitrary_bytes, min_size=1, max_size=5), jsonl_lines)
def test_every_file_and_line_is_accounted_for(tmp_path_factory, files, lines):
    root = tmp_path_factory.mktemp("fuzz")
    for i, data in enumerate(files):
        (root / f"f{i}.txt").write_bytes(data)
    (root / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    result = ingest_sources(discover(root), max_bytes=1500)
    paths = [d.source_path for d in result.docs] + [r["source_path"] for r in result.quarantined]
    assert len(paths) == len(set(paths)) == result.stats["in"]
    for i in range(len(files)):
        assert f"f{i}.txt" in paths
    jsonl_rows = {p for p in paths if p.startswith("feed.jsonl")}
    lines_in_file = "\n".join(lines).split("\n")
    nonblank = {f"feed.jsonl:{n}" for n, line in enumerate(lines_in_file, 1) if clean_text(line).strip()}
    assert jsonl_rows == ({"feed.jsonl"} if "feed.jsonl" in jsonl_rows else nonblank)
    for doc in result.docs:
        assert doc.raw.strip() and not CONTROL_OR_SURROGATE.search(doc.raw)

