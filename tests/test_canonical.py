"""The published bytes: canonical blank node labels from the blank-node quads alone, and the same bytes
whether the data comes as a Dataset or as a Store (``server.publish.publishing.write_canonical``)."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

from server.graph.releases import ReleaseNotes
from server.graph.versions import count_dataset
from server.publish.ordering import sorted_quads
from server.publish.publishing import file_sha256, publish_version, write_canonical
from server.settings import Settings

EX = "https://example.org/"
G = ox.NamedNode(EX + "g")


def tangled(seed: int, labels: str = "b") -> ox.Dataset:
    """Named nodes and blank nodes in chains, cycles and look-alike stars: RDFC-1.0's hard cases, where a
    blank node's label depends on blank nodes two or three quads away and on the named nodes they touch."""
    rng = random.Random(seed)
    blank = [ox.BlankNode(f"{labels}{i}") for i in range(40)]
    named = [ox.NamedNode(f"{EX}n{i}") for i in range(30)]
    p = [ox.NamedNode(f"{EX}p{i}") for i in range(3)]
    ds = ox.Dataset()
    for i in range(0, 40, 4):  # four-cycles, all alike but for the named node one of them touches
        for j in range(4):
            ds.add(ox.Quad(blank[i + j], p[0], blank[i + (j + 1) % 4], G))
        ds.add(ox.Quad(blank[i], p[1], named[i // 4], G))
    for _ in range(60):
        ds.add(ox.Quad(rng.choice(named), rng.choice(p), rng.choice(named), G))
        ds.add(ox.Quad(rng.choice(blank), p[2], ox.Literal(str(rng.randrange(5))), G))
    return ds


def whole_canonical(ds: ox.Dataset, path: Path) -> str:
    """What publishing wrote before: RDFC-1.0 over every quad."""
    copy = ox.Dataset(ds)
    copy.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    ox.serialize(sorted_quads(copy), output=str(path), format=ox.RdfFormat.N_QUADS)
    return file_sha256(path)


def test_labels_from_the_blank_node_quads_alone_are_those_of_the_whole_dataset(tmp_path: Path) -> None:
    for seed in range(5):
        ds = tangled(seed)
        sha, counts = write_canonical(ds, tmp_path / "part.nq")
        assert sha == whole_canonical(ds, tmp_path / "whole.nq"), seed
        assert counts == count_dataset(ds)
        assert len(ds) == counts["triples"]  # the caller's data is not changed


def test_other_input_labels_give_the_same_bytes(tmp_path: Path) -> None:
    first, _ = write_canonical(tangled(3, "b"), tmp_path / "a.nq")
    relabelled, _ = write_canonical(tangled(3, "other"), tmp_path / "b.nq")
    assert first == relabelled
    changed = tangled(3)
    changed.add(ox.Quad(ox.BlankNode("b5"), ox.NamedNode(EX + "p1"), ox.NamedNode(EX + "n29"), G))
    assert write_canonical(changed, tmp_path / "c.nq")[0] != first


def test_a_store_in_memory_or_on_disk_gives_the_bytes_of_the_dataset(tmp_path: Path) -> None:
    ds = tangled(1)
    sha, counts = write_canonical(ds, tmp_path / "ds.nq")
    memory = ox.Store()
    memory.bulk_extend(ds)
    disk = ox.Store(str(tmp_path / "store"))
    disk.bulk_extend(ds)
    assert write_canonical(memory, tmp_path / "memory.nq") == (sha, counts)
    assert write_canonical(disk, tmp_path / "disk.nq") == (sha, counts)


def test_a_release_published_from_a_store_is_the_release_of_the_dataset(tmp_path: Path) -> None:
    ds = tangled(2)
    store = ox.Store()
    store.bulk_extend(ds)
    notes = ReleaseNotes("build", "Tests", "tests/test_canonical.py")
    from_dataset = publish_version(ds, Settings(build_dir=tmp_path / "a", base_iri=EX), notes)
    from_store = publish_version(store, Settings(build_dir=tmp_path / "b", base_iri=EX), notes)
    assert from_store.content_sha256 == from_dataset.content_sha256
    assert from_store.manifest["graphs"] == from_dataset.manifest["graphs"] == {G.value: len(ds)}
    again = publish_version(store, Settings(build_dir=tmp_path / "b", base_iri=EX), notes)
    assert not again.created  # the store's content is what is current
