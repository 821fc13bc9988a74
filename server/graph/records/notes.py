"""Collectors' notes as published: every sentence that names a person is left out.

A record's ``note`` may mention a person as the page did (a project manager, an editor); the graph
names people only in public roles from the strategy facts, and never takes a name from a note
(HELPERS.md, real-data-2 README "People"). The names looked for are the people of the strategy facts
and ``curation.NAMES_IN_NOTES``, the other people the notes mention (found by reading every note).
"""

from __future__ import annotations

import re

from server.graph.records import curation as cur

SENTENCE = re.compile(r"(?<=[.;])\s+")


def published_note(note: str, person_names: set[str]) -> str | None:
    """``note`` without the sentences that name a person; None when nothing is left."""
    names = person_names | cur.NAMES_IN_NOTES
    kept = [part for part in SENTENCE.split(note) if not any(n in part for n in names)]
    text = " ".join(kept).strip()
    if text.endswith(";"):
        text = text[:-1].rstrip() + "."
    return text or None
