"""Page metadata (title, date, author, site name, URL) from meta tags, JSON-LD and <time>.

trafilatura's own metadata pass (with htmldate) costs about as much as the body extraction;
these XPaths (html_meta.yaml) read the tags news CMSs fill in, and htmldate runs only when
none of them gives a date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import etree

from tasks.extract.dates import not_future, parse_date


@dataclass
class PageMeta:
    title: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class TagLookup:
    """An XPath of the form `//meta[@name="a" or @property="b"]/@content`, answered from the
    page's meta and link elements (collected in one pass by _head_tags) instead of a walk over
    the whole page for each rule: same values, in document order."""

    tag: str
    tests: tuple[tuple[str, str], ...]  # (attribute, value): any one selects the element
    attribute: str  # whose value is returned

    def __call__(self, tags: dict[str, list]) -> list[str]:
        return [
            value
            for el in tags[self.tag]
            if any(el.get(name) == wanted for name, wanted in self.tests)
            and (value := el.get(self.attribute)) is not None
        ]


_LOOKUP_TAGS = ("meta", "link")
_LOOKUP_XPATH = re.compile(r'//(meta|link)\[(@[\w-]+="[^"]*"(?: or @[\w-]+="[^"]*")*)\]/@([\w-]+)')
_LOOKUP_TEST = re.compile(r'@([\w-]+)="([^"]*)"')


def _compile(xpath: str) -> TagLookup | etree.XPath:
    m = _LOOKUP_XPATH.fullmatch(xpath)
    if m:
        return TagLookup(m.group(1), tuple(_LOOKUP_TEST.findall(m.group(2))), m.group(3))
    return etree.XPath(xpath, smart_strings=False)


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, list[TagLookup | etree.XPath]], dict[str, re.Pattern]]:
    data = yaml.safe_load(Path(__file__).with_name("html_meta.yaml").read_text(encoding="utf-8"))
    xpaths = {k: [_compile(x) for x in v] for k, v in data.items() if k not in ("jsonld", "comments")}
    xpaths["comments"] = {k: etree.XPath(v, smart_strings=False) for k, v in data["comments"].items()}  # type: ignore[assignment]
    jsonld = {k: re.compile(v) for k, v in data["jsonld"].items()}
    return xpaths, jsonld


_TEXT_NODES = etree.XPath("text()", smart_strings=False)


def _head_tags(tree) -> dict[str, list]:
    """The page's meta, link and script elements in document order, from one walk."""
    tags: dict[str, list] = {"meta": [], "link": [], "script": []}
    for el in tree.iter("meta", "link", "script"):
        tags[el.tag].append(el)
    return tags


def _jsonld(tags: dict[str, list]) -> str:
    """The text of the page's JSON-LD scripts (//script[@type="application/ld+json"]/text())."""
    return "\n".join(
        text for el in tags["script"] if el.get("type") == "application/ld+json" for text in _TEXT_NODES(el)
    )


_SPACES = re.compile(r"\s+")


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


def _unescape(s: str) -> str:
    try:
        return json.loads(f'"{s}"')
    except ValueError:
        return s


def _first(tree, tags: dict[str, list], xpaths: list[TagLookup | etree.XPath], ok=lambda v: True) -> str | None:
    for xp in xpaths:
        try:
            found = xp(tags) if isinstance(xp, TagLookup) else xp(tree)
        except etree.XPathError:
            continue
        value = _clean(" ".join(str(x) for x in found)) if found else None
        if value and ok(value):
            return value
    return None


def _strip_site(title: str, site: str | None) -> str:
    """"Headline | Site" and "Headline - Site" from <title>."""
    m = re.match(r"^(.{12,}?)\s+[|–—-]\s+([^|–—]{2,40})$", title)
    if m and (site is None or m.group(2).strip().lower() in site.lower() or len(m.group(2).split()) <= 4):
        return m.group(1).strip()
    return title


def page_comments(tree) -> list[dict]:
    """Reader comments marked up as such: author, posted_at, text, in page order.

    A nested reply is its own item; the `[1]` in the XPaths reads an item's own author and
    text, which come before its replies in the markup.
    """
    xp = _rules()[0]["comments"]
    rows: list[dict] = []
    for item in xp["item"](tree):
        text = _clean(" ".join(xp["text"](item)))
        if not text:
            continue
        when = next((w for w in (_clean(str(x)) for x in xp["time"](item)) if w and re.search(r"\d", w)), None)
        rows.append({
            "author": _clean(" ".join(xp["author"](item))),
            "posted_at": not_future(parse_date(when)) if when else None,
            "text": text,
        })
    return rows


def page_meta(tree) -> PageMeta:
    xpaths, jsonld = _rules()
    tags = _head_tags(tree)
    ld = _jsonld(tags)

    def from_ld(key: str) -> str | None:
        m = jsonld[key].search(ld) if ld else None
        return _clean(_unescape(m.group(1))) if m else None

    meta = PageMeta()
    meta.sitename = _first(tree, tags, xpaths["sitename"]) or from_ld("sitename")
    title = from_ld("headline") or _first(tree, tags, xpaths["title"])
    meta.title = _strip_site(title, meta.sitename) if title else None
    date_text = from_ld("published") or _first(tree, tags, xpaths["published"], ok=lambda v: bool(re.search(r"\d{4}", v)))
    meta.published_at = not_future(parse_date(date_text)) if date_text else None
    if meta.published_at is None:
        from htmldate import find_date

        try:
            found = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d %H:%M:%S")
        except Exception:  # noqa: BLE001 - htmldate on malformed pages
            found = None
        meta.published_at = not_future(parse_date(found)) if found else None
    meta.author = from_ld("author") or _first(
        tree, tags, xpaths["author"], ok=lambda v: not v.startswith("http") and len(v.split()) <= 12
    )
    meta.url = _first(tree, tags, xpaths["url"], ok=lambda v: v.startswith("http"))
    meta.description = _first(tree, tags, xpaths["description"])
    return meta
