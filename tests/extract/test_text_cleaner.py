"""Line-level behaviour of the text cleaner on small, realistic fragments."""

from __future__ import annotations

from datetime import datetime, timezone

from tasks.extract.text_cleaner import clean_text

BODY = [
    "The regional government said on Monday that it would reopen the northern border crossing after a week of talks.",
    "Officials expect several thousand trucks to use the crossing every day once inspections resume next month.",
    "Local businesses have complained for years that the closure cost them customers and pushed up prices.",
]


def test_sentence_split_by_widget_is_rejoined():
    raw = "\n\n".join([
        "Border crossing to reopen after talks",
        BODY[0],
        '"We are ready to move quickly, but we need the inspectors to be in place before we can open the gates to',
        "Most read", "Storm closes ports along the coast", "Minister resigns over expenses",
        'traffic again," the transport minister said.',
        BODY[1],
    ])
    cleaned = clean_text(raw)
    assert cleaned.title == "Border crossing to reopen after talks"
    assert cleaned.paragraphs[1].endswith('open the gates to traffic again," the transport minister said.')
    assert not any("Most read" in p or "Storm closes" in p for p in cleaned.paragraphs)


def test_related_headlines_between_paragraphs_are_dropped():
    raw = "\n".join([BODY[0], "Minister says talks with neighbours 'went well' despite row", BODY[1],
                     "Read more: Border queues reach record length", BODY[2]])
    assert clean_text(raw).paragraphs == BODY


def test_date_prefix_is_metadata_and_rest_is_body():
    cleaned = clean_text(" date 2025-03-27 " + BODY[0] + "\n\n" + BODY[1])
    assert cleaned.published_at == datetime(2025, 3, 27, tzinfo=timezone.utc)
    assert cleaned.paragraphs == BODY[:2]


def test_disqus_style_comments_become_rows():
    raw = "\n".join(["Border crossing to reopen after talks", *BODY, "3 comments", "Sort by Best",
                     "Pieter van Dam • 5 hours ago", "About time. The queues were absurd.", "Reply · Report",
                     "kasia_w • 4 hours ago • edited", "Prices will not come down overnight.", "Reply · Report"])
    cleaned = clean_text(raw)
    assert cleaned.paragraphs == BODY
    assert [(c["author"], c["text"]) for c in cleaned.comments] == [
        ("Pieter van Dam", "About time. The queues were absurd."),
        ("kasia_w", "Prices will not come down overnight."),
    ]
    assert cleaned.comments[0]["posted_at"] is None  # relative times are not guessed


def test_byline_and_dateline_under_headline():
    raw = "\n".join(["Home", "World", "Border crossing to reopen after talks", "By Anna Kowalska and Jan Nowak",
                     "18 December 2024, 22:04", *BODY])
    cleaned = clean_text(raw)
    assert cleaned.author == "Anna Kowalska, Jan Nowak"
    assert cleaned.published_at == datetime(2024, 12, 18, 22, 4, tzinfo=timezone.utc)
    assert cleaned.title == "Border crossing to reopen after talks"


def test_markdown_dump_links_headings_and_emphasis():
    raw = "\n\n".join(["- [Home](#)", "- [World](#)", "[Europe](#), [Borders](#), [Trade](#)",
                       "# Border crossing to reopen after talks", "The crossing was **closed** for a week. " + BODY[0],
                       BODY[1], "[Share on X](#) [Share on Facebook](#)"])
    cleaned = clean_text(raw)
    assert cleaned.title == "Border crossing to reopen after talks"
    assert cleaned.paragraphs == ["The crossing was closed for a week. " + BODY[0], BODY[1]]


def _wrap(words: list[str], width: int = 60) -> list[str]:
    wrapped, line = [], ""
    for w in words:
        if len(line) + len(w) + 1 > width:
            wrapped.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    wrapped.append(line)
    return wrapped


def test_hard_wrapped_dump_is_unwrapped():
    first = (BODY[0] + " " + BODY[1] + " " + BODY[2]).split()
    second = (BODY[2] + " " + BODY[0] + " " + BODY[1]).split()
    raw = "\n".join(["Border crossing to reopen after talks", "", *_wrap(first), "", *_wrap(second), "", "Share this"])
    cleaned = clean_text(raw)
    assert cleaned.paragraphs == [" ".join(first), " ".join(second)]


def test_a_paragraph_printed_twice_is_kept_once():
    lead = BODY[0] + " " + BODY[1]
    raw = "\n".join(["Border crossing to reopen after talks", lead, lead, BODY[2], "Share this"])
    assert clean_text(raw).paragraphs == [lead, BODY[2]]


def test_a_short_line_printed_twice_in_a_row_is_a_caption():
    caption = "Trucks wait at the northern border crossing on Monday."
    raw = "\n".join(["Border crossing to reopen after talks", BODY[0], caption, caption, BODY[1], BODY[2]])
    assert clean_text(raw).paragraphs == BODY[:3]


def test_non_english_body_is_kept():
    body = ["Die Regionalregierung teilte am Montag mit, dass der nördliche Grenzübergang nach einer Woche wieder geöffnet werde.",
            "Nach Angaben der Behörden sollen dort täglich mehrere tausend Lastwagen abgefertigt werden."]
    raw = "\n".join(["Startseite", "Grenzübergang wird nach Gesprächen wieder geöffnet", "Stand: 27.03.2025 14:30 Uhr",
                     *body, "Mehr zum Thema", "Teilen"])
    cleaned = clean_text(raw)
    assert cleaned.paragraphs == body
    assert cleaned.title == "Grenzübergang wird nach Gesprächen wieder geöffnet"


def test_labels_cover_every_input_line():
    raw = "Home\n\n" + "\n".join(BODY) + "\n\nSubscribe"
    cleaned = clean_text(raw)
    assert [line for _, line in cleaned.labels] == raw.split("\n")
    assert {label for label, line in cleaned.labels if line in BODY} == {"body"}


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LINE = st.one_of(
    st.sampled_from(BODY + ["Home", "Share", "Reply", "Jana Dixon 9/26/2025 at 7:51 PM 0", "5 hours ago",
                            "By Anna Kowalska", "26 Sep, 2025 16:44", "[Reply](#)", "- ", "# Title", ""]),
    st.text(max_size=80),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=40))
def test_any_dump_is_handled(lines):
    raw = "\n".join(lines)
    cleaned = clean_text(raw)
    assert [line for _, line in cleaned.labels] == raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert all(p and p == p.strip() and "\n" not in p for p in cleaned.paragraphs)
    assert [c["position"] for c in cleaned.comments] == list(range(len(cleaned.comments)))
