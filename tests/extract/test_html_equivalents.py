"""The HTML path's faster equivalents give exactly what they replace: its repeats of trafilatura
steps (load_html, the fast path of bare_extraction), the meta-tag lookups that stand in for
XPaths, and the comment-item XPath rewritten to start from attributes."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from trafilatura.utils import load_html

from tasks.extract import html, html_meta

HERE = Path(__file__).parent
PAGES = {p.name: p.read_text(encoding="utf-8") for p in sorted((HERE / "devset" / "html").glob("*.html"))}

SENTENCE = "The regional government said on Monday that it would reopen the northern border crossing soon."
PIECES = [
    "<!DOCTYPE html>\n", '<!doctype html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"/>', '<?xml version="1.0" encoding="utf-8"?>',
    "<html/>", '<html lang="en">', "<head>", "</head>", "<body>", "</body>", "<title>Port talks | Courier</title>",
    '<meta property="og:title" content="Port talks">', '<meta name="description" content="Officials  said">',
    '<meta name="date" content="2025-01-02">', '<meta property="og:site_name">', '<meta name="author" content="A B">',
    '<link rel="canonical" href="https://x.example/a">', '<link rel="alternate" href="https://x.example/b">',
    '<script type="application/ld+json">{"@type": "DiscussionForumPosting", "headline": "Forum"}</script>',
    '<ol class="comment-list">', '<li class="comment depth-1" id="comment-1">', '<li class="comments">',
    '<div class="comment-content">', '<article itemprop="comment">', '<span itemprop="text">', '<div id="comment-2">',
    '<div class="x\tcomment\ny">', '<span class="comment-author">Ann</span>', '<time datetime="2025-01-02T10:00">',
    "</li>", "</ol>", "</div>", "</article>", "<nav>", "</nav>", "<footer>", "</footer>", "<aside>", "<p>", "</p>",
    "<ul><li>", "<table><tr><td>", "<h2>", "<a href='/x'>", "</a>", "\x00", "\x0b", "\x1f", "\ufffe", "\n", "&amp;",
]
soup = st.lists(st.one_of(st.sampled_from(PIECES), st.just(SENTENCE), st.text(max_size=12)), max_size=80).map("".join)

# Blocks of an article page that trafilatura's cleaning, pruning and extraction treat differently.
BLOCKS = [
    "<p>{s}</p>", "<h2>{s}</h2>", "<blockquote>{s}</blockquote>", "<ul><li>{s}</li><li><a href='/r'>{s}</a></li></ul>",
    "<div id='comments' class='comments-area'><ol class='comment-list'><li class='comment'>"
    "<div class='comment-content'><p>{s}</p></div></li></ol></div>",
    "<ol class='commentlist'><li>{s}</li></ol>", "<dl class='comment-list'><dt>Ann</dt><dd>{s}</dd></dl>",
    "<ul id='disqus_thread'><li>{s}</li></ul>", "<div id='dsq-comments'><p>{s}</p></div>",
    "<div class='mvp-post-add-box'><h1>Next story</h1><p>{s}</p></div>", "<div class='infinite-scroll'><p>{s}</p></div>",
    "<nav><a href='/'>{s}</a></nav>", "<aside><p>{s}</p></aside>", "<footer><p>{s}</p></footer>",
    "<table><tr><td>{s}</td><td>3</td></tr></table>", "<figure><table><tr><td>{s}</td></tr></table></figure>",
    "<table role='presentation'><tr><td><p>{s}</p></td></tr></table>", "<div class='share-buttons'>{s}</div>",
    "<form><p>{s}</p></form>", "<details><summary>More</summary><p>{s}</p></details>", "<p></p><div></div>",
]
FORUM = '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'


@st.composite
def articles(draw) -> str:
    blocks = draw(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=25))
    words = SENTENCE.split()
    body = "".join(b.format(s=" ".join(words[i % 7:] + words[: i % 7])) for i, b in enumerate(blocks))
    head = FORUM if draw(st.booleans()) else ""
    first = draw(st.sampled_from(["", "<!DOCTYPE html>\n", '<html lang="en"/>\n']))
    return f"{first}<html><head><title>Port talks</title>{head}</head><body><article>{body}</article></body></html>"


pages = st.one_of(soup, articles())
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _tree_or_none(tree) -> bytes | None:
    return None if tree is None else etree.tostring(tree.getroottree())


def _bare_extraction_text(tree) -> str | None:
    try:
        doc = trafilatura.bare_extraction(tree, options=html._extractor(True))
    except Exception:  # noqa: BLE001 - as html._run
        return None
    return doc.text if doc else None


def _check_fast_path(page: str) -> None:
    tree = load_html(page)
    if tree is None:
        return
    before = etree.tostring(tree)
    assert html._run(tree, None, fast=True) == _bare_extraction_text(tree)
    assert etree.tostring(tree) == before  # the caller's tree is read again afterwards


def test_the_repeated_steps_are_those_of_the_installed_trafilatura():
    assert trafilatura.__version__ == html.MIRRORED_TRAFILATURA, (
        "check html._load_html and html._fast_text against this version's load_html and "
        "bare_extraction, then update MIRRORED_TRAFILATURA"
    )
    assert html._fast_text_applies()


@pytest.mark.parametrize("name", PAGES)
def test_load_html_on_development_pages(name):
    page = PAGES[name]
    assert _tree_or_none(html._load_html(page)) == _tree_or_none(load_html(page))
    assert _tree_or_none(html._load_html("\x0b" + page)) == _tree_or_none(load_html("\x0b" + page))


@EXAMPLES
@given(pages)
def test_load_html_on_generated_pages(page):
    assert _tree_or_none(html._load_html(page)) == _tree_or_none(load_html(page))


@pytest.mark.parametrize("name", PAGES)
def test_fast_path_on_development_pages(name):
    _check_fast_path(PAGES[name])


@EXAMPLES
@given(pages)
def test_fast_path_on_generated_pages(page):
    _check_fast_path(page)


def _meta_rules() -> list[str]:
    data = yaml.safe_load((Path(html_meta.__file__).with_name("html_meta.yaml")).read_text(encoding="utf-8"))
    return [x for k, v in data.items() if k not in ("jsonld", "comments") for x in v]


def test_meta_and_link_rules_become_lookups():
    lookups = [x for x in _meta_rules() if isinstance(html_meta._compile(x), html_meta.TagLookup)]
    assert len(lookups) >= 12
    assert html_meta._compile('//meta[@property="og:title"]/@content') == html_meta.TagLookup(
        "meta", (("property", "og:title"),), "content")
    assert isinstance(html_meta._compile('(//time[@datetime])[1]/@datetime'), etree.XPath)


def _check_meta(page: str) -> None:
    tree = load_html(page)
    if tree is None:
        return
    tags = html_meta._head_tags(tree)
    for rule in _meta_rules():
        compiled = html_meta._compile(rule)
        if isinstance(compiled, html_meta.TagLookup):
            assert compiled(tags) == [str(x) for x in etree.XPath(rule)(tree)], rule
    jsonld = etree.XPath('//script[@type="application/ld+json"]/text()')
    assert html_meta._jsonld(tags) == "\n".join(jsonld(tree))


@pytest.mark.parametrize("name", PAGES)
def test_meta_lookups_on_development_pages(name):
    _check_meta(PAGES[name])


@EXAMPLES
@given(pages)
def test_meta_lookups_on_generated_pages(page):
    _check_meta(page)


# The item XPath before it started from the attributes.
COMMENT_ITEM_BEFORE = etree.XPath(
    '//*[self::li or self::article or self::div][contains(@class, "comment") or starts-with(@id, "comment-") or '
    '@itemprop="comment"][contains(concat(" ", normalize-space(@class), " "), " comment ") or starts-with(@id, '
    '"comment-") or @itemprop="comment"][.//*[contains(@class, "comment-content") or contains(@class, '
    '"comment-text") or contains(@class, "comment-body") or contains(@class, "comment__content") or '
    'contains(@class, "comment__text") or contains(@class, "comment__body") or @itemprop="text"]]'
)


def _check_comment_items(page: str) -> None:
    tree = load_html(page)
    if tree is not None:
        assert html_meta._rules()[0]["comments"]["item"](tree) == COMMENT_ITEM_BEFORE(tree)


@pytest.mark.parametrize("name", PAGES)
def test_comment_items_on_development_pages(name):
    _check_comment_items(PAGES[name])


@EXAMPLES
@given(pages)
def test_comment_items_on_generated_pages(page):
    _check_comment_items(page)
