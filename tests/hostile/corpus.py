"""A folder of hostile inputs, each with what the pipeline must make of it.

`write_corpus` writes every kind of bad input a scrape produces (odd encodings, binary under a
text name, gzip bombs, broken HTML and JSONL, copies, links out of the folder...) next to real
news articles, and returns the expected outcome per `source_path`, so a test can check that every
input ends up in exactly one of articles, duplicates or quarantine, for the right reason.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

ARTICLES_FILE = Path(__file__).with_name("articles.yaml")

MAX_BYTES = 3_000_000  # the --max-bytes the corpus is written for
TIME_LIMIT = 3.0  # the per-document limit (NEWSETL_DOC_TIME_LIMIT) it is written for
# A page trafilatura needs well over TIME_LIMIT for (about 13 s here): a 2 MB table.
SLOW_TABLE_ROWS = 15_000
DEEP_NESTING = 10_000


@dataclass(frozen=True)
class Expect:
    """Where one input must end up: a table, and for articles the decoding to check."""

    table: str  # "articles" | "duplicates" | "quarantine"
    reason: str | None = None  # quarantine reason
    encoding: str | None = None  # articles.encoding
    marker: str | None = None  # a phrase articles.text must contain, exactly as written
    duplicate_of: str | None = None


def articles() -> dict[str, dict]:
    with open(ARTICLES_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def as_text(article: dict) -> str:
    return article["title"] + "\n\n" + "\n\n".join(article["paragraphs"]) + "\n"


def as_html(article: dict, extra_body: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in article["paragraphs"])
    return (
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{article['title']}</title></head>"
        f"<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
        f"<article><h1>{article['title']}</h1>\n{paragraphs}</article>{extra_body}</body></html>"
    )


def _png() -> bytes:
    """A real (1x1) PNG: signature, IHDR, IDAT, IEND."""
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d4944415478da63f8cfc0f01f0005000201a5d1e6300000000049454e44ae426082"
    )


def write_corpus(root: Path, outside: Path) -> dict[str, Expect]:
    """Write the hostile inputs under `root` (links point into `outside`); returns expectations."""
    root.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    arts = articles()
    expect: dict[str, Expect] = {}

    def put(name: str | bytes, data: bytes, outcome: Expect) -> None:
        path = os.path.join(os.fsencode(root), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        shown = os.fsencode(name).decode("utf-8", errors="backslashreplace")
        expect[shown] = outcome

    def article(key: str, encoding: str) -> Expect:
        return Expect("articles", encoding=encoding, marker=arts[key]["marker"])

    # Encodings: BOMs, UTF-16, and the legacy code pages scrapes really come in.
    bom_bytes = b"\xef\xbb\xbf" + as_text(arts["utf8_bom"]).encode("utf-8")
    put("utf8-bom.txt", bom_bytes, article("utf8_bom", "utf-8"))
    put("utf16.txt", as_text(arts["utf16"]).encode("utf-16"), article("utf16", "utf-16"))
    put("cp1252.txt", as_text(arts["cp1252"]).encode("cp1252"), article("cp1252", "cp1252"))
    put("latin1.txt", as_text(arts["latin1"]).encode("latin-1"), article("latin1", "latin-1"))
    put("cp1251.txt", as_text(arts["cp1251"]).encode("cp1251"), article("cp1251", "cp1251"))
    noisy = as_text(arts["control_chars"]).replace("\n", "\r\n").replace("council", "coun\x00cil\x07")
    put("control-chars.txt", noisy.replace("lanes", "lanes\x1b\x0c").encode("utf-8"), article("control_chars", "utf-8"))

    # Nothing to read.
    put("empty.txt", b"", Expect("quarantine", "empty"))
    put("blank.txt", b"  \n\t\r\n   \n", Expect("quarantine", "empty"))
    put("photo.txt", _png(), Expect("quarantine", "binary"))
    put("garbled.txt", ("\ufffd\ufffd\ufffd\ufffd ok " * 200).encode("utf-8"), Expect("quarantine", "garbled"))
    put("oversized.txt", (as_text(arts["slow"]) * (MAX_BYTES // 100)).encode("utf-8")[: MAX_BYTES + 1],
        Expect("quarantine", "too-large"))

    # Compressed: a good page, and a bomb that must never be expanded.
    put("page.html.gz", gzip.compress(as_html(arts["gzip_page"]).encode("utf-8")), article("gzip_page", "utf-8"))
    put("bomb.html.gz", gzip.compress(b"<p>" + b"\x00" * (50 * MAX_BYTES), compresslevel=9),
        Expect("quarantine", "too-large"))

    # Broken HTML: malformed and cut off mid-tag; nested thousands deep; furniture only.
    broken = as_html(arts["truncated"]).split("</article>")[0]  # no closing tags at all
    broken = broken.replace("</p>", "</span></div></td>", 1).replace("</p>", "", 1)  # stray and missing closers
    broken = broken.replace("percent", "per&nbspcent <b>on <i>Thursday</b>")  # bad entity, misnested
    put("truncated.html", (broken + "<p>Economists said the <b>decision <div cla").encode("utf-8"),
        article("truncated", "utf-8"))
    deep = "<div><span>" * DEEP_NESTING + "deep inside" + "</span></div>" * (DEEP_NESTING // 2)
    put("deep.html", as_html(arts["deep"], extra_body=deep).encode("utf-8"), article("deep", "utf-8"))
    furniture = (
        "<!DOCTYPE html><html><head><title>Home | Daily Courier</title></head><body>"
        "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></nav>"
        "<div class=\"cookie\">We use cookies to improve your experience. Accept all cookies</div>"
        "<aside><a href=\"/subscribe\">Subscribe</a> <a href=\"/login\">Sign in</a></aside>"
        "<footer>Copyright 2025 Daily Courier. All rights reserved. Privacy policy. Terms of use.</footer>"
        "</body></html>"
    )
    put("furniture.html", furniture.encode("utf-8"), Expect("quarantine", "no-article-text"))

    # Too slow to extract within the time limit: quarantined as "timeout", the run goes on.
    row = arts["slow"]["paragraphs"][0]
    table = "".join(f"<tr><td>{row}</td><td>{i}</td></tr>" for i in range(SLOW_TABLE_ROWS))
    put("slow.html", as_html(arts["slow"], extra_body=f"<table>{table}</table>").encode("utf-8"),
        Expect("quarantine", "timeout"))

    # A JSONL feed: good records, a broken line, a record without text, a blank line (no input).
    lines = [
        json.dumps({"url": "https://example.org/health/wing", "title": arts["jsonl_text"]["title"],
                    "text": "\n\n".join(arts["jsonl_text"]["paragraphs"])}),
        '{"url": "https://example.org/broken", "title": "Cut off in the midd',
        json.dumps({"url": "https://example.org/no-body", "title": "A record without any text"}),
        json.dumps({"url": "https://example.org/weather/storm", "html": as_html(arts["jsonl_html"])}),
        "",
    ]
    put("feed.jsonl", "\n".join(lines).encode("utf-8"), Expect("articles", encoding="utf-8"))
    expect.pop("feed.jsonl")
    expect["feed.jsonl:1"] = article("jsonl_text", "utf-8")
    expect["feed.jsonl:2"] = Expect("quarantine", "bad-json")
    expect["feed.jsonl:3"] = Expect("quarantine", "no-text")
    expect["feed.jsonl:4"] = article("jsonl_html", "utf-8")

    # Names: an exact copy under a name with spaces and non-ASCII; a name that is not UTF-8.
    put("copies/café – Київ copy.txt", bom_bytes, Expect("duplicates", duplicate_of="utf8-bom.txt"))
    put(b"caf\xe9 latin-1 name.txt", as_text(arts["latin1_name"]).encode("utf-8"), article("latin1_name", "utf-8"))

    # Links out of the input root, to a file and to a folder: listed, never followed.
    (outside / "secret.txt").write_text(as_text(arts["slow"]) + "SECRET: must never be read.\n")
    (outside / "folder").mkdir(exist_ok=True)
    (outside / "folder" / "more.txt").write_text("SECRET: must never be read.\n")
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "escape-folder").symlink_to(outside / "folder", target_is_directory=True)
    expect["escape.txt"] = Expect("quarantine", "outside-root")
    expect["escape-folder"] = Expect("quarantine", "outside-root")
    return expect
