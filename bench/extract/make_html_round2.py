"""Second round of HTML layouts (see make_html_round.py): a Gutenberg WordPress post with block
quotes and embeds, a Guardian-style page with rich-link asides and islands, and short briefs whose
paragraphs carry many inline links (where trafilatura's precision mode could drop text).

    .venv/bin/python bench/extract/make_html_round2.py OUT_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "extract"))
sys.path.insert(0, str(ROOT))
from make_html_round import COMMENTS, RELATED, TEXT, E, jsonld  # noqa: E402
from tasks.extract.evaluate import parse_lbl  # noqa: E402

_NAMEISH = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+")


def linked(p: str) -> str:
    """The paragraph with its capitalised names as links, as wire-fed sites print them."""
    out, last = [], 0
    for m in _NAMEISH.finditer(p):
        out.append(E(p[last:m.start()]) + f'<a href="/topic/{m.group(0).lower().replace(" ", "-")}">{E(m.group(0))}</a>')
        last = m.end()
    return "".join(out) + E(p[last:])


def gutenberg(title, paras, meta):
    stand, body = paras[0], paras[1:]
    blocks = []
    for i, p in enumerate(body):
        blocks.append(f"<p>{linked(p)}</p>")
        if i == 0:
            blocks.append('<figure class="wp-block-image size-large"><img src="/w/1.jpg" alt=""><figcaption class="wp-element-caption">'
                          'Smoke rises after a strike, March 2025. Photo: Press service / Handout</figcaption></figure>')
        if i == 1:
            blocks.append('<figure class="wp-block-embed is-type-rich is-provider-twitter"><div class="wp-block-embed__wrapper">'
                          '<blockquote class="twitter-tweet"><p lang="en">Breaking: more details soon. Follow our live coverage.</p>&mdash; Newsroom (@newsroom) '
                          '<a href="https://twitter.com/x/status/1">March 20, 2025</a></blockquote></div></figure>')
        if i == 2 and len(body) > 3:
            blocks.append(f'<blockquote class="wp-block-pullquote"><p>{E(body[0].split(". ")[0].rstrip(".") + ".")}</p></blockquote>')
    cm = "".join(f'<li id="comment-{k}" class="comment"><article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{E(a)}</b></div>'
                 f'<div class="comment-metadata"><time datetime="{t}">{t[:10]}</time></div></footer><div class="comment-content"><p>{E(x)}</p></div></article></li>'
                 for k, (a, t, x) in enumerate(COMMENTS))
    return f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>{E(title)} &#8211; {E(meta['site'])}</title>
<meta property="og:title" content="{E(title)}"><meta property="og:site_name" content="{E(meta['site'])}"><meta property="og:description" content="{E(stand)}">
<meta property="article:published_time" content="{meta['date']}"><script type="application/ld+json">{jsonld(title, meta)}</script>
<link rel="stylesheet" href="/wp-content/themes/x/style.css"></head>
<body class="post-template-default single single-post"><div class="wp-site-blocks"><header class="wp-block-template-part"><div class="wp-block-group"><p class="wp-block-site-title"><a href="/">{E(meta['site'])}</a></p>
<nav class="wp-block-navigation"><ul><li><a href="/news">News</a></li><li><a href="/analysis">Analysis</a></li><li><a href="/support">Support us</a></li></ul></nav></div></header>
<main class="wp-block-group"><h1 class="wp-block-post-title">{E(title)}</h1><div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">{E(stand)}</p></div>
<div class="wp-block-post-date"><time datetime="{meta['date']}">{E(meta['date_text'])}</time></div><div class="wp-block-post-author__name">{E(meta['author'])}</div>
<div class="entry-content wp-block-post-content">{''.join(blocks)}
<div class="wp-block-group donate-box"><h3>Independent journalism needs you</h3><p>We are funded by readers. If you value this reporting, please consider a monthly donation.</p><div class="wp-block-buttons"><a class="wp-block-button__link">Donate</a></div></div></div>
<div class="taxonomy-post_tag wp-block-post-terms"><a href="/tag/ukraine">Ukraine</a><span>, </span><a href="/tag/war">war</a></div>
<div class="wp-block-comments"><h2 class="wp-block-comments-title">{len(COMMENTS)} responses</h2><ol class="wp-block-comment-template">{cm}</ol></div></main>
<footer class="wp-block-template-part"><p>&copy; 2025 {E(meta['site'])}</p><p>Proudly powered by WordPress</p></footer></div></body></html>"""


def dcr(title, paras, meta):
    stand, body = paras[0], paras[1:]
    els = []
    for i, p in enumerate(body):
        els.append(f'<p class="dcr-s23rjr">{linked(p)}</p>')
        if i == 0:
            els.append(f'<aside data-spacefinder-role="richLink" class="dcr-rich"><gu-island name="RichLinkComponent"><a href="/r/1"><div class="dcr-kicker">Ukraine</div><div class="dcr-h">{E(RELATED[0])}</div></a></gu-island></aside>')
        if i == 2:
            els.append('<figure data-spacefinder-role="inline"><picture><img src="/g.jpg" alt="Soldiers at a training ground"></picture>'
                       '<figcaption><span class="dcr-cap">Soldiers at a training ground in the Donetsk region.</span> Photograph: Anatolii Stepanov/AFP/Getty Images</figcaption></figure>')
        if i == 3:
            els.append('<div id="slot-body-end"><gu-island name="SlotBodyEnd"><div class="contributions"><p>... we have a small favour to ask. Millions are turning to us for open, independent, quality news every day.</p><a>Support us</a></div></gu-island></div>')
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{E(title)} | {E(meta['site'])}</title>
<meta property="og:title" content="{E(title)}"><meta property="og:site_name" content="{E(meta['site'])}"><meta property="og:description" content="{E(stand)}">
<meta property="article:published_time" content="{meta['date']}"><meta name="author" content="{E(meta['author'])}">
<script type="application/ld+json">{jsonld(title, meta)}</script><script>window.guardian={{"config":{{"page":{{"isPaidContent":false}}}}}}</script></head>
<body><div id="bannerandheader"><gu-island name="SignInGate"></gu-island><header><nav><a href="/">News</a><a href="/opinion">Opinion</a><a href="/sport">Sport</a><a href="/culture">Culture</a><a href="/lifeandstyle">Lifestyle</a></nav></header></div>
<main data-layout="StandardLayout"><article><div data-gu-name="headline"><h1>{E(title)}</h1></div><div data-gu-name="standfirst"><div class="dcr-standfirst"><p>{E(stand)}</p></div></div>
<div data-gu-name="meta"><address><a rel="author" href="/profile/x">{E(meta['author'])}</a></address><details><summary>{E(meta['date_text'])}</summary></details>
<div class="dcr-share"><gu-island name="ShareButton"><button>Share</button></gu-island></div></div>
<div data-gu-name="body"><div id="maincontent"><div class="article-body-commercial-selector article-body-viewer-selector">{''.join(els)}</div></div>
<div class="submeta"><span>Explore more on these topics</span><ul><li><a href="/world/ukraine">Ukraine</a></li><li><a href="/world/russia">Russia</a></li><li><a href="/world/europe-news">Europe</a></li></ul>
<a href="#">Share</a><a href="#">Reuse this content</a></div></div></article>
<section data-component="more-on-this-story"><h2>More on this story</h2><ul>{''.join(f'<li><a href="/m{k}"><h3>{E(r)}</h3></a></li>' for k, r in enumerate(RELATED))}</ul></section>
<section data-component="most-popular"><h2>Most viewed</h2><ol>{''.join(f'<li><a href="/p{k}">{E(r)}</a></li>' for k, r in enumerate(RELATED))}</ol></section></main>
<footer><ul><li><a href="/about">About us</a></li><li><a href="/help">Help</a></li><li><a href="/privacy">Privacy policy</a></li></ul><p>&copy; 2025 Guardian News &amp; Media Limited or its affiliated companies. All rights reserved.</p></footer></body></html>"""


PAGES = [
    ("gutenberg_novaya_bonuses", gutenberg, "novaya_europe_toc_r3",
     dict(site="Novaya Gazeta Europe", author="Novaya Gazeta Europe", date="2025-03-12T09:00:00+00:00", date_text="12 March 2025", url="https://example.com/bonuses")),
    ("gutenberg_up_dnipro", gutenberg, "up_en_quote_background_r4",
     dict(site="Ukrainska Pravda", author="Iryna Kutielieva", date="2025-03-31T08:20:00+00:00", date_text="Monday, 31 March 2025, 11:20", url="https://example.com/dnipro")),
    ("dcr_france24_macron", dcr, "france24_style_r5",
     dict(site="France 24", author="FRANCE 24", date="2025-03-27T07:52:00+00:00", date_text="Thu 27 Mar 2025 08.52 CET", url="https://example.com/macron")),
    ("dcr_euractiv_loans", dcr, "euractiv_split_edited_r5",
     dict(site="Euractiv", author="Aurélie Pugnet", date="2025-03-19T12:02:00+00:00", date_text="Wed 19 Mar 2025 13.02 CET", url="https://example.com/loans")),
    ("dcr_bloomberg_rates", dcr, "bloomberg_style_mostread_r1",
     dict(site="Bloomberg", author="Bloomberg News", date="2025-03-21T10:32:00+00:00", date_text="Fri 21 Mar 2025 10.32 GMT", url="https://example.com/rates")),
]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, layout, case_name, meta in PAGES:
        case = parse_lbl((TEXT / f"{case_name}.lbl").read_text(encoding="utf-8"), case_name)
        paras = case.body.split("\n\n")
        (out / f"{name}.html").write_text(layout(case.title, paras, meta), encoding="utf-8")
        gold = {"title": case.title, "body": paras, "published_at": meta["date"],
                "comments": len(COMMENTS) if layout is gutenberg else 0}
        (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
