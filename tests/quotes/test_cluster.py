"""Reports of one utterance across outlets share a cluster; distinct utterances do not."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from tasks.quotes import cluster_quotes

sys.path.insert(0, str(Path(__file__).parent))
from quote_rows import quote_row  # noqa: E402

FULL = (
    "Donald Trump tried to create good diplomatic relations with Russia. But this kind of method "
    "doesn't work with a man like Putin. If Donald Trump eases sanctions against Russia, he will only "
    "deduce one thing: that he is a weak president"
)


def row(article: str, text: str, speaker: str | None = "Volodymyr Zelensky", eid: str | None = None) -> dict:
    return quote_row(article, text, speaker, eid)


def test_cuts_ellipses_and_brackets_of_one_utterance_cluster_together():
    rows = [
        row("a", FULL),
        row("b", "But this kind of method doesn't work with a man like Putin… If Donald Trump eases sanctions against Russia, he will only deduce one thing"),
        row("c", "Trump tried to create good diplomatic relations with Russia. But this kind of method doesn’t work with a man like Putin"),
        row("d", "[Trump] tried to create good diplomatic relations with Russia. But this kind of method doesn't work with a man like Putin", None),
    ]
    cluster_quotes(rows)
    assert len({r["quote_cluster_id"] for r in rows}) == 1
    assert rows[0]["quote_cluster_id"] == min(r["quote_id"] for r in rows)


def test_distinct_utterances_on_the_same_subject_stay_apart():
    rows = [
        row("a", "We will never recognize these territories that are temporarily occupied by Russia. We cannot do this"),
        row("b", "Judicially, we will not recognize … our occupied territory like territory of Russia. We will never do it"),
        row("c", "One thing is certain: we will never cede our occupied territories to Russia. These lands belong to the Ukrainians"),
    ]
    cluster_quotes(rows)
    assert len({r["quote_cluster_id"] for r in rows}) == 3
    assert all(r["quote_cluster_id"] == r["quote_id"] for r in rows)


def test_a_fragment_joins_the_same_speakers_quote_only():
    rows = [
        row("a", "I think this is a good compromise for everybody, and we are ready to talk"),
        row("a", "compromise"),
        row("b", "compromise", speaker="Pete Hegseth"),
    ]
    cluster_quotes(rows)
    assert rows[1]["quote_cluster_id"] == rows[0]["quote_cluster_id"]
    assert rows[2]["quote_cluster_id"] == rows[2]["quote_id"]


def test_a_fragment_in_two_utterances_does_not_join_them():
    rows = [
        row("a", "We will never give up our land, whatever the cost may be for us"),
        row("b", "Our partners must understand that we will never give up our land to anyone"),
        row("c", "never give up our land"),
    ]
    cluster_quotes(rows)
    assert rows[0]["quote_cluster_id"] != rows[1]["quote_cluster_id"]
    assert rows[2]["quote_cluster_id"] in {rows[0]["quote_cluster_id"], rows[1]["quote_cluster_id"]}


def test_different_speakers_saying_similar_words_stay_apart():
    rows = [
        row("a", "We will keep up the pressure until Russia agrees to a ceasefire", "Kaja Kallas"),
        row("b", "We will keep up the pressure until Russia agrees to a ceasefire", "Mark Rutte"),
    ]
    cluster_quotes(rows)
    assert rows[0]["quote_cluster_id"] != rows[1]["quote_cluster_id"]


def test_ids_do_not_depend_on_row_order():
    rows = [
        row("a", FULL),
        row("b", "But this kind of method doesn't work with a man like Putin"),
        row("c", "The people are most important for today"),
        row("d", "compromise"),
    ]
    cluster_quotes(rows)
    expected = {r["quote_id"]: r["quote_cluster_id"] for r in rows}
    shuffled = [dict(r, quote_cluster_id=None) for r in rows]
    random.Random(7).shuffle(shuffled)
    cluster_quotes(shuffled)
    assert {r["quote_id"]: r["quote_cluster_id"] for r in shuffled} == expected


def test_seed_reports_cluster_within_articles_not_across(dev_docs):
    rows = [r for aid, doc in dev_docs.items() if aid.startswith("seed-") for r in doc.quotes]
    cluster_quotes(rows)
    by_cluster: dict[str, set[str]] = {}
    for r in rows:
        by_cluster.setdefault(r["quote_cluster_id"], set()).add(r["article_id"])
    # the seeds report different interviews (Axios, NBC, Ankara, Le Parisien, Le Figaro)
    assert all(len(articles) == 1 for articles in by_cluster.values())
    text_of = {r["text"]: r for r in rows}
    assert text_of["compromise"]["quote_cluster_id"] == next(
        r["quote_cluster_id"] for r in rows if "good compromise for everybody" in r["text"]
    )
    assert text_of["unrealistic objective."]["quote_cluster_id"] == next(
        r["quote_cluster_id"] for r in rows if r["text"].startswith("We want, like you")
    )


def test_three_outlets_reporting_one_statement_share_a_cluster():
    from tasks.entities import entities_doc
    from tasks.normalise import normalise_doc
    from tasks.quotes import quotes_doc
    from tasks.records import Doc

    outlets = {
        "rt": 'Zelensky said: "Kiev will never recognize these territories as Russian. We will return them '
        'by diplomacy, not by weapons, because the people are most important."',
        "lbc": "“Kyiv will never recognise these territories as Russian,” Mr Zelenskyy said. “We will return "
        "them by diplomacy, not by weapons …”",
        "kp": 'Volodymyr Zelenskyy said Ukraine would return the land "by diplomacy, not by weapons, because the '
        'people are most important."',
        "other": '"We will never recognise the annexation of Crimea," Zelensky said in 2019.',
    }
    rows = []
    for name, text in outlets.items():
        doc = Doc(source_path=name, source_format="text", text=text, article_id=name)
        normalise_doc(doc)
        entities_doc(doc)
        quotes_doc(doc)
        rows += doc.quotes
    cluster_quotes(rows)
    by_article = {}
    for r in rows:
        by_article.setdefault(r["article_id"], []).append(r["quote_cluster_id"])
    rt = set(by_article["rt"])
    assert set(by_article["lbc"]) <= rt and set(by_article["kp"]) <= rt
    assert not set(by_article["other"]) & rt
