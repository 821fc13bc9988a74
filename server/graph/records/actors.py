"""graph/actors: every organisation the sources name, deduplicated, and the people of strategy.json.

Organisations come from actors.json, from ``curation.EXTRA_ORGANISATIONS`` and, through
:meth:`Organisations.resolve`, from every name a project record writes. A name the curation does not
know stops the conversion instead of minting a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef

from server.graph.records import curation as cur
from server.graph.records.terms import (
    ADMS,
    CV,
    DCT,
    FOAF,
    KUNTA,
    LEGAL,
    ORG,
    PERSON,
    PROV,
    SKOS,
    SMH,
    business_id_valid,
    fi,
    lang,
    res,
    slug,
    url,
    year,
)


def name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("–", "-")).strip().rstrip(".").casefold()


@dataclass
class Organisation:
    name: str
    entry: dict
    label_language: str = "fi"
    sources: set[str] = field(default_factory=set)
    alt_labels: set[tuple[str, str]] = field(default_factory=set)
    business_id: str | None = None

    @property
    def iri(self) -> URIRef:
        return res(f"organisation/{slug(self.name)}")


class Organisations:
    """The organisation register: lookup by name, alias or business ID, and the Turtle for all of them."""

    def __init__(self, actors: list[dict]) -> None:
        self.by_name: dict[str, Organisation] = {}
        self._index: dict[str, Organisation] = {}
        self.by_business_id: dict[str, Organisation] = {}
        self.invalid_business_ids: list[tuple[str, str]] = []
        for entry in actors:
            self._add(Organisation(entry["name"], entry, sources=set(entry["sources"])))
        for entry in cur.EXTRA_ORGANISATIONS:
            org = Organisation(
                entry["name"], entry, entry.get("label_language", "fi"), set(entry["extra_sources"])
            )
            self._add(org)
        for entry in actors:
            if entry["y_tunnus"]:
                holder = self.by_name[cur.UNITS.get(entry["name"], entry["name"])]
                self._business_id(holder, entry["y_tunnus"])
                holder.sources.update(entry["sources"])  # the pages that give the ID
        for raw, (name, alias) in cur.NAME_VARIANTS.items():
            self._index[name_key(raw)] = self.by_name[name]
            if alias:
                language, text = ("en", alias[3:]) if alias.startswith("en:") else ("fi", alias)
                self.by_name[name].alt_labels.add((text, language))

    def _add(self, org: Organisation) -> None:
        if org.name in self.by_name or any(o.iri == org.iri for o in self.by_name.values()):
            raise ValueError(f"duplicate organisation {org.name!r}")
        self.by_name[org.name] = org
        for alias in [org.name, *org.entry.get("aliases", [])]:
            alias = cur.ALIAS_CLEANUP.get(alias, alias)
            self._index.setdefault(name_key(alias), org)
            if alias != org.name:
                org.alt_labels.add(
                    (
                        alias,
                        cur.ALIAS_LANGUAGES.get(alias, org.entry.get("alias_languages", {}).get(alias, "fi")),
                    )
                )

    def _business_id(self, org: Organisation, business_id: str) -> None:
        if not business_id_valid(business_id):
            self.invalid_business_ids.append((org.name, business_id))
            return
        if org.business_id not in (None, business_id):
            raise ValueError(f"{org.name} has two business IDs: {org.business_id}, {business_id}")
        other = self.by_business_id.setdefault(business_id, org)
        if other is not org:
            raise ValueError(f"business ID {business_id} on {other.name} and {org.name}")
        org.business_id = business_id

    def resolve(self, name: str, business_id: str | None = None, source: str | None = None) -> Organisation:
        """The organisation a record names; its source is added to the organisation's sources."""
        org = self._index.get(name_key(name))
        if org is None:
            raise KeyError(f"organisation {name!r} is not in actors.json or curation.NAME_VARIANTS")
        if business_id:
            holder = self.by_business_id.get(business_id)
            parent = self.by_name.get(cur.UNITS.get(org.name, org.name))
            if holder is not None and holder not in (org, parent):
                raise ValueError(f"{name!r} resolves to {org.name}, but {business_id} is {holder.name}'s")
            if holder is None:
                self._business_id(org, business_id)
        if source:
            org.sources.add(source)
        return org

    def graph(self) -> Graph:
        g = Graph()
        for org in sorted(self.by_name.values(), key=lambda o: o.name):
            self._describe(g, org)
        return g

    def _describe(self, g: Graph, org: Organisation) -> None:
        s, entry = org.iri, org.entry
        g.add((s, RDF.type, ORG.Organization))
        g.add((s, SKOS.prefLabel, lang(org.name, org.label_language)))
        for language, text in cur.TRANSLATED_NAMES.get(org.name, {}).items():
            g.add((s, SKOS.prefLabel, lang(text, language)))
        translated = set(cur.TRANSLATED_NAMES.get(org.name, {}).values())
        for text, language in org.alt_labels:
            if text not in translated:  # SKOS: a preferred label is never also an alternative one
                g.add((s, SKOS.altLabel, lang(text, language)))
        kind = entry.get("kind")
        if kind == "collaboration":
            g.add((s, RDF.type, ORG.OrganizationalCollaboration))
        parent = entry.get("unit_of") or cur.UNITS.get(org.name)
        if kind == "unit" or parent:
            g.add((s, RDF.type, ORG.OrganizationalUnit))
            g.add((s, ORG.unitOf, self.by_name[parent].iri))
        for member in entry.get("members", []):
            g.add((s, ORG.hasMember, self.by_name[member].iri))
        if org.business_id:
            self._identifier(g, org)
        type_slug = self._classify(g, org)
        if entry.get("public") or type_slug in cur.PUBLIC_TYPES or org.name in cur.PUBLIC_BY_NAME:
            g.add((s, RDF.type, CV.PublicOrganisation))
        self._municipality(g, org)
        if entry.get("website"):
            g.add((s, FOAF.homepage, url(entry["website"])))
        for note in cur.NOTE_OVERRIDES.get(org.name, entry.get("notes", [])):
            g.add((s, SKOS.note, lang(note, "en")))
        if entry.get("comment_fi"):
            g.add((s, SKOS.note, fi(entry["comment_fi"])))
        for source in org.sources:
            g.add((s, DCT.source, url(source)))

    def _identifier(self, g: Graph, org: Organisation) -> None:
        g.add((org.iri, RDF.type, LEGAL.LegalEntity))
        g.add((org.iri, SMH.businessId, lang(org.business_id, None)))
        ident = URIRef(f"{org.iri}/business-id")
        g.add((org.iri, ADMS.identifier, ident))
        g.add((ident, RDF.type, ADMS.Identifier))
        g.add((ident, SKOS.notation, lang(org.business_id, None)))
        g.add((ident, DCT.conformsTo, URIRef("https://www.ytj.fi/")))
        g.add((ident, ADMS.schemaAgency, fi("Patentti- ja rekisterihallitus (PRH)")))

    def _classify(self, g: Graph, org: Organisation) -> str | None:
        written = org.entry.get("organisaatiotyyppi")
        if not written:
            return None
        type_slug = cur.ORGANISATION_TYPES.get(written)
        if type_slug:
            g.add((org.iri, ORG.classification, res(f"concept/organisation-types/{type_slug}")))
        if written not in cur.ORGANISATION_TYPES or written[0].islower():
            g.add((org.iri, SKOS.note, fi(f"Organisaatiotyyppi lähteessä: {written}")))
        return type_slug

    def _municipality(self, g: Graph, org: Organisation) -> None:
        written = org.entry.get("municipality") or cur.MUNICIPAL_ORGANISATIONS.get(org.name)
        if not written:
            return
        place = cur.MUNICIPALITY_CLEANUP.get(written, written)
        if place in cur.MUNICIPALITIES:
            g.add((org.iri, SMH.municipality, KUNTA[cur.MUNICIPALITIES[place]["code"]]))
        else:
            g.add(
                (
                    org.iri,
                    SKOS.note,
                    lang(
                        f"Municipality as recorded: {written} (not linked: inferred by the collector)", "en"
                    ),
                )
            )


def people_graph(strategy: dict, orgs: Organisations) -> Graph:
    """People in public roles (strategy.json `people` only): name, and one org:Membership per role variant."""
    g = Graph()
    for person in strategy["people"]:
        name = person["name"]
        p = res(f"person/{slug(name)}")
        g.add((p, RDF.type, PERSON.Person))
        g.add((p, RDF.type, PROV.Agent))
        g.add((p, FOAF.name, lang(name, None)))
        holders = cur.ROLE_ORGANISATIONS[name]
        if len(holders) != len(person["roles"]):
            raise ValueError(f"curation.ROLE_ORGANISATIONS[{name!r}] must list one organisation per role")
        for n, (role, holder) in enumerate(zip(person["roles"], holders)):
            m = res(f"membership/{slug(name)}-{n + 1}")
            g.add((m, RDF.type, ORG.Membership))
            g.add((m, ORG.member, p))
            g.add((m, ORG.organization, orgs.by_name[holder].iri))
            g.add((m, SMH.roleTitle, lang(role["role"], "en" if role["role"] in cur.ENGLISH_ROLES else "fi")))
            if (name, n) in cur.ROLE_YEARS:
                g.add((m, SMH.namedIn, year(cur.ROLE_YEARS[(name, n)])))
            for source in role["sources"]:
                g.add((m, DCT.source, url(source)))
                g.add((p, DCT.source, url(source)))
    return g
