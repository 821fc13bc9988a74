"""People in public roles, as named on official pages: the strategy facts' ``people`` and the
strategy additions' ``people_additions``, never anyone a record's ``note`` mentions, never contact
details. One ``org:Membership`` per role as written, with the pages that name it."""

from __future__ import annotations

import re
from typing import Any

from rdflib import RDF, Graph

from server.graph.records import curation as cur
from server.graph.records import curation_additions as add
from server.graph.records.actors import Organisations
from server.graph.records.batch import RecordError
from server.graph.records.terms import DCT, FOAF, ORG, PERSON, PROV, SMH, lang, res, slug, url, year


def roles(
    strategy: dict[str, Any] | None, additions: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Every person's roles: those of the strategy facts first, then the additions, in order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for person in (strategy or {}).get("people", []):
        out.setdefault(person["name"], []).extend(
            {"role": r["role"], "sources": r["sources"], "added": False} for r in person["roles"]
        )
    for section in additions:
        for person in section.get("people_additions", []):
            out.setdefault(person["name"], []).append(
                {"role": person["role"], "sources": person["sources"], "added": True}
            )
    return out


def role_organisation(name: str, n: int, role: dict[str, Any]) -> str:
    if not role["added"]:
        holders = cur.ROLE_ORGANISATIONS[name]
        return holders[n]
    key = (name, role["role"])
    if key not in add.ADDED_ROLE_ORGANISATIONS:
        raise RecordError(
            f"people_additions: {name}",
            f"no organisation for the role {role['role']!r}; add it to curation_additions.ADDED_ROLE_ORGANISATIONS",
        )
    return add.ADDED_ROLE_ORGANISATIONS[key]


def role_year(name: str, n: int, role: dict[str, Any]) -> str | None:
    if (name, n) in cur.ROLE_YEARS:
        return cur.ROLE_YEARS[(name, n)]
    if role["added"] and (name, role["role"]) in add.ADDED_ROLE_YEARS:
        return add.ADDED_ROLE_YEARS[(name, role["role"])]
    if role["added"]:
        # The additions date a role in its text: "maakuntajohtaja (chosen 4.4.2022)", "(2018)".
        m = re.search(r"\b((?:19|20)\d\d)\b", role["role"])
        return m.group(1) if m else None
    return None


def people_graph(
    strategy: dict[str, Any] | None, additions: list[dict[str, Any]], orgs: Organisations
) -> Graph:
    g = Graph()
    for name, person_roles in roles(strategy, additions).items():
        original = [r for r in person_roles if not r["added"]]
        if original and len(cur.ROLE_ORGANISATIONS.get(name, [])) != len(original):
            raise ValueError(f"curation.ROLE_ORGANISATIONS[{name!r}] must list one organisation per role")
        p = res(f"person/{slug(name)}")
        g.add((p, RDF.type, PERSON.Person))
        g.add((p, RDF.type, PROV.Agent))
        g.add((p, FOAF.name, lang(name, None)))
        for n, role in enumerate(person_roles):
            holders = [role_organisation(name, n, role)]
            holders += add.ADDED_ROLE_ALSO.get((name, role["role"]), []) if role["added"] else []
            for k, holder in enumerate(holders):
                m = res(f"membership/{slug(name)}-{n + 1}" + (f"-{k + 1}" if k else ""))
                g.add((m, RDF.type, ORG.Membership))
                g.add((m, ORG.member, p))
                g.add((m, ORG.organization, orgs.by_name[holder].iri))
                english = cur.ENGLISH_ROLES | add.ADDED_ENGLISH_ROLES
                language = "en" if role["role"] in english else "fi"
                g.add((m, SMH.roleTitle, lang(role["role"], language)))
                when = role_year(name, n, role)
                if when:
                    g.add((m, SMH.namedIn, year(when)))
                for source in role["sources"]:
                    g.add((m, DCT.source, url(source)))
                    g.add((p, DCT.source, url(source)))
    return g
