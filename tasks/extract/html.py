"""HTML pages: trafilatura for the body, tag metadata, the text cleaner when trafilatura fails.

Settings come from the stack notes' measurements on 181 real pages and the development set:
comments excluded (trafilatura's default puts reader comments in the body: F1 0.953 -> 0.960),
and the fast path first (about 0.55x the default's time); the slower fallback extractors
(readability, jusText) run only when the fast result looks thin. favor_precision is on: on the
12 development pages (six layouts of bench/extract/make_html_round.py among them) it raised mean
F1 from 0.992 to 0.999 with no page lower - it keeps a live blog's entry headings and drops
link lists the default lets through - and cut the time on page-weight copies by about 40%;
always running the full extractor instead of the fast path gained nothing there and cost 2x
(bench/extract/README.md). Metadata comes from html_meta.py instead of trafilatura's metadata
pass, which costs as much as the extraction.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.core import (
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
    _forum_thread_page,
    convert_tags,
    extract_content,
    prune_unwanted_nodes,
    tree_cleaning,
    xmltotxt,
)
from trafilatura.settings import Extractor
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, fromstring_bytes, is_dubious_html, load_html

from tasks.extract.dates import find_date
from tasks.extract.html_meta import PageMeta, page_comments, page_meta
from tasks.extract.text_cleaner import CleanedText, byline_name, call_to_action, clean_text, norm_key, rules, word_list

# The fast result is retried with trafilatura's fallback extractors (readability, jusText) when
# it is thin: under this many words, or under this share of the words the page has in <p>
# elements (the fast path then probably picked a partial container).
FAST_MIN_WORDS = 120
FAST_MIN_SHARE = 0.5
_P_TEXT = etree.XPath("//p[not(ancestor::nav or ancestor::footer or ancestor::aside)]//text()", smart_strings=False)


def _paragraph_words(tree: Any) -> int:
    return len(" ".join(_P_TEXT(tree)).split())  # one split: the joining space never merges two words


TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "with_metadata": False,  # html_meta.py reads the tags for a fraction of the cost
    "deduplicate": False,
}


@dataclass
class HtmlExtraction:
    """Body paragraphs and metadata from one HTML page."""

    paragraphs: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_at: datetime | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    extractor: str = "trafilatura"


@lru_cache(maxsize=2)
def _extractor(fast: bool) -> Extractor:
    """trafilatura's options object for TRAFILATURA_OPTIONS, built once per process instead of on
    every call (bare_extraction never modifies it). It carries no URL: with links and metadata
    off, trafilatura reads the page's URL only for its log lines, and a per-URL object would
    be built anew for every document of a feed."""
    o = TRAFILATURA_OPTIONS
    return Extractor(
        output_format="python", fast=fast, precision=o["favor_precision"], comments=o["include_comments"],
        tables=o["include_tables"], dedup=o["deduplicate"], with_metadata=o["with_metadata"],
    )


def _run(html: Any, url: str | None, fast: bool) -> str | None:
    """trafilatura's text for the page (a tree or, when lxml could not parse it, the markup)."""
    try:
        if fast and not isinstance(html, str) and _fast_text_applies():
            return _fast_text(html, _extractor(True))
        doc = trafilatura.bare_extraction(html, url=url, options=_extractor(fast))
    except Exception:  # noqa: BLE001 - malformed markup: fall back to the text cleaner
        return None
    return doc.text if doc else None


# Two of trafilatura's steps, repeated here for the version they were read from (another
# version takes trafilatura's own functions): tests/extract/test_html_equivalents.py pins both.
#
# _fast_text is bare_extraction's fast path on a tree for TRAFILATURA_OPTIONS, without two of
# its three copies of the page tree (about 0.4 ms a page) that this configuration never reads:
# trafilatura_sequence cleans a copy so that its later stages can read the raw tree, and keeps
# a copy of the cleaned tree for the external extractors; with the fast path, favor_precision
# and comments off, none of those stages runs.
#
# _load_html is load_html for a string, without its pass deleting the characters XML forbids
# when there are none: a regex over the whole page (about 0.2 ms on 77 KB), where substring
# tests find them, or that there are none, in a quarter of the time.
MIRRORED_TRAFILATURA = "2.3.1"
_MIRRORS_HOLD = trafilatura.__version__ == MIRRORED_TRAFILATURA
_XML_INVALID_CHARS = tuple(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))


@lru_cache(maxsize=1)
def _fast_text_applies() -> bool:
    o = _extractor(True)
    return _MIRRORS_HOLD and (
        o.fast and o.focus == "precision" and not o.comments and not o.with_metadata and not o.dedup
        and not o.lang and not o.max_tree_size and o.format == "python"
    )


def _load_html(html: str) -> Any:
    """load_html(html): the tree, or None when the string is not HTML."""
    if not _MIRRORS_HOLD or any(c in html for c in _XML_INVALID_CHARS):
        return load_html(html)
    beginning = html[:50].lower()
    if "doctype" in beginning:  # repair_faulty_html, after its deletion pass
        first_line, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    fallback_parse = False
    tree = None
    try:
        tree = lxml.html.fromstring(html, parser=HTML_PARSER)
    except ValueError:  # a string with an encoding declaration
        tree = fromstring_bytes(html)
        fallback_parse = True
    except Exception:  # noqa: BLE001 - as load_html, which logs it
        pass
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = fromstring_bytes(html)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None  # not HTML at all
    return tree


def _fast_text(tree: Any, options: Extractor) -> str | None:
    """bare_extraction(tree, options=options).text, for the options _fast_text_applies accepts."""
    tree = copy(tree)  # bare_extraction's own copy: the caller reads its tree again
    is_forum = _forum_thread_page(tree)
    prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)  # comments off, precision
    cleaned = convert_tags(tree_cleaning(tree, options), options, options.url)
    if not is_forum:
        prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
    body, text = extract_content(cleaned, options)
    if len(text) < options.min_output_size and 0 < options.min_output_comm_size:
        return None  # bare_extraction's size check (no comments: their length is 0)
    return xmltotxt(body, options.formatting)


def _paragraphs(text: str | None) -> list[str]:
    """trafilatura's lines, minus furniture lines its DOM rules let through, and bylines or
    datelines it keeps at the top of the text."""
    if not text:
        return []
    r = rules()
    out: list[str] = []
    seen: set[str] = set()
    dropped_after = False  # a furniture line was dropped after the last kept line
    for line in text.split("\n"):
        parts = line.split()
        if not parts:
            continue
        s, words = " ".join(parts), len(parts)
        if words <= 25 and (
            r.furniture_prefix.match(s)
            or (words <= 15 and r.furniture_line.fullmatch(s))
            or (words <= 16 and r.player_line.fullmatch(s))
        ) or _call_to_action(s, words, r):
            dropped_after = True
            continue
        if len(out) < 3 and words <= 20 and (byline_name(s, r) or _dateline(s)):
            continue
        key = norm_key(s)
        if key in seen:
            continue  # a pull quote or a caption repeating a paragraph
        seen.add(key)
        out.append(s)
        dropped_after = False
    # The heading of a box dropped at the end ("Independent journalism needs you" over a
    # donation appeal) is not the article's last paragraph.
    if dropped_after and len(out) > 1 and len(out[-1].split()) <= 8 and not _END.search(out[-1]):
        out.pop()
    return out


def _call_to_action(s: str, words: int, r: Any) -> bool:
    """The text cleaner's call-to-action rules (donation appeals, newsletters, cookie notes)."""
    if words > r.furniture_contains_max_words:
        return False
    low = s.lower()
    return call_to_action(low, set(word_list(low)), r)


MAX_LINK_PROBES = 40
_LINK_WITH_TEXT = etree.XPath("//body//a[normalize-space(.)=$s]")
_TEXT_OUTSIDE_LINKS = etree.XPath(
    "//body//*[self::p or self::h2 or self::h3 or self::h4 or self::blockquote or self::li]"
    "[normalize-space(.)=$s][not(ancestor-or-self::a) and not(.//a)]"
)
_END = re.compile(r"[.!?:;…][\"'”’»)]*$")


def _without_link_lines(paragraphs: list[str], tree: Any) -> list[str]:
    """Drop lines that are the whole text of a link and printed nowhere else: related-story
    links that trafilatura keeps when they sit inside the article's text container."""
    if tree is None:
        return paragraphs
    out = []
    probes = 0
    for p in paragraphs:
        if probes < MAX_LINK_PROBES and len(p.split()) <= 20 and not _END.search(p):
            probes += 1  # each probe is a pass over the tree: bounded on list-like pages
            probe = _XML_UNSAFE.sub("", p)
            try:
                if _LINK_WITH_TEXT(tree, s=probe) and not _TEXT_OUTSIDE_LINKS(tree, s=probe):
                    continue
            except ValueError:  # lxml refuses some strings as XPath variables
                pass
        out.append(p)
    return out


def _dateline(s: str) -> bool:
    found = find_date(s)
    return found is not None and len((s[: found.start] + s[found.end :]).split()) <= 4


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "nav", "aside", "blockquote", "tr", "table", "figure", "figcaption", "main",
    "time", "dd", "dt", "form", "pre", "hr", "title",
}
_DROP_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "head"]


def html_to_text(html: str) -> str:
    """A plain-text rendering of a page, one block per line, for the text cleaner."""
    try:
        root = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - not parseable: strip tags crudely
        return re.sub(r"<[^>]+>", "\n", html)
    title = (root.findtext(".//title") or "").strip()
    drop = set(_DROP_TAGS)
    parts: list[str] = [title, "\n"]

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag and el.text:
            parts.append(el.text)
        for child in el:
            if not (isinstance(child.tag, str) and child.tag in drop):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    """trafilatura fast path, its fallbacks when the body is thin, the text cleaner last."""
    tree = _load_html(html)
    meta = page_meta(tree) if tree is not None else PageMeta()
    comments = page_comments(tree) if tree is not None and "comment" in html else []  # skip a tree walk
    source = tree if tree is not None else html
    paragraphs = _paragraphs(_run(source, url, fast=True))
    words = sum(len(p.split()) for p in paragraphs)
    if words < FAST_MIN_WORDS or (tree is not None and words < FAST_MIN_SHARE * _paragraph_words(tree)):
        slow_paragraphs = _paragraphs(_run(source, url, fast=False))
        if sum(map(len, slow_paragraphs)) > sum(map(len, paragraphs)):
            paragraphs = slow_paragraphs
    result = HtmlExtraction(
        title=meta.title,
        author=meta.author,
        url=meta.url or url,
        outlet=meta.sitename,
        published_at=meta.published_at,
        comments=comments,
    )
    paragraphs = _without_link_lines(paragraphs, tree)
    result.paragraphs = _with_standfirst(_without_title(paragraphs, result.title), meta.description, tree)
    if not result.paragraphs or _table_soup(result.paragraphs):
        cleaned: CleanedText = clean_text(html_to_text(html), title_hint=result.title)
        if cleaned.paragraphs and (
            not result.paragraphs or len(cleaned.body) >= 0.3 * sum(map(len, result.paragraphs))
        ):
            result.paragraphs = cleaned.paragraphs
            result.comments = result.comments or cleaned.comments
            result.extractor = "text-fallback"
        result.title = result.title or cleaned.title
        result.author = result.author or cleaned.author
        result.outlet = result.outlet or cleaned.outlet
        result.published_at = result.published_at or cleaned.published_at
    return result


def _without_title(paragraphs: list[str], title: str | None) -> list[str]:
    key = norm_key(title or "")
    while key and paragraphs and norm_key(paragraphs[0]) == key:
        paragraphs = paragraphs[1:]
    return paragraphs


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_VISIBLE_TEXT_WITH = etree.XPath(
    "//body//text()[contains(., $s)][not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def _with_standfirst(paragraphs: list[str], description: str | None, tree: Any) -> list[str]:
    """Put back a standfirst that trafilatura drops with the article header.

    Only a description that is printed in the page body (not just in meta tags or JSON-LD) and
    is not already in the extracted text counts: a visible summary under the headline is part
    of the article.
    """
    if not description or not paragraphs or tree is None or len(description.split()) < 10:
        return paragraphs
    desc = " ".join(description.split())
    probe = _XML_UNSAFE.sub("", desc[:40])
    if not probe or any(probe in p for p in paragraphs[:3]):
        return paragraphs
    try:
        visible = _VISIBLE_TEXT_WITH(tree, s=probe)
    except ValueError:  # lxml refuses some strings as XPath variables
        return paragraphs
    if not visible:
        return paragraphs
    return [desc] + paragraphs


def _table_soup(paragraphs: list[str]) -> bool:
    """trafilatura read a layout table as a data table: most of its output is table rows."""
    words = sum(len(p.split()) for p in paragraphs)
    table = sum(len(p.split()) for p in paragraphs if p.startswith("|"))
    return words > 0 and table / words > 0.5
