import gzip
import json
import os
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


def test_discover_lists_but_never_opens_links_out_of_the_root(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not an input")
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.txt").write_text("an input")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "secret-link.txt").symlink_to(outside / "secret.txt")
    (root / "inside-link.txt").symlink_to(root / "ok.txt")
    (root / "sub").mkdir()
    (root / "sub-link").symlink_to(root / "sub", target_is_directory=True)
    found = {s.rel: s.refused for s in discover(root)}
    assert found == {
        "inside-link.txt": None,
        "link": ("outside-root", "symbolic link leads out of the input root; not followed"),
        "ok.txt": None,
        "secret-link.txt": ("outside-root", "symbolic link leads out of the input root; not followed"),
        "sub-link": ("not-a-file", "symbolic link to a folder; not followed"),
    }
    result = ingest_sources(discover(root))
    assert sorted(d.source_path for d in result.docs) == ["inside-link.txt", "ok.txt"]
    assert {r["source_path"]: r["reason"] for r in result.quarantined} == {
        "link": "outside-root",
        "secret-link.txt": "outside-root",
        "sub-link": "not-a-file",
    }
    assert all("not an input" not in d.raw for d in result.docs)


def test_discover_refuses_pipes_and_broken_links(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block the run forever
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    result = ingest_sources(discover(tmp_path))
    assert {r["source_path"]: r["reason"] for r in result.quarantined} == {
        "broken.txt": "unreadable",
        "pipe.txt": "not-a-file",
    }


def test_file_names_with_spaces_non_ascii_and_non_utf8_bytes(tmp_path: Path):
    body = "A sentence about the summit in Geneva. " * 3
    (tmp_path / "café notes — Київ.txt").write_text(body)
    os.makedirs(tmp_path / "sub dir")
    (tmp_path / "sub dir" / "a b.txt").write_text(body + "more")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as f:
        f.write(b"Latin-1 file name. " * 3)
    result = ingest_sources(discover(tmp_path))
    assert sorted(d.source_path for d in result.docs) == ["caf\\xe9.txt", "café notes — Київ.txt", "sub dir/a b.txt"]
    for d in result.docs:
        d.source_path.encode("utf-8")  # storable in Parquet


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


def test_gzip_members_truncation_and_fakes(tmp_path: Path):
    page = b"<html><body><p>Hello from Kyiv.</p></body></html>"
    whole = gzip.compress(page)
    (tmp_path / "two-members.html.gz").write_bytes(gzip.compress(page[:20]) + gzip.compress(page[20:]))
    (tmp_path / "cut.html.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "not-gzip.txt.gz").write_bytes(b"plain words, not compressed")
    result = ingest_sources(discover(tmp_path))
    assert [d.raw for d in result.docs] == [page.decode()]
    reasons = {r["source_path"]: (r["reason"], r["detail"]) for r in result.quarantined}
    assert reasons["cut.html.gz"] == ("bad-gzip", "truncated: the compressed stream ends early")
    assert reasons["not-gzip.txt.gz"][0] == "bad-gzip"


def test_gzip_bomb_is_refused_without_expanding_it(tmp_path: Path):
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * 50_000_000))
    result = ingest_sources(discover(tmp_path), max_bytes=1_000_000)
    assert [(r["reason"], r["detail"]) for r in result.quarantined] == [
        ("too-large", "decompresses to more than 1000000 bytes")
    ]


def test_jsonl_hostile_lines_are_each_accounted_for(tmp_path: Path):
    body = "Body of the article. " * 10
    lines = [
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's recursion limit
        json.dumps({"text": body}) + "\r",  # CRLF line end
        json.dumps({"text": 42}),
        json.dumps(["text", body]),
        json.dumps({"text": "A lone surrogate \ud800 and a NUL \u0000 in it. " + body}),
    ]
    (tmp_path / "feed.jsonl").write_bytes("\r\n".join(lines).encode())
    result = ingest_sources(discover(tmp_path))
    assert {r["source_path"]: r["reason"] for r in result.quarantined} == {
        "feed.jsonl:1": "bad-json",
        "feed.jsonl:3": "no-text",
        "feed.jsonl:4": "bad-json",
    }
    assert [d.source_path for d in result.docs] == ["feed.jsonl:2", "feed.jsonl:5"]
    assert result.docs[1].raw.startswith("A lone surrogate  and a NUL  in it.")
    assert result.stats["in"] == 5


def test_jsonl_feed_of_blank_lines_is_quarantined_as_empty(tmp_path: Path):
    (tmp_path / "feed.jsonl").write_bytes(b"\n \x00\n\t\n")
    result = ingest_sources(discover(tmp_path))
    assert [(r["source_path"], r["reason"]) for r in result.quarantined] == [("feed.jsonl", "empty")]


def test_utf16_page_under_a_text_name_is_sniffed_as_html(tmp_path: Path):
    page = "<!DOCTYPE html><html><body><p>Київ і Харків.</p></body></html>"
    (tmp_path / "page.txt").write_bytes(page.encode("utf-16"))
    [doc] = ingest_sources(discover(tmp_path)).docs
    assert (doc.source_format, doc.encoding, doc.raw) == ("html", "utf-16", page)
