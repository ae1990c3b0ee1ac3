"""The HTML helpers of the page tests."""

from tests.web.html import inner_html, parse, split_oob


def test_split_oob_separates_out_of_band_elements():
    main, oob = split_oob(
        '<p>un</p>\n<div id="x" hx-swap-oob="innerHTML"><b>deux</b></div><p id="y" hx-swap-oob="true">trois</p>'
    )

    assert main.strip() == "<p>un</p>"
    assert oob == {"x": "<b>deux</b>", "y": "trois"}


def test_inner_html_returns_the_source_of_one_element():
    source = '<div id="a"><p>un <b>deux</b></p><br></div><p id="b">trois</p>'

    assert inner_html(source, "a") == "<p>un <b>deux</b></p><br>"
    assert parse(source).find(id="b").text == "trois"
