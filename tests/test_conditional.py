"""Conditional requests (``server.web.conditional``): one rule for the edge, the pages and the dumps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.web.conditional import entity_tags, http_date, is_fresh

MODIFIED = datetime(2026, 12, 1, 20, 40, 27, tzinfo=UTC)
DATE = "Tue, 01 Dec 2026 20:40:27 GMT"


@pytest.mark.parametrize(
    ("if_none_match", "etag", "fresh"),
    [
        ('"abc"', '"abc"', True),
        ('W/"abc"', '"abc"', True),  # If-None-Match compares weakly
        ('"abc"', 'W/"abc"', True),
        ('"x", "abc"', '"abc"', True),  # a list
        ('"x",W/"abc" ,"y"', '"abc"', True),
        ('"a,bc"', '"a,bc"', True),  # a comma inside a tag is part of it
        ('"a,bc"', '"a"', False),
        ("*", '"anything"', True),
        ('"abcd"', '"abc"', False),
        ('"x", "y"', '"abc"', False),
        ("abc", '"abc"', False),  # not an entity tag
    ],
)
def test_if_none_match_is_a_list_compared_weakly(if_none_match: str, etag: str, fresh: bool) -> None:
    assert is_fresh(if_none_match, None, etag, MODIFIED) is fresh


@pytest.mark.parametrize(
    ("since", "fresh"),
    [
        (DATE, True),
        ("Wed, 02 Dec 2026 00:00:00 GMT", True),  # later than the change: the copy is current
        ("Tue, 01 Dec 2026 20:40:26 GMT", False),  # a second before it
        ("yesterday", False),  # not a date: ignored
        ("", False),
    ],
)
def test_if_modified_since_compares_dates(since: str, fresh: bool) -> None:
    assert is_fresh(None, since, '"abc"', MODIFIED) is fresh


def test_if_none_match_decides_when_both_are_sent() -> None:
    assert is_fresh('"other"', DATE, '"abc"', MODIFIED) is False
    assert is_fresh('"abc"', "Mon, 01 Jan 2001 00:00:00 GMT", '"abc"', MODIFIED) is True
    assert is_fresh(None, None, '"abc"', MODIFIED) is False


def test_helpers() -> None:
    assert entity_tags('W/"a", "b,c" , "d"') == ["a", "b,c", "d"]
    assert http_date(MODIFIED) == DATE


# --- The three users agree ------------------------------------------------------------------------------


def test_the_edge_answers_a_list_and_a_date(client) -> None:
    first = client.get("/sparql", params={"query": "ASK {} # conditional"})
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    params = {"query": "ASK {} # conditional"}
    assert (
        client.get("/sparql", params=params, headers={"if-none-match": f'"nope", {tag}'}).status_code == 304
    )
    assert client.get("/sparql", params=params, headers={"if-modified-since": modified}).status_code == 304
    assert client.get("/sparql", params=params, headers={"if-none-match": '"nope"'}).status_code == 200


def test_a_resource_page_answers_a_list_and_the_strong_form_of_its_weak_tag(client) -> None:
    first = client.get("/project/A70783", headers={"accept": "text/turtle"})
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    for sent in (f'"nope", {tag}', tag.removeprefix("W/"), "*"):
        again = client.get("/project/A70783", headers={"accept": "text/turtle", "if-none-match": sent})
        assert again.status_code == 304, sent
        assert again.headers["etag"] == tag and again.content == b""
    since = client.get(
        "/project/A70783",
        headers={"accept": "text/turtle", "if-modified-since": first.headers["last-modified"]},
    )
    assert since.status_code == 304


def test_a_dump_answers_a_list_and_the_weak_form_of_its_strong_tag(client) -> None:
    identity = {"accept-encoding": "identity"}
    first = client.get("/dumps/SHA256SUMS")  # makes the server write the dumps
    assert first.status_code == 200
    f = client.get("/dumps/graph-links.ttl", headers=identity)
    tag = f.headers["etag"]
    for sent in (f'"nope", {tag}', f"W/{tag}", "*"):
        again = client.get("/dumps/graph-links.ttl", headers={**identity, "if-none-match": sent})
        assert again.status_code == 304, sent
    assert (
        client.get("/dumps/graph-links.ttl", headers={**identity, "if-none-match": '"x"'}).status_code == 200
    )
