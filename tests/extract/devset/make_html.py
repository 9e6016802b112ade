"""Regenerate the HTML development pages from labelled text cases, in three site layouts.

Each page wraps the gold title, standfirst and body of a labelled case in a different CMS's
furniture (navigation, related-link asides inside the article, share bars, scripts, JSON-LD,
cookie banner, reader comments, footer), so the HTML path is scored on the same articles as the
text path. Run: python tests/extract/devset/make_html.py
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import sys

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))
from tasks.extract.evaluate import parse_lbl  # noqa: E402

E = html.escape


def wordpress(title, standfirst, paras, meta, related, comments):
    body = []
    for i, p in enumerate(paras):
        body.append(f"<p>{E(p)}</p>")
        if i == 1:
            body.append('<div class="related-posts"><h4>Related</h4><ul>' + "".join(
                f'<li><a href="/r{k}">{E(r)}</a></li>' for k, r in enumerate(related)) + "</ul></div>")
        if i == 2:
            body.append('<div class="ad-slot"><span>Advertisement</span><script>loadAd("mid")</script></div>')
    cm = "".join(
        f'<li class="comment"><div class="comment-author vcard"><b class="fn">{E(a)}</b></div>'
        f'<div class="comment-metadata"><time>{E(t)}</time></div><div class="comment-content"><p>{E(x)}</p></div>'
        f'<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></li>'
        for a, t, x in comments)
    return f"""<!DOCTYPE html><html lang="{meta.get('lang','en')}"><head><meta charset="utf-8">
<title>{E(title)} | {E(meta.get('site','The Frontline Report'))}</title>
<meta property="og:title" content="{E(title)}"><meta property="og:site_name" content="{E(meta.get('site','The Frontline Report'))}">
<meta name="author" content="{E(meta.get('author',''))}"><meta property="article:published_time" content="{meta['date']}">
<link rel="canonical" href="{meta['url']}">
<script>window.dataLayer=[];function gtag(){{dataLayer.push(arguments)}}</script><style>.x{{color:red}}</style></head>
<body class="single-post"><div id="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<header class="site-header"><a href="/">{E(meta.get('site','The Frontline Report'))}</a><nav><ul><li><a href="/">Home</a></li><li><a href="/analysis">Analysis</a></li><li><a href="/maps">Maps</a></li><li><a href="/donate">Donate</a></li></ul></nav></header>
<main id="main"><article class="post"><header class="entry-header"><h1 class="entry-title">{E(title)}</h1>
<div class="entry-meta">Posted on <time class="entry-date published" datetime="{meta['date']}">{E(meta['date_text'])}</time> by <span class="author vcard"><a class="url fn n" href="/author/x">{E(meta.get('author',''))}</a></span></div></header>
<div class="entry-content">{''.join(f'<p class="lead"><strong>{E(standfirst)}</strong></p>' for _ in [0] if standfirst)}{''.join(body)}
<div class="sharedaddy"><h3>Share this:</h3><ul><li><a href="#">Twitter</a></li><li><a href="#">Facebook</a></li></ul></div></div>
<footer class="entry-footer">Filed under: <a href="/c/analysis">Analysis</a>, <a href="/c/europe">Europe</a></footer></article>
<div id="comments" class="comments-area"><h2 class="comments-title">{len(comments)} thoughts on &ldquo;{E(title)}&rdquo;</h2><ol class="comment-list">{cm}</ol>
<div id="respond"><h3>Leave a Reply</h3><form><textarea name="comment"></textarea><input type="submit" value="Post Comment"></form></div></div></main>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Most read</h2><ul>{''.join(f'<li><a href="/m{k}">{E(r)}</a></li>' for k, r in enumerate(related))}</ul></section>
<section class="widget"><h2>Newsletter</h2><p>Get our weekly briefing delivered to your inbox every Friday morning.</p><form><input type="email"><button>Subscribe</button></form></section></aside>
<footer id="colophon"><p>&copy; 2025 {E(meta.get('site','The Frontline Report'))}. All rights reserved.</p><a href="/privacy">Privacy Policy</a></footer>
<script>(function(){{var s=document.createElement('script');s.src='https://example.disqus.com/embed.js';}})();</script></body></html>"""


def newsroom(title, standfirst, paras, meta, related, comments):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": meta["date"], "author": [{"@type": "Person", "name": meta.get("author", "")}],
          "publisher": {"@type": "Organization", "name": meta.get("site", "")}}
    body = []
    for i, p in enumerate(paras):
        body.append(f'<p data-component="text-block">{E(p)}</p>')
        if i == 0:
            body.append('<figure><img src="/a.jpg" alt=""><figcaption>Rescue workers at the scene on Tuesday. '
                        'Photo: Reuters/Staff</figcaption></figure>')
        if i == 2 and related:
            body.append(f'<aside class="inline-related"><span>Read more:</span> <a href="/x">{E(related[0])}</a></aside>')
    return f"""<!doctype html><html lang="{meta.get('lang','en')}"><head><meta charset="utf-8"><title>{E(title)} - {E(meta.get('site',''))}</title>
<meta name="description" content="{E(standfirst or '')}"><script type="application/ld+json">{json.dumps(ld)}</script>
<script src="/static/app.js" defer></script><noscript>Please enable JavaScript to use this site.</noscript></head><body>
<a class="skip" href="#content">Skip to content</a><div class="top-bar"><a href="/live">Live</a> <a href="/subscribe">Subscribe</a> <a href="/signin">Sign in</a></div>
<nav class="main-nav"><a href="/world">World</a><a href="/europe">Europe</a><a href="/business">Business</a><a href="/sport">Sport</a><a href="/opinion">Opinion</a></nav>
<div class="breaking">Breaking: {E(related[-1] if related else '')}</div>
<div id="content"><div class="article-header"><a class="section" href="/europe">Europe</a><h1>{E(title)}</h1>
{f'<p class="standfirst">{E(standfirst)}</p>' if standfirst else ''}
<div class="byline">By <a rel="author" href="/p/x">{E(meta.get('author',''))}</a></div><time datetime="{meta['date']}">{E(meta['date_text'])}</time>
<ul class="share"><li>Share</li><li>Facebook</li><li>X</li><li>Email</li></ul></div>
<div class="article-body">{''.join(body)}</div>
<div class="tags">Topics: <a href="/t/ukraine">Ukraine</a> <a href="/t/russia">Russia</a></div>
<section class="more-stories"><h2>More stories</h2>{''.join(f'<article class="card"><h3><a href="/s{k}">{E(r)}</a></h3><span>2 hours ago</span></article>' for k, r in enumerate(related))}</section></div>
<footer><ul><li>About us</li><li>Contact</li><li>Terms of use</li><li>Cookie settings</li></ul><p>&copy; 2025 {E(meta.get('site',''))}</p></footer>
<script>window.__STATE__={{"article":{{"id":1}}}};</script></body></html>"""


def legacy_table(title, standfirst, paras, meta, related, comments):
    """Old table layout with <br> paragraphs and no semantic markup: the text fallback's case."""
    body = "<br><br>\n".join(E(p) for p in paras)
    return f"""<html><head><title>{E(title)}</title></head><body bgcolor="#ffffff">
<table width="100%"><tr><td colspan="2"><font size="1"><a href="/">Home</a> | <a href="/news">News</a> | <a href="/archive">Archive</a> | <a href="/contact">Contact</a></font></td></tr>
<tr><td width="180" valign="top"><font size="1"><b>Sections</b><br><a href="/w">World</a><br><a href="/e">Economy</a><br><a href="/s">Sport</a><br><b>Most read</b><br>{'<br>'.join(f'<a href="/m{k}">{E(r)}</a>' for k, r in enumerate(related))}</font></td>
<td valign="top"><font size="4"><b>{E(title)}</b></font><br><font size="1">{E(meta['date_text'])}</font><br><br>
{body}<br><br><font size="1"><a href="/print">Print</a> | <a href="/mail">E-mail this story</a></font></td></tr>
<tr><td colspan="2"><font size="1">&copy; 2025 {E(meta.get('site',''))}. All rights reserved.</font></td></tr></table></body></html>"""


PAGES = [
    ("wp_blog_munich", "blog_disqus_comments", wordpress,
     {"site": "The Frontline Report", "author": "Mark Ellis", "date": "2025-02-14T08:00:00+00:00",
      "date_text": "February 14, 2025", "url": "https://frontline.example/munich-defence-gap"}),
    ("newsroom_kyiv_strikes", "bbc_style_strikes", newsroom,
     {"site": "Daily Dispatch", "author": "Laura Gozzi", "date": "2025-03-04T09:12:00+00:00",
      "date_text": "4 March 2025, 09:12 GMT", "url": "https://dispatch.example/world/power-cuts"}),
    ("newsroom_guardian_summit", "guardian_style_comments", newsroom,
     {"site": "Morning Ledger", "author": "Shaun Walker", "date": "2025-03-03T14:05:00+00:00",
      "date_text": "Mon 3 Mar 2025 14.05 GMT", "url": "https://ledger.example/europe/summit"}),
    ("wp_de_selenskyj", "de_tagesschau_style", wordpress,
     {"site": "Ostblick", "author": "Jana Berger", "date": "2025-03-27T14:30:00+00:00", "lang": "de",
      "date_text": "27.03.2025", "url": "https://ostblick.example/selenskyj"}),
    ("legacy_table_poland", "wrapped_lynx_style", legacy_table,
     {"site": "Baltic Wire", "date": "2025-01-20T16:00:00+00:00", "date_text": "20 January 2025, 16:00 UTC",
      "url": "https://balticwire.example/east-shield"}),
    ("newsroom_fr_zelensky", "fr_lemonde_style", newsroom,
     {"site": "Le Quotidien", "author": "Claire Martin", "date": "2025-03-27T10:30:00+00:00", "lang": "fr",
      "date_text": "27 mars 2025 à 10h30", "url": "https://quotidien.example/international/zelensky"}),
]

RELATED = ["Russia and Ukraine trade blame over energy truce", "What we know about the ceasefire proposal",
           "Europe's defence spending explained in five charts"]


def main() -> None:
    out = HERE / "html"
    out.mkdir(exist_ok=True)
    for name, source, layout, meta in PAGES:
        case = parse_lbl((HERE / "text" / f"{source}.lbl").read_text(encoding="utf-8"), source)
        paras = case.body.split("\n\n")
        # The labelled case's standfirst is its first body paragraph when a title precedes it.
        lines = [ln for ln, lab in zip(case.raw.split("\n"), case.labels) if lab in ("T", "B")]
        standfirst = None
        if len(lines) > 1 and case.raw.split("\n")[case.labels.index("T") + 1 :] and paras and \
                case.labels[case.labels.index("T") + 1] == "B":
            standfirst, paras = paras[0], paras[1:]
        comments = [("Pieter van Dam", "February 14, 2025 at 9:12 am", "Good summary. The procurement point is the one nobody in Brussels wants to talk about."),
                    ("kasia_w", "February 14, 2025 at 10:40 am", "Poland is already above four percent. The rest of Europe should stop lecturing and start spending.")] \
            if layout is wordpress else []
        page = layout(case.title, standfirst, paras, meta, RELATED, comments)
        (out / f"{name}.html").write_text(page, encoding="utf-8")
        gold = {"title": case.title, "body": "\n\n".join(([standfirst] if standfirst else []) + paras),
                "published_at": meta["date"], "author": meta.get("author"), "url": meta["url"],
                "comments": len(comments)}
        (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
