"""Quote-mark pairing: every glyph convention, and the apostrophes that are not quote marks."""

from __future__ import annotations

import pytest

from tasks.quotes.marks import find_quotes


def inner(text: str) -> list[str]:
    return [text[q.open_end : q.close_start] for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He said: “We will win.”", ["We will win."]),
        ('He said: "We will win."', ["We will win."]),
        ("He said: 'We will win.'", ["We will win."]),
        ("He said: ''We will win.''", ["We will win."]),
        ("Il a dit : « Nous gagnerons », a-t-il ajouté.", [" Nous gagnerons "]),
        ("Er sagte: „Wir werden gewinnen.“ Dann ging er.", ["Wir werden gewinnen."]),
        ("He said: ‘We will win.’", ["We will win."]),
    ],
)
def test_every_mark_convention(text, expected):
    assert inner(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine's allies don't agree, and Kyiv's mayor won't either.",
        "In the '90s the city's economy grew; by ’22 it had shrunk.",
        "The Ukrainians' land and the farmers' unions were mentioned.",
        "It was rock 'n' roll, said the band's singer.",
    ],
)
def test_apostrophes_are_not_quotes(text):
    assert find_quotes(text) == []


def test_plural_possessive_inside_a_single_quoted_quote():
    text = "She said 'the farmers' anger is real' and left."
    assert inner(text) == ["the farmers' anger is real"]


def test_mixed_glyphs_pair_by_position_not_shape():
    # seed 003: opened with “, a straight " opens the next paragraph, closed by ”
    text = 'Mr Zelenskyy said: “We cannot give up.\n\n"De facto, we do not have the strength,” he told Le Parisien.'
    (q,) = find_quotes(text)
    assert text[q.open_end : q.close_start] == 'We cannot give up.\n\n"De facto, we do not have the strength,'


def test_quote_running_over_three_paragraphs_is_one_quote():
    text = "“One.\n\n“Two.\n\n“Three,” the governor said.\n\nShe left. “New quote,” she said."
    found = inner(text)
    assert found == ["One.\n\n“Two.\n\n“Three,", "New quote,"]


def test_quote_broken_by_removed_furniture_continues_into_next_paragraph():
    # the paragraph break left where a related link was cut: no reopening mark, a closing one first
    text = '"It only gives\n\nour opponents an argument," the minister said.'
    assert inner(text) == ["It only gives\n\nour opponents an argument,"]


def test_nested_quotes_stay_inside_the_outer_one():
    text = "\"Management keeps saying 'temporary headwinds', but this is the third downgrade,\" said Brandt."
    assert inner(text) == ["Management keeps saying 'temporary headwinds', but this is the third downgrade,"]
    british = "'He told me \"never\", and meant it,' she said."
    assert inner(british) == ['He told me "never", and meant it,']


def test_unclosed_double_quote_ends_with_its_paragraph():
    text = 'He said: "We will never give up.\n\nThe talks ended on Friday.'
    assert inner(text) == ["We will never give up."]


def test_stray_closing_mark_and_inch_marks_are_ignored():
    assert find_quotes('The 12" gun and a stray” mark.') == []
