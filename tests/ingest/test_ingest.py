import gzip
import json
from pathlib import Path

import pytest

from tasks.ingest import decode, discover, ingest_sources, sniff_format
from tasks.records import Quarantined


def test_discover_walks_recursively_in_stable_order(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "a.html").write_text("<p>one</p>")
    (tmp_path / ".hidden").write_text("skip me")
    assert [s.rel for s in discover(tmp_path)] == ["a.html", "b/2.txt"]


def test_discover_does_not_follow_symlinks_out_of_the_root(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not an input")
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.txt").write_text("an input")
    (root / "link").symlink_to(outside, target_is_directory=True)
    assert [s.rel for s in discover(root)] == ["ok.txt"]


def test_discover_missing_input_is_an_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        discover(tmp_path / "nope")


@pytest.mark.parametrize(
    "name, head, expected",
    [
        ("a.txt", b"Kyiv, Ukraine - The president said...", "text"),
        ("a.html", b"anything", "html"),
        ("a.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("noext", b"<html><head><title>t</title></head><body><p>x</p></body></html>", "html"),
        ("noext", b"plain words, no tags at all", "text"),
        ("feed.jsonl", b'{"text": "x"}', "jsonl"),
        ("page.html.gz", b"<p>", "html"),
    ],
)
def test_sniff_format(name, head, expected):
    assert sniff_format(name, head) == expected


def test_seed_dumps_are_text_and_decode_as_utf8(seeds_dir: Path):
    result = ingest_sources(discover(seeds_dir))
    assert len(result.docs) == 5 and not result.quarantined
    for doc in result.docs:
        assert doc.source_format == "text"
        assert doc.encoding == "utf-8"
        assert len(doc.sha256) == 64
        assert doc.raw.strip()
    assert "Zelensky" in result.docs[0].raw


@pytest.mark.parametrize(
    "data, expected_text, expected_encoding",
    [
        ("Kyiv’s “peace” plan".encode("utf-8"), "Kyiv’s “peace” plan", "utf-8"),
        (b"\xef\xbb\xbfKyiv", "Kyiv", "utf-8"),
        ("Київ і Харків".encode("utf-16"), "Київ і Харків", "utf-16"),
    ],
)
def test_decode_known_encodings(data, expected_text, expected_encoding):
    text, encoding = decode(data)
    assert text == expected_text
    assert encoding == expected_encoding


def test_decode_cp1252_smart_quotes():
    data = "He said \u201cwe will never cede\u201d the territories \u2013 again.".encode("cp1252") * 3
    text, encoding = decode(data)
    assert "\u201cwe will never cede\u201d" in text


def test_decode_strips_control_characters():
    text, _ = decode(b"Kyiv\x00 is\x07 the capital\r\n")
    assert text == "Kyiv is the capital\n"


def test_binary_is_refused():
    with pytest.raises(Quarantined) as exc:
        decode(bytes(range(256)) * 20)
    assert exc.value.reason in {"binary", "undecodable"}


def test_every_input_is_accounted_for(tmp_path: Path):
    (tmp_path / "good.txt").write_text("A real sentence about Kyiv and the war. " * 5)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("   \n\n\t ")
    (tmp_path / "big.txt").write_text("x" * 2000)
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<html><body><p>Hello from Kyiv.</p></body></html>"))
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"\0" * 5_000_000))
    result = ingest_sources(discover(tmp_path), max_bytes=1500)
    reasons = {row["source_path"]: row["reason"] for row in result.quarantined}
    assert reasons == {"empty.txt": "empty", "blank.txt": "empty", "big.txt": "too-large", "bomb.txt.gz": "too-large"}
    assert sorted(d.source_path for d in result.docs) == ["good.txt", "page.html.gz"]
    assert result.stats["in"] == 6


def test_jsonl_feed_accounts_for_every_line(tmp_path: Path):
    lines = [
        json.dumps({"url": "https://example.org/a", "title": "A", "text": "Body of article A. " * 10}),
        "{not json",
        json.dumps({"url": "https://example.org/b"}),
        "",
        json.dumps({"html": "<html><body><p>Body of B.</p></body></html>", "outlet": "Example"}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    result = ingest_sources(discover(tmp_path))
    assert [d.source_path for d in result.docs] == ["feed.jsonl:1", "feed.jsonl:5"]
    assert result.docs[0].meta == {"url": "https://example.org/a", "title": "A"}
    assert result.docs[1].source_format == "html"
    assert {r["source_path"]: r["reason"] for r in result.quarantined} == {
        "feed.jsonl:2": "bad-json",
        "feed.jsonl:3": "no-text",
    }
