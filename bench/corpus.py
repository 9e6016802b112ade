"""A synthetic news corpus for benchmarks: the same articles as text dumps and as HTML pages.

Every article is distinct (its own sentences, names, numbers and quotes) and carries what real
scrapes carry around the story: menus, "READ MORE" links, share bars, related stories and a
reader comment thread. HTML pages weigh 40-100 KB, like real news pages, most of it scripts,
menus and sidebars. The same seed gives the same corpus byte for byte.

    python -m bench.corpus OUT_DIR -n 10000            # writes OUT_DIR/text/*.txt and OUT_DIR/html/*.html
"""

from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUTLETS = ["Kyiv Ledger", "Baltic Wire", "Danube Herald", "Northern Courier", "Capital Dispatch", "Steppe Times"]
SPEAKERS = [
    ("Volodymyr Zelensky", "Zelensky", "Ukrainian President"),
    ("Volodymyr Zelenskyy", "Zelenskyy", "President"),
    ("Emmanuel Macron", "Macron", "French President"),
    ("Olaf Scholz", "Scholz", "German Chancellor"),
    ("Antonio Guterres", "Guterres", "UN Secretary-General"),
    ("Ursula von der Leyen", "von der Leyen", "European Commission President"),
    ("Dmytro Kuleba", "Kuleba", "Foreign Minister"),
    ("Keir Starmer", "Starmer", "British Prime Minister"),
]
PLACES = ["Kiev", "Kyiv", "Kharkiv", "Kharkov", "Odessa", "Odesa", "Lviv", "Lugansk", "Luhansk", "Donetsk",
          "Zaporozhye", "Zaporizhzhia", "Dnipro", "Brussels", "Warsaw", "Berlin", "Paris", "Geneva"]
TOPICS = ["grain exports", "energy grid", "air defence", "reconstruction funds", "prisoner exchange",
          "ceasefire talks", "sanctions package", "refugee support", "rail links", "nuclear safety",
          "budget support", "demining work", "port traffic", "power outages", "border crossings"]
VERBS = ["said", "told reporters", "stated", "added", "warned", "insisted", "explained"]
NOUNS = ["officials", "ministers", "engineers", "volunteers", "analysts", "residents", "diplomats",
         "negotiators", "farmers", "regional authorities", "aid groups", "economists"]
ACTIONS = ["discussed", "reviewed", "announced", "criticised", "welcomed", "postponed", "expanded",
           "questioned", "approved", "outlined", "rejected", "finalised"]
ADJ = ["new", "long-delayed", "ambitious", "modest", "controversial", "temporary", "joint", "revised",
       "emergency", "multi-year", "regional", "cross-border"]
COMMENTERS = ["Randal Walker", "Jana Dixon", "Sun Risings", "Nelson", "Fred Kreyen", "Jon Reeves",
              "Maria K", "oldtimer42", "Pavlo", "Greta S", "Anon", "Tom Briggs"]
MENU = ["Home", "World", "Europe", "Ukraine", "Business", "Opinion", "Sport", "Culture", "Science",
        "Video", "Podcasts", "Newsletters", "Live"]
WORDS = ("the of and to in a is that for on with as was by at from it be this are have has an "
         "they not but were said which their more about after over than would will into other "
         "could year people government country week state military report support").split()


@dataclass
class Article:
    """One generated story and what surrounds it on the page."""

    key: str
    outlet: str
    title: str
    standfirst: str
    author: str
    published: datetime
    paragraphs: list[str]
    related: list[str]
    comments: list[tuple[str, str, str]]  # (author, posted, text)


def _sentence(rng: random.Random, serial: str) -> str:
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    shapes = [
        f"{rng.choice(NOUNS).capitalize()} in {place} {rng.choice(ACTIONS)} the {rng.choice(ADJ)} plan on {topic} on {rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}.",
        f"The {topic} effort, worth about {rng.randint(2, 950)} million euros, was {rng.choice(ACTIONS)} by {rng.choice(NOUNS)} from {place}.",
        f"According to figures seen by this outlet, {rng.randint(3, 97)} percent of {rng.choice(NOUNS)} near {place} expect changes to {topic} before {rng.choice(['spring', 'winter', 'the summit', 'the vote'])}.",
        f"Reference {serial}: {rng.choice(NOUNS)} said {topic} in {place} remained {rng.choice(['fragile', 'stable', 'uncertain', 'a priority', 'under review'])}.",
        f"{rng.choice(['Earlier', 'Meanwhile', 'Separately', 'Last month'])}, {rng.choice(NOUNS)} in {place} {rng.choice(ACTIONS)} a {rng.choice(ADJ)} report on {topic}.",
    ]
    return rng.choice(shapes)


def _quote(rng: random.Random) -> str:
    full, short, role = rng.choice(SPEAKERS)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
    said = rng.choice(VERBS)
    if rng.random() < 0.5:
        return f"\u201c{words.capitalize()} {rng.choice(TOPICS)},\u201d {role} {full} {said}."
    return f"{short} {said} that the {rng.choice(TOPICS)} would continue: \u201c{words.capitalize()}.\u201d"


def make_article(i: int, seed: int = 0) -> Article:
    rng = random.Random(seed * 1_000_003 + i)
    serial = f"NB-{seed}-{i:07d}"
    paragraphs = []
    for _ in range(rng.randint(6, 12)):
        sentences = [_sentence(rng, serial) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.45:
            sentences.insert(rng.randrange(len(sentences) + 1), _quote(rng))
        paragraphs.append(" ".join(sentences))
    topic, place = rng.choice(TOPICS), rng.choice(PLACES)
    published = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 400_000))
    return Article(
        key=f"{i:07d}",
        outlet=rng.choice(OUTLETS),
        title=f"{place} {rng.choice(ACTIONS)} {rng.choice(ADJ)} deal on {topic} ({serial})",
        standfirst=f"{rng.choice(NOUNS).capitalize()} say the {topic} talks in {place} could take weeks",
        author=f"{rng.choice(['Anna', 'Oleh', 'Marta', 'James', 'Iryna', 'Paul'])} {rng.choice(['Koval', 'Smith', 'Bondar', 'Weber', 'Novak', 'Hughes'])}",
        published=published,
        paragraphs=paragraphs,
        related=[f"{rng.choice(PLACES)}: {rng.choice(ADJ)} {rng.choice(TOPICS)} {rng.choice(ACTIONS)}" for _ in range(rng.randint(6, 12))],
        comments=[
            (
                rng.choice(COMMENTERS),
                (published + timedelta(minutes=rng.randint(5, 900))).strftime("%-m/%-d/%Y at %-I:%M %p"),
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 40))).capitalize() + ".",
            )
            for _ in range(rng.randint(0, 12))
        ],
    )


def render_text(a: Article) -> str:
    """A text dump as scrapers save it: menus, the story, READ MORE, top stories, comments."""
    lines = ["", "", " ".join(MENU[:6]).upper(), "", f"{a.outlet} | {a.related[0]}", "", "LIVE", ""]
    lines += [f"{a.published.strftime('%d %b, %Y %H:%M')} / Home / World", "", a.title, "", a.standfirst, "", "", f"By {a.author}", ""]
    for n, p in enumerate(a.paragraphs):
        lines += [p, ""]
        if n == 2:
            lines += [f"READ MORE: {a.related[1]}", ""]
        if n == 3:
            lines += ["Top stories", "", *[r for r in a.related[2:]], ""]
    lines += ["You can share this story on social media:", "", "[Ukraine](#), [Europe](#)", ""]
    if a.comments:
        lines += ["Your comment here", "", "Sign In", "", "Sort by Recently updated \u25be", ""]
        for who, when, text in a.comments:
            lines += [f"{who} {when} {len(text) % 7}", "", text, "", "[Reply](#)", ""]
    return "\n".join(lines) + "\n"


def _script(rng: random.Random, kb: int) -> str:
    names = ["analytics", "adSlot", "consent", "player", "paywall", "track", "lazyLoad", "prebid"]
    body = []
    size = 0
    while size < kb * 1024:
        name = rng.choice(names) + str(rng.randint(0, 99999))
        chunk = (
            f"function {name}(e,t){{var n=window.__cfg&&window.__cfg['{name}']||{{}};"
            f"for(var i=0;i<{rng.randint(2, 90)};i++){{n[i]=(e*{rng.randint(3, 999)}+t)%{rng.randint(7, 9999)};}}"
            f"return JSON.stringify(n).length>{rng.randint(10, 500)}?n:null}}\n"
        )
        body.append(chunk)
        size += len(chunk)
    return "<script>\n" + "".join(body) + "</script>"


def render_html(a: Article, seed: int = 0) -> str:
    """The same article as a page: head scripts, mega-menu, sidebar, share bar, comment thread."""
    rng = random.Random(f"html-{seed}-{a.key}")
    e = html.escape
    menu = "".join(
        f'<li class="menu__item"><a href="/{m.lower()}/{k}">{e(m)} {k}</a></li>' for m in MENU for k in range(rng.randint(6, 14))
    )
    sidebar = "".join(
        f'<li class="rail__item"><a href="/story/{rng.randint(10**6, 10**7)}"><img src="/img/{rng.randint(1, 10**6)}.jpg" alt="">'
        f'<span>{e(r)}</span></a></li>'
        for r in a.related * 3
    )
    body = []
    for n, p in enumerate(a.paragraphs):
        body.append(f"<p>{e(p)}</p>")
        if n == 2:
            body.append(f'<p class="read-more"><strong>READ MORE:</strong> <a href="/story/{n}">{e(a.related[1])}</a></p>')
        if n == 4:
            body.append('<div class="ad-slot" data-slot="mid"><span>Advertisement</span></div>')
    comments = "".join(
        f'<div class="comment"><span class="comment__author">{e(who)}</span> <time>{e(when)}</time>'
        f'<p class="comment__text">{e(text)}</p><a href="#" class="reply">Reply</a></div>'
        for who, when, text in a.comments
    )
    iso = a.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(a.title)} | {e(a.outlet)}</title>
<meta property="og:title" content="{e(a.title)}">
<meta property="og:site_name" content="{e(a.outlet)}">
<meta name="author" content="{e(a.author)}">
<meta property="article:published_time" content="{iso}">
<link rel="canonical" href="https://news.example/{a.key}">
{_script(rng, rng.randint(8, 28))}
<style>{".c{color:#333}" * rng.randint(200, 700)}</style>
</head><body>
<header class="site-header"><nav class="menu"><ul>{menu}</ul></nav>
<div class="breaking">LIVE: {e(a.related[0])}</div></header>
<main><article>
<h1>{e(a.title)}</h1>
<p class="standfirst">{e(a.standfirst)}</p>
<div class="byline">By <span class="author">{e(a.author)}</span> <time datetime="{iso}">{a.published.strftime('%d %B %Y')}</time></div>
<div class="article-body">
{''.join(body)}
</div>
<div class="share">Share this story: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Telegram</a></div>
</article>
<aside class="rail"><h2>Top stories</h2><ul>{sidebar}</ul></aside>
<section class="comments"><h2>Comments ({len(a.comments)})</h2>{comments}</section>
</main>
<footer><ul>{menu}</ul><p>&copy; {e(a.outlet)}</p></footer>
{_script(rng, rng.randint(4, 18))}
</body></html>
"""
    return page


def write_corpus(out: Path, n: int, seed: int = 0, formats: tuple[str, ...] = ("text", "html"), start: int = 0) -> dict[str, Path]:
    """Write articles start..start+n-1 into out/<format>/; existing files are left as they are."""
    dirs = {}
    for fmt in formats:
        d = Path(out) / fmt
        d.mkdir(parents=True, exist_ok=True)
        dirs[fmt] = d
    for i in range(start, start + n):
        article = None
        for fmt, d in dirs.items():
            path = d / f"{i:07d}.{'txt' if fmt == 'text' else 'html'}"
            if path.exists():
                continue
            article = article or make_article(i, seed)
            path.write_text(render_text(article) if fmt == "text" else render_html(article, seed), encoding="utf-8")
    return dirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="text,html")
    parser.add_argument("--start", type=int, default=0, help="first article number (to grow a corpus)")
    args = parser.parse_args()
    dirs = write_corpus(args.out, args.n, args.seed, tuple(args.formats.split(",")), args.start)
    for fmt, d in dirs.items():
        print(f"{fmt}: {d}")


if __name__ == "__main__":
    main()
