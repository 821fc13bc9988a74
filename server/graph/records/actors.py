"""graph/actors: every organisation the sources name, one resource per organisation.

Organisation records (actors.json of every batch) and ``curation.EXTRA_ORGANISATIONS`` are grouped
before any IRI is minted: records with the same business ID are one organisation, then the names
``curation.SAME_ORGANISATION`` joins (the corrections of the batches' READMEs), then records whose
name is another record's alias. Every name but the preferred one is a ``skos:altLabel`` and a
``skosxl:Label`` with the pages it was read on. Project records reach organisations through
:meth:`Organisations.resolve`; a name nobody knows stops the conversion instead of minting a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef

from server.graph.records import curation as cur
from server.graph.records.batch import Located, Record, RecordError
from server.graph.records.notes import published_note
from server.graph.records.terms import (
    ADMS,
    CV,
    DCT,
    FOAF,
    KUNTA,
    LEGAL,
    ORG,
    SKOS,
    SKOSXL,
    SMH,
    business_id_valid,
    fi,
    lang,
    res,
    slug,
    url,
)


def name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("–", "-")).strip().rstrip(".").casefold()


def strip_remark(name: str) -> str | None:
    """'Vanajavesikeskus (koordinoi)' -> 'Vanajavesikeskus'; None when there is no trailing remark."""
    m = re.fullmatch(r"(.+?)\s*\([^()]*\)\s*(?:–.*)?", name) or re.fullmatch(r"(.+?)\s+–\s+.*", name)
    return m.group(1).strip() if m else None


@dataclass
class Organisation:
    name: str
    entry: Record
    label_language: str = "fi"
    sources: set[str] = field(default_factory=set)
    names: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # other name -> its pages
    notes: list[tuple[str, str]] = field(default_factory=list)
    business_id: str | None = None

    @property
    def iri(self) -> URIRef:
        return res(f"organisation/{slug(self.name)}")

    def add_name(self, text: str, language: str, sources: set[str]) -> None:
        if text != self.name:
            self.names.setdefault((text, language), set()).update(sources)


@dataclass(frozen=True)
class Resolved:
    organisation: Organisation | None  # None: the text names no organisation ("not stated in excerpt")
    written_differently: bool  # the record's text is not one of the organisation's names


class Organisations:
    """The organisation register: lookup by name, alias or business ID, and the Turtle for all of them."""

    def __init__(self, actors: list[Located], person_names: set[str] | None = None) -> None:
        self.person_names = person_names or set()
        self.redacted: list[str] = []
        self.by_name: dict[str, Organisation] = {}
        self._iris: set[URIRef] = set()  # of by_name's organisations: a duplicate is found in O(1)
        self._index: dict[str, Organisation] = {}
        self.by_business_id: dict[str, Organisation] = {}
        self.invalid_business_ids: list[tuple[str, str]] = []
        self.merged: list[str] = []
        entries = [(a.data, set(a.data["sources"]), False) for a in actors]
        entries += [(e, set(e["extra_sources"]), True) for e in cur.EXTRA_ORGANISATIONS]
        for group in self._groups(entries):
            self._add_group(group)
        for raw, (name, alias) in cur.NAME_VARIANTS.items():
            org = self.by_name[name]
            self._index.setdefault(name_key(raw), org)
            if alias:
                language, text = ("en", alias[3:]) if alias.startswith("en:") else ("fi", alias)
                self._index.setdefault(name_key(text), org)

    # --- grouping and registering ------------------------------------------------------------------

    @staticmethod
    def _aliases(entry: Record) -> list[str]:
        return [cur.ALIAS_CLEANUP.get(a, a) for a in entry.get("aliases", [])]

    def _groups(
        self, entries: list[tuple[Record, set[str], bool]]
    ) -> list[list[tuple[Record, set[str], bool]]]:
        """Entries that name one organisation, in the order of their first entry (union-find)."""
        parent = list(range(len(entries)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def union(i: int, j: int) -> None:
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)

        seen_id: dict[str, int] = {}
        seen_name: dict[str, int] = {}
        for i, (entry, _, _) in enumerate(entries):
            bid = entry.get("y_tunnus")
            if bid and entry["name"] not in cur.UNITS and business_id_valid(bid):
                union(i, seen_id.setdefault(bid, i))
            target = cur.SAME_ORGANISATION.get(entry["name"], (entry["name"], ""))[0]
            union(i, seen_name.setdefault(name_key(target), i))
            union(i, seen_name.setdefault(name_key(entry["name"]), i))
        for i, (entry, _, _) in enumerate(entries):
            for alias in [entry["name"], *self._aliases(entry)]:
                if name_key(alias) in seen_name:
                    union(i, seen_name[name_key(alias)])
        groups: dict[int, list[tuple[Record, set[str], bool]]] = {}
        for i, item in enumerate(entries):
            groups.setdefault(find(i), []).append(item)
        return [groups[k] for k in sorted(groups)]

    def _add_group(self, group: list[tuple[Record, set[str], bool]]) -> None:
        targets = {
            cur.SAME_ORGANISATION[e["name"]][0] for e, _, _ in group if e["name"] in cur.SAME_ORGANISATION
        }
        records = [item for item in group if not item[2]]
        primary = next(
            (item for item in group if item[0]["name"] in targets), records[0] if records else group[0]
        )
        entry, sources, _ = primary
        merged = dict(entry)
        for other, _, _ in group:  # fields the primary record leaves empty, from the others
            for key in ("website", "organisaatiotyyppi", "municipality"):
                merged[key] = merged.get(key) or other.get(key)
        org = Organisation(entry["name"], merged, entry.get("label_language", "fi"), set(sources))
        if org.name in self.by_name or org.iri in self._iris:
            raise ValueError(f"duplicate organisation {org.name!r}")
        self.by_name[org.name] = org
        self._iris.add(org.iri)
        for other, other_sources, _ in group:
            self._index.setdefault(name_key(other["name"]), org)
            org.add_name(other["name"], other.get("label_language", "fi"), other_sources)
            if other is not entry:
                self.merged.append(f"{other['name']} -> {org.name}")
                org.sources |= other_sources
            for alias in self._aliases(other):
                self._index.setdefault(name_key(alias), org)
                language = cur.ALIAS_LANGUAGES.get(alias, other.get("alias_languages", {}).get(alias, "fi"))
                org.add_name(alias, language, other_sources)
            notes: list[str] = cur.NOTE_OVERRIDES.get(other["name"], other.get("notes") or [])
            org.notes += [(n, "en") for n in notes]
            if other.get("comment_fi"):
                org.notes.append((other["comment_fi"], "fi"))
        for other, other_sources, _ in group:
            if other.get("y_tunnus"):
                holder = self.by_name.get(cur.UNITS.get(other["name"], ""), org)
                self._business_id(holder, other["y_tunnus"], other_sources)

    def _business_id(self, org: Organisation, business_id: str, sources: set[str]) -> None:
        if not business_id_valid(business_id):
            self.invalid_business_ids.append((org.name, business_id))
            return
        if org.business_id not in (None, business_id):
            raise ValueError(f"{org.name} has two business IDs: {org.business_id}, {business_id}")
        other = self.by_business_id.setdefault(business_id, org)
        if other is not org:
            raise ValueError(f"business ID {business_id} on {other.name} and {org.name}")
        org.business_id = business_id
        org.sources |= sources  # the pages that give the ID

    # --- resolving the names project records write ---------------------------------------------------

    def lookup(self, name: str) -> Organisation | None:
        org = self._index.get(name_key(name))
        if org is None and name in cur.NAME_VARIANTS:
            org = self.by_name[cur.NAME_VARIANTS[name][0]]
        return org

    def resolve(
        self, name: str, business_id: str | None = None, source: str | None = None, where: str = ""
    ) -> Resolved:
        """The organisation a record names; the record's page becomes a source of the organisation
        and of the name as written, where that name is kept."""
        if name in cur.NOT_ORGANISATIONS:
            return Resolved(None, True)
        org, written = self.lookup(name), name
        if org is None and business_id in self.by_business_id:
            org = self.by_business_id[business_id]
        if org is None and (stripped := strip_remark(name)) is not None:
            org, written = self.lookup(stripped), stripped
        if org is None:
            raise RecordError(
                where or name,
                f"organisation {name!r} is in no organisation record and not in curation.NAME_VARIANTS",
            )
        if business_id:
            holder = self.by_business_id.get(business_id)
            parent = self.by_name.get(cur.UNITS.get(org.name, org.name))
            if holder is not None and holder not in (org, parent):
                raise RecordError(
                    where or name, f"{name!r} is {org.name}, but {business_id} is {holder.name}'s"
                )
            if holder is None:
                self._business_id(org, business_id, {source} if source else set())
        kept = self._kept_name(org, written)
        if source:
            org.sources.add(source)
            if kept is not None:
                org.add_name(kept[0], kept[1], {source})
        return Resolved(org, written != name or (kept is None and written != org.name))

    def _kept_name(self, org: Organisation, written: str) -> tuple[str, str] | None:
        """The spelling as a name of ``org`` worth keeping, with its language; None for a name plus a remark."""
        if written == org.name:
            return None
        for text, language in org.names:
            if text == written:
                return text, language
        if written in cur.NAME_VARIANTS:
            alias = cur.NAME_VARIANTS[written][1]
            if alias:
                return (alias[3:], "en") if alias.startswith("en:") else (alias, "fi")
        return None

    # --- Turtle ------------------------------------------------------------------------------------

    def graph(self) -> Graph:
        g = Graph()
        for org in sorted(self.by_name.values(), key=lambda o: o.name):
            self._describe(g, org)
        return g

    def _describe(self, g: Graph, org: Organisation) -> None:
        s, entry = org.iri, org.entry
        g.add((s, RDF.type, ORG.Organization))
        g.add((s, SKOS.prefLabel, lang(org.name, org.label_language)))
        translated = cur.TRANSLATED_NAMES.get(org.name, {})
        for language, text in translated.items():
            g.add((s, SKOS.prefLabel, lang(text, language)))
        used: set[str] = set()
        for (text, language), sources in sorted(org.names.items()):
            if text in translated.values() or not sources:
                continue  # SKOS: a preferred label is never also an alternative one
            g.add((s, SKOS.altLabel, lang(text, language)))
            key = f"{slug(text)}-{language}"
            key = next(f"{key}-{n}" for n in range(2, 99) if f"{key}-{n}" not in used) if key in used else key
            used.add(key)
            label = URIRef(f"{s}/name/{key}")
            g.add((s, SKOSXL.altLabel, label))
            g.add((label, RDF.type, SKOSXL.Label))
            g.add((label, SKOSXL.literalForm, lang(text, language)))
            for source in sources:
                g.add((label, DCT.source, url(source)))
        if entry.get("kind") == "collaboration":
            g.add((s, RDF.type, ORG.OrganizationalCollaboration))
        parent: str | None = entry.get("unit_of") or cur.UNITS.get(org.name)
        if org.name in cur.UNIT_OF:
            parent, unit_source = cur.UNIT_OF[org.name]
            g.add((s, DCT.source, url(unit_source)))
        if parent:
            g.add((s, RDF.type, ORG.OrganizationalUnit))
            g.add((s, ORG.unitOf, self.by_name[parent].iri))
        for member in entry.get("members", []):
            g.add((s, ORG.hasMember, self.by_name[member].iri))
        if org.business_id:
            self._identifier(g, org, org.business_id)
        type_slug = self._classify(g, org)
        if entry.get("public") or type_slug in cur.PUBLIC_TYPES or org.name in cur.PUBLIC_BY_NAME:
            g.add((s, RDF.type, CV.PublicOrganisation))
        self._municipality(g, org)
        if entry.get("website"):
            g.add((s, FOAF.homepage, url(entry["website"])))
        for note, language in org.notes:
            published = published_note(note, self.person_names)
            if published != note:
                self.redacted.append(org.name)
            if published:
                g.add((s, SKOS.note, lang(published, language)))
        for source in org.sources:
            g.add((s, DCT.source, url(source)))

    @staticmethod
    def _identifier(g: Graph, org: Organisation, business_id: str) -> None:
        g.add((org.iri, RDF.type, LEGAL.LegalEntity))
        g.add((org.iri, SMH.businessId, lang(business_id, None)))
        ident = URIRef(f"{org.iri}/business-id")
        g.add((org.iri, ADMS.identifier, ident))
        g.add((ident, RDF.type, ADMS.Identifier))
        g.add((ident, SKOS.notation, lang(business_id, None)))
        g.add((ident, DCT.conformsTo, URIRef("https://www.ytj.fi/")))
        g.add((ident, ADMS.schemaAgency, fi("Patentti- ja rekisterihallitus (PRH)")))

    @staticmethod
    def _classify(g: Graph, org: Organisation) -> str | None:
        written = org.entry.get("organisaatiotyyppi")
        if not written:
            return None
        type_slug = cur.ORGANISATION_TYPES.get(written)
        if type_slug:
            g.add((org.iri, ORG.classification, res(f"concept/organisation-types/{type_slug}")))
        if written not in cur.ORGANISATION_TYPES or written[0].islower():
            g.add((org.iri, SKOS.note, fi(f"Organisaatiotyyppi lähteessä: {written}")))
        return type_slug

    @staticmethod
    def _municipality(g: Graph, org: Organisation) -> None:
        written = org.entry.get("municipality") or cur.MUNICIPAL_ORGANISATIONS.get(org.name)
        if not written:
            return
        place = cur.MUNICIPALITY_CLEANUP.get(written, written)
        if place in cur.MUNICIPALITIES:
            g.add((org.iri, SMH.municipality, KUNTA[cur.MUNICIPALITIES[place]["code"]]))
        else:
            why = cur.MUNICIPALITY_NOT_LINKED.get(written, "not one municipality of the code list")
            g.add(
                (org.iri, SKOS.note, lang(f"Municipality as recorded: {written} (not linked: {why})", "en"))
            )
