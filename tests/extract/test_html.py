"""The HTML path: trafilatura body, tag metadata, standfirst, fallback to the text cleaner."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tasks.extract.html import extract_html, html_to_text

PARAS = [
    f"{sentence[:-1]}, according to the {office} office."
    for office in ("regional", "customs", "transport", "mayor's")
    for sentence in (
        "The regional government said on Monday that it would reopen the northern border crossing after a week of talks.",
        "Officials expect several thousand trucks to use the crossing every day once inspections resume next month.",
        "Local businesses have complained for years that the closure cost them customers and pushed up prices.",
    )
]  # twelve distinct paragraphs: a paragraph printed twice is a pull quote and kept once


def page(article: str, head: str = "") -> str:
    return (f"<html><head><title>Border crossing to reopen | Daily Ledger</title>{head}</head><body>"
            "<nav><a href='/'>Home</a><a href='/world'>World</a></nav>" + article +
            "<aside><h2>Most read</h2><ul><li><a href='/a'>Storm closes ports</a></li></ul></aside>"
            "<footer>&copy; 2025 Daily Ledger. All rights reserved.</footer></body></html>")


def test_body_metadata_and_no_title_paragraph():
    ld = {"@type": "NewsArticle", "headline": "Border crossing to reopen", "datePublished": "2025-03-04T09:12:00Z",
          "author": {"@type": "Person", "name": "Anna Kowalska"}, "publisher": {"name": "Daily Ledger"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script><link rel="canonical" href="https://ledger.example/a">'
    art = "<article><h1>Border crossing to reopen</h1>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
    got = extract_html(page(art, head))
    assert got.paragraphs == PARAS
    assert (got.title, got.author, got.outlet, got.url) == (
        "Border crossing to reopen", "Anna Kowalska", "Daily Ledger", "https://ledger.example/a")
    assert got.published_at == datetime(2025, 3, 4, 9, 12, tzinfo=timezone.utc)
    assert got.extractor == "trafilatura"


def test_visible_standfirst_is_kept():
    dek = "Trucks will be able to cross again from next month, officials said after a week of talks."
    head = f'<meta property="og:description" content="{dek}">'
    art = (f"<div class='header'><h1>Border crossing to reopen</h1><p class='standfirst'>{dek}</p></div>"
           "<article>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>")
    got = extract_html(page(art, head))
    assert got.paragraphs[0] == dek and got.paragraphs[1:] == PARAS


def test_layout_table_falls_back_to_text_cleaner():
    art = ("<table><tr><td><a href='/'>Home</a> | <a href='/n'>News</a></td></tr><tr><td>"
           "<b>Border crossing to reopen after talks</b><br><br>" + "<br><br>".join(PARAS[:3]) +
           "</td></tr></table>")
    got = extract_html(page(art))
    assert got.extractor == "text-fallback"
    assert got.paragraphs == PARAS[:3]


def test_html_to_text_keeps_blocks_apart():
    text = html_to_text("<html><body><p>One <b>two</b></p><div>three</div><script>x()</script></body></html>")
    assert text.split("\n\n") == ["One two", "three"]


def _wordpress_comment(k: int, author: str, text: str) -> str:
    return (f'<li class="comment" id="comment-{k}"><div class="comment-author"><b class="fn">{author}</b></div>'
            f'<div class="comment-metadata"><time datetime="2025-02-14T0{k}:00:00+00:00">Feb 14</time></div>'
            f'<div class="comment-content"><p>{text}</p></div><a class="comment-reply-link">Reply</a></li>')


def _bem_comment(k: int, author: str, text: str) -> str:
    return (f'<li class="comment"><div class="comment__header"><img class="comment__avatar" src="/a.png" alt="">'
            f'<span class="comment__author">{author}</span> <time class="comment__time">2/14/2025 at {k}:05 AM</time></div>'
            f'<div class="comment__body"><p class="comment__text">{text}</p></div>'
            f'<div class="comment__actions"><a href="#" class="reply">Reply</a> <button>Like <span>3</span></button></div></li>')


@pytest.mark.parametrize(
    "item, thread",
    [
        (_wordpress_comment, '<div id="comments"><ol class="comment-list">{}</ol></div>'),
        (_bem_comment, '<section class="comments"><ol class="comments__list">{}</ol></section>'),
    ],
    ids=["wordpress", "bem-class-names"],
)
def test_marked_up_reader_comments_become_rows(item, thread):
    comments = "".join(item(k, a, t) for k, (a, t) in enumerate([("Pieter", "About time."), ("kasia_w", "Prices will not fall.")], start=1))
    art = "<article>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
    got = extract_html(page(art + thread.format(comments)))
    assert got.paragraphs == PARAS
    assert [(c["author"], c["text"], c["posted_at"].hour) for c in got.comments] == [
        ("Pieter", "About time.", 1), ("kasia_w", "Prices will not fall.", 2)]


def test_description_only_in_meta_tags_is_not_added():
    dek = "Trucks will be able to cross again from next month, officials said after a week of talks."
    ld = json.dumps({"@type": "NewsArticle", "description": dek})
    head = (f'<meta name="description" content="{dek}"><meta property="og:description" content="{dek}">'
            f'<script type="application/ld+json">{ld}</script>')
    art = "<article><h1>Border crossing to reopen</h1>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
    assert extract_html(page(art, head)).paragraphs == PARAS


def test_byline_and_dateline_at_the_top_of_the_text_are_metadata():
    art = ("<article><h1>Border crossing to reopen</h1><p>By Anna Kowalska</p><p>4 March 2025, 09:12</p>"
           + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>")
    assert extract_html(page(art)).paragraphs == PARAS


def test_control_characters_in_the_description_do_not_break_extraction():
    dek = "Trucks will be able to cross again\x01 from next month, officials said after a week of talks."
    head = f'<meta property="og:description" content="{dek}">'
    art = "<article>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
    assert extract_html(page(art, head)).paragraphs == PARAS


def test_html_to_text_survives_control_characters():
    assert html_to_text("\x1f<script><p><p></script>-->") == "-->"


def test_pull_quote_repeating_a_paragraph_and_a_donation_box_are_dropped():
    art = ("<article><h1>Border crossing to reopen</h1><div class='entry-content'>"
           + "".join(f"<p>{p}</p>" for p in PARAS[:6])
           + f"<blockquote class='wp-block-pullquote'><p>{PARAS[1]}</p></blockquote>"
           + "".join(f"<p>{p}</p>" for p in PARAS[6:])
           + "<div class='donate'><h3>Independent journalism needs you</h3><p>We are funded by readers. "
             "If you value this reporting, please consider a monthly donation.</p></div></div></article>")
    assert extract_html(page(art)).paragraphs == PARAS
