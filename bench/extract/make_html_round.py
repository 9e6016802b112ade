"""Build HTML pages in site layouts unlike tests/extract/devset/make_html.py's, from labelled text cases.

Each layout wraps a labelled case's gold title and body (standfirst first, as the visible summary
under the headline) in the furniture of a different kind of site: a React/Next.js news app, an
AMP page, a live blog, a legacy table-free <div>/<br> CMS. The inline furniture is the hard part:
related-story boxes and pull quotes inside the article, figure captions with credits, cookie
banners, newsletter boxes, reader comments, JSON-LD and app state.

    .venv/bin/python bench/extract/make_html_round.py OUT_DIR
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tasks.extract.evaluate import parse_lbl  # noqa: E402

E = html.escape
TEXT = ROOT / "tests" / "extract" / "devset" / "text"

RELATED = ["Russia launches largest drone attack of the war on Kyiv",
           "In Gaza, a cease-fire that exists mostly on paper",
           "Why Europe's defence plans are still too timid"]
COMMENTS = [("Marek", "2025-03-20T10:04:00Z", "Thanks for the reporting, this is the context I was missing."),
            ("J. Ortega", "2025-03-20T11:30:00Z", "The numbers in the third paragraph do not match what the ministry published last week.")]


def jsonld(title, meta):
    return json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                       "datePublished": meta["date"], "author": [{"@type": "Person", "name": meta["author"]}],
                       "publisher": {"@type": "Organization", "name": meta["site"]},
                       "description": meta.get("description", "")})


def nextjs(title, paras, meta):
    """A React news app: hashed class names, data-testid blocks, inline related box and pull quote."""
    stand, body = paras[0], paras[1:]
    out = []
    for i, p in enumerate(body):
        out.append(f'<div class="sc-1x9k2 paragraph"><p class="css-at9mc1 evys1bk0">{E(p)}</p></div>')
        if i == 0:
            out.append('<figure class="css-79elbk"><div class="css-1xdhyk6"><img src="/i/1.jpg" alt=""></div>'
                       '<figcaption class="css-1l44abu"><span class="css-16f3y1r">Officials at the site on Tuesday.</span>'
                       '<span class="css-cnj6d5"><span class="visually-hidden">Credit...</span>Sergei Grits/Associated Press</span></figcaption></figure>')
        if i == 1:
            out.append('<div data-testid="related-links" class="css-1vxca1d"><h2 class="css-1x2y">Related Content</h2><ul>'
                       + "".join(f'<li><a href="/r/{k}"><p class="css-abc">{E(r)}</p></a></li>' for k, r in enumerate(RELATED)) + '</ul></div>')
        if i == 2 and len(body) > 4:
            quote = body[1].split(". ")[0].rstrip(".") + "."
            out.append(f'<aside class="css-pullquote" role="complementary"><blockquote><p>{E(quote)}</p></blockquote></aside>')
        if i == 3:
            out.append('<div class="css-ad" data-testid="StandardAd"><p class="css-adlabel">Advertisement</p><div id="dfp-ad-mid2"></div></div>')
    state = json.dumps({"props": {"pageProps": {"article": {"headline": title, "body": " ".join(paras)[:2000]}}}})
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{E(title)} - {E(meta['site'])}</title>
<meta property="og:title" content="{E(title)}"><meta property="og:site_name" content="{E(meta['site'])}">
<meta property="og:description" content="{E(stand)}"><meta name="description" content="{E(stand)}">
<script type="application/ld+json">{jsonld(title, dict(meta, description=stand))}</script>
<link rel="canonical" href="{meta['url']}"><style>.css-at9mc1{{font-family:serif}}</style></head>
<body><div id="__next"><div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk"><p id="onetrust-policy-text">We and our partners use cookies and similar technologies to store and access information on your device, to personalise content and ads and to measure audiences. You can accept or manage your choices.</p><button>Accept All Cookies</button><button>Cookie Settings</button></div></div>
<header class="css-header"><nav aria-label="Main"><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main id="site-content"><article id="story" class="css-story"><header class="css-hdr"><p class="css-kicker"><a href="/world/europe">Europe</a></p>
<h1 data-testid="headline" class="css-headline">{E(title)}</h1><p id="article-summary" class="css-summary">{E(stand)}</p>
<div class="css-byline"><p class="css-aknsld"><span>By </span><a href="/by/x">{E(meta['author'])}</a></p><time datetime="{meta['date']}">{E(meta['date_text'])}</time></div>
<div class="css-share"><button aria-label="Share full article">Share full article</button><span>312</span></div></header>
<section name="articleBody" class="meteredContent css-1r7ky0e">{''.join(out)}</section>
<div class="css-bottom-of-article"><div class="css-1x"><h2>Read 312 comments</h2></div><p class="css-hint">A version of this article appears in print on March 20, 2025, Section A, Page 8.</p></div>
<div class="newsletter-signup"><h3>The Morning</h3><p>Make sense of the news with our daily briefing, delivered to your inbox every weekday.</p><form><input type="email" placeholder="Email address"><button>Sign Up</button></form></div></article>
<aside class="css-most-popular"><h2>Most Popular</h2><ol>{''.join(f'<li><a href="/p/{k}"><h3>{E(r)}</h3></a></li>' for k, r in enumerate(RELATED))}</ol></aside></main>
<footer class="css-footer"><nav><ul><li><a href="/privacy">Privacy Policy</a></li><li><a href="/terms">Terms of Service</a></li></ul></nav><p>&copy; 2025 {E(meta['site'])}</p></footer></div>
<script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>"""


def amp(title, paras, meta):
    """An AMP page: amp-img figures with credits, amp-ad slots, inline 'Read more' links, itemprop comments."""
    stand, body = paras[0], paras[1:]
    out = []
    for i, p in enumerate(body):
        out.append(f"<p>{E(p)}</p>")
        if i == 0:
            out.append(f'<p class="read-more"><strong>Read more:</strong> <a href="/r/1">{E(RELATED[0])}</a></p>')
        if i == 1:
            out.append('<figure class="image"><amp-img src="/i/2.jpg" width="800" height="450" layout="responsive" alt="Protest"></amp-img>'
                       '<figcaption>Demonstrators outside the parliament building on Monday. <span class="credit">Photo: Reuters/Stringer</span></figcaption></figure>')
        if i == 2:
            out.append('<amp-ad width="300" height="250" type="doubleclick" data-slot="/123/mid"><div placeholder>Advertisement</div></amp-ad>')
    cm = "".join(f'<div itemprop="comment" itemscope class="c-item"><span itemprop="author">{E(a)}</span> <time datetime="{t}">{t[:10]}</time>'
                 f'<div itemprop="text"><p>{E(x)}</p></div><a href="#">Reply</a></div>' for a, t, x in COMMENTS)
    return f"""<!doctype html><html amp lang="en"><head><meta charset="utf-8"><title>{E(title)} | {E(meta['site'])}</title>
<link rel="canonical" href="{meta['url']}"><meta name="viewport" content="width=device-width">
<meta property="og:title" content="{E(title)}"><meta property="og:site_name" content="{E(meta['site'])}"><meta name="description" content="{E(stand)}">
<meta property="article:published_time" content="{meta['date']}"><meta name="author" content="{E(meta['author'])}">
<script type="application/ld+json">{jsonld(title, meta)}</script><style amp-custom>body{{margin:0}}</style><script async src="https://cdn.ampproject.org/v0.js"></script></head>
<body><amp-consent id="consent" layout="nodisplay"><div class="consent-ui"><p>This site uses cookies. By continuing to browse you agree to our use of cookies.</p><button on="tap:consent.accept">OK</button></div></amp-consent>
<header class="amp-header"><a href="/">{E(meta['site'])}</a><amp-sidebar id="menu" layout="nodisplay"><ul><li><a href="/news">News</a></li><li><a href="/world">World</a></li><li><a href="/video">Video</a></li></ul></amp-sidebar></header>
<div class="amp-wp-article"><div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/world">World</a></div>
<h1 class="amp-title">{E(title)}</h1><h2 class="amp-subtitle">{E(stand)}</h2>
<div class="amp-meta"><span class="byline">{E(meta['author'])}</span> <time datetime="{meta['date']}">{E(meta['date_text'])}</time></div>
<div class="amp-share"><amp-social-share type="twitter"></amp-social-share><amp-social-share type="facebook"></amp-social-share></div>
<div class="amp-content">{''.join(out)}</div>
<div class="tags"><span>Tags:</span> <a href="/t/ukraine">Ukraine</a> <a href="/t/russia">Russia</a> <a href="/t/war">War</a></div>
<div class="newsletter"><p>Get the day's top stories in your inbox. Sign up for our free newsletter.</p><a href="/newsletters">Subscribe</a></div>
<section class="comments"><h3>{len(COMMENTS)} Comments</h3>{cm}</section>
<section class="related"><h3>More stories</h3>{''.join(f'<a href="/m/{k}"><div class="card"><h4>{E(r)}</h4><p>{k + 2} hours ago</p></div></a>' for k, r in enumerate(RELATED))}</section></div>
<footer><p>&copy; 2025 {E(meta['site'])}. All rights reserved.</p><a href="/privacy">Privacy</a></footer></body></html>"""


def legacy(title, paras, meta):
    """A legacy CMS: the article is text in one <div> with <br><br> between paragraphs, a font-tag byline."""
    stand, body = paras[0], paras[1:]
    chunks = []
    for i, p in enumerate(body):
        chunks.append(E(p))
        if i == 1:
            chunks.append('<div class="inline-box" style="float:right;width:200px"><b>RELATED</b><br>'
                          + "<br>".join(f'<a href="/r{k}.html">{E(r)}</a>' for k, r in enumerate(RELATED)) + "</div>")
    text = "<br><br>\n".join(chunks)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{E(meta['site'])} - {E(title)}</title>
<meta name="description" content="{E(stand)}"><meta name="pubdate" content="{meta['date']}"><meta name="author" content="{E(meta['author'])}">
<script type="application/ld+json">{jsonld(title, meta)}</script>
<script>var _gaq=_gaq||[];_gaq.push(['_trackPageview']);</script></head>
<body bgcolor="#ffffff"><div id="cookie-notice">This website uses cookies to ensure you get the best experience. <a href="/cookies">Learn more</a> <a href="#">Got it!</a></div>
<div id="top"><a href="/">{E(meta['site'])}</a> | <a href="/news.html">News</a> | <a href="/politics.html">Politics</a> | <a href="/economy.html">Economy</a> | <a href="/archive.html">Archive</a></div>
<div id="wrap"><div id="left"><div class="menu"><a href="/a.html">Latest news</a><br><a href="/b.html">Analysis</a><br><a href="/c.html">Photo</a></div></div>
<div id="content"><div class="date">{E(meta['date_text'])}</div><h1>{E(title)}</h1>
<div class="lead"><b>{E(stand)}</b></div>
<div class="author"><font size="2">By {E(meta['author'])}</font></div>
<div class="text">{text}</div>
<div class="tags">Tags: <a href="/t/1">politics</a>, <a href="/t/2">war</a></div>
<div class="print"><a href="?print=1">Print version</a> | <a href="/send">Send to a friend</a></div>
<div class="more"><b>Other news</b><ul>{''.join(f'<li><a href="/o{k}.html">{E(r)}</a> <span>(12:{k}5)</span></li>' for k, r in enumerate(RELATED))}</ul></div></div></div>
<div id="footer">All materials on this site are protected by copyright. Any use of materials is allowed only with a hyperlink to {E(meta['site'])}.<br>&copy; 2004-2025</div></body></html>"""


def liveblog(title, paras, meta, entries):
    """A live blog: each entry an <article> with its time, an h3 heading and paragraphs."""
    stand = paras[0]
    arts = []
    for k, (heading, text) in enumerate(entries):
        arts.append(f'<article class="lb-entry" id="post-{k}"><div class="lb-meta"><time datetime="{meta["date"]}">{13 - k}:{42 - 10 * k:02d}</time>'
                    f'<span class="lb-author">{E(meta["author"])}</span></div><h3 class="lb-title">{E(heading)}</h3>'
                    + "".join(f"<p>{E(p)}</p>" for p in text)
                    + '<div class="lb-share"><a href="#">Share</a> <a href="#">Copy link</a></div></article>')
        if k == 0:
            arts.append('<div class="lb-ad"><span>Advertisement</span></div>')
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{E(title)} | {E(meta['site'])}</title>
<meta property="og:title" content="{E(title)}"><meta property="og:site_name" content="{E(meta['site'])}"><meta property="og:description" content="{E(stand)}">
<meta property="article:published_time" content="{meta['date']}">
<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": title, "datePublished": meta["date"], "coverageStartTime": meta["date"]})}</script></head>
<body><div class="cookie-consent"><p>We use cookies to give you the best online experience. Please let us know if you agree to all of these cookies.</p><button>Yes, I agree</button><button>No, take me to settings</button></div>
<header><nav><a href="/news">News</a><a href="/sport">Sport</a><a href="/voices">Voices</a><a href="/culture">Culture</a></nav></header>
<main><div class="live-header"><span class="live-badge">LIVE</span><h1>{E(title)}</h1><p class="standfirst">{E(stand)}</p>
<div class="byline"><a rel="author" href="/a">{E(meta['author'])}</a> <time datetime="{meta['date']}">{E(meta['date_text'])}</time></div></div>
<div class="signup-inline"><p>Sign up to our Evening Headlines email for your daily guide to the latest news</p><input type="email"><button>SIGN UP</button></div>
<div class="key-points"><h2>Key points</h2><ul>{''.join(f'<li><a href="#post-{k}">{E(h)}</a></li>' for k, (h, _) in enumerate(entries))}</ul></div>
<div class="lb-feed">{''.join(arts)}</div></main>
<aside><h2>Most popular</h2><ul>{''.join(f'<li><a href="/p{k}">{E(r)}</a></li>' for k, r in enumerate(RELATED))}</ul></aside>
<footer><p>&copy; 2025 {E(meta['site'])}</p></footer></body></html>"""


PAGES = [
    ("nextjs_wapo_poland", nextjs, "wapo_style_ads_r1",
     dict(site="The Washington Post", author="Anna Kowalczyk", date="2025-04-02T10:15:00+00:00", date_text="April 2, 2025", url="https://example.com/poland-farmers")),
    ("amp_rferl_georgia", amp, "rferl_style_readmore_r4",
     dict(site="RFE/RL", author="RFE/RL's Georgian Service", date="2025-03-04T12:17:00+00:00", date_text="March 04, 2025 12:17 GMT", url="https://example.com/georgia-melia")),
    ("legacy_tass_peskov", legacy, "tass_style_r3",
     dict(site="TASS", author="TASS", date="2025-03-27T11:18:00+00:00", date_text="27 MAR, 14:18", url="https://example.com/peskov")),
    ("nextjs_meduza_conscripts", nextjs, "meduza_style_newsletter_r2",
     dict(site="Meduza", author="Yekaterina Ivanova", date="2025-03-20T15:35:00+00:00", date_text="March 20, 2025", url="https://example.com/conscripts")),
    ("amp_dw_debt_brake", amp, "dw_style_captions_r1",
     dict(site="DW", author="Rana Taha", date="2025-03-18T14:00:00+00:00", date_text="03/18/2025", url="https://example.com/debt-brake")),
]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, layout, case_name, meta in PAGES:
        case = parse_lbl((TEXT / f"{case_name}.lbl").read_text(encoding="utf-8"), case_name)
        paras = case.body.split("\n\n")
        page = layout(case.title, paras, meta)
        comments = len(COMMENTS) if layout is amp else 0
        (out / f"{name}.html").write_text(page, encoding="utf-8")
        gold = {"title": case.title, "body": paras, "published_at": meta["date"], "comments": comments}
        (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    # The live blog: its entries are the labelled live-blog case's headings and paragraphs.
    case = parse_lbl((TEXT / "liveblog_timestamps_r1.lbl").read_text(encoding="utf-8"), "lb")
    paras = case.body.split("\n\n")
    entries = [(paras[1], paras[2:4]), (paras[4], paras[5:7]), (paras[7], paras[8:10])]
    meta = dict(site="The Independent", author="Tom Watling", date="2025-03-25T14:02:00+00:00", date_text="Tuesday 25 March 2025 14:02 GMT")
    (out / "liveblog_independent.html").write_text(liveblog(case.title, paras, meta, entries), encoding="utf-8")
    gold = {"title": case.title, "body": paras, "published_at": meta["date"], "comments": 0}
    (out / "liveblog_independent.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
