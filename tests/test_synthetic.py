"""The synthetic benchmark graph: conforms to the shapes, is the same for a seed, has valid business IDs."""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import synthetic
from server.graph.loading import bundled_sources, parse_file
from server.graph.vocabulary import graph_iri
from server.settings import Settings

SMALL = 50
BUSINESS_ID = ox.NamedNode("https://w3id.org/smart-hame/ontology/businessId")


@pytest.fixture(scope="module")
def small() -> list[ox.Quad]:
    return list(synthetic.generate(SMALL, seed=7))


def context(settings: Settings) -> ox.Dataset:
    """The real graphs the synthetic data links to: ontology (schemes), strategy (spearheads), links
    (labels)."""
    ds = ox.Dataset()
    for source in bundled_sources(settings):
        if source.graph in ("ontology", "strategy", "links"):
            for q in parse_file(source.path, ox.NamedNode(graph_iri(source.graph, settings.base_iri))):
                ds.add(q)
    return ds


def test_small_graph_conforms_to_the_shapes_without_warnings(small: list[ox.Quad]) -> None:
    from server.graph.validation import validate

    settings = Settings()
    ds = context(settings)
    for q in small:
        ds.add(q)
    report = validate(ds, settings)
    # Results about the real graphs are test_cli's business; none may be about a synthetic node.
    synthetic_results = [r for r in report.results if "/synthetic/" in r.focus_node]
    assert synthetic_results == [], report.format_text()
    assert len({q.subject for q in small}) > SMALL * 3  # the shapes really had synthetic nodes to check


def test_every_linked_concept_exists_in_the_real_vocabulary() -> None:
    subjects = {q.subject for q in context(Settings())}
    linked = [
        *synthetic.SPEARHEADS,
        synthetic.RDI_CHOICE,
        *synthetic.OTHER_CHOICES,
        *synthetic.AMOUNT_TYPES,
        *synthetic.ORGANISATION_TYPES,
        *synthetic.MUNICIPALITIES,
        *(f[0] for f in synthetic.FUNDS),
    ]
    assert [c.value for c in linked if c not in subjects] == []


def test_same_seed_same_quads_other_seed_other_quads(small: list[ox.Quad]) -> None:
    assert list(synthetic.generate(SMALL, seed=7)) == small
    assert list(synthetic.generate(SMALL, seed=8)) != small


def test_every_minted_iri_and_label_is_marked_synthetic(small: list[ox.Quad]) -> None:
    minted = {q.subject.value for q in small}
    assert all("/synthetic/" in iri for iri in minted)
    labels = [q.object.value for q in small if q.predicate.value.endswith("#prefLabel")]
    assert labels and all(label.startswith("Synthetic") for label in labels)


def test_business_ids_are_valid_and_unique(small: list[ox.Quad]) -> None:
    ids = [q.object.value for q in small if q.predicate == BUSINESS_ID]
    assert len(ids) == synthetic.organisation_count(SMALL) == len(set(ids))
    assert all(synthetic.is_valid_business_id(i) for i in ids)
    many = [synthetic.synthetic_business_id(i) for i in range(0, 100_000, 7)]
    assert len(set(many)) == len(many) and all(map(synthetic.is_valid_business_id, many))


@pytest.mark.parametrize(
    "value,valid",
    [
        ("2617489-3", True),
        ("0146921-4", True),
        ("0145626-1", True),  # HAMK, Hämeenlinna, Forssa
        ("2617489-4", False),
        ("261748-3", False),
        ("2617489", False),
        ("A617489-3", False),
    ],
)
def test_business_id_check_digit(value: str, valid: bool) -> None:
    assert synthetic.is_valid_business_id(value) is valid


def test_streams_and_counts(tmp_path: Path) -> None:
    out = tmp_path / "synthetic.nq"
    count = synthetic.write(out, SMALL, seed=7)
    assert count == sum(1 for _ in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert count == sum(1 for _ in synthetic.generate(SMALL, seed=7))
    first = list(itertools.islice(synthetic.generate(1_000_000, seed=7), 5))  # lazily: nothing built up front
    assert len(first) == 5


def test_refuses_to_write_into_data_or_build() -> None:
    root = Path(synthetic.__file__).resolve().parent.parent
    for folder in ("data", "build"):
        with pytest.raises(ValueError, match="never published"):
            synthetic.write(root / folder / "synthetic.nq", 1)
