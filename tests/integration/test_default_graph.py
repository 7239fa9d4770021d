"""The default graph the endpoint serves is the data (the dump citykg.nt.gz and the VoID), not
every named graph: a provenance graph of a source line holds a copy of what was read there, and
that copy is seen with GRAPH only, never in the default graph, the fragments or the documents.

The release here is the test release with one source-line graph more, ``.../line/5``, stating
the city's name again, and a dump written as the build writes it: the merge of the data graphs.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from citykg.contract.iris import is_line_graph
from citykg.serve.queryview import examples
from citykg.serve.store import (
    COMPLETE,
    STORE_FORMAT,
    EmbeddedStore,
    ReleaseInfo,
    load_in_memory,
)

from support.app import app_for
from support.html import parse_html

CITY = "https://w3id.org/citykg/id/city/leipzig-deu"
NAME = "https://schema.org/name"
CITYKG = "https://w3id.org/citykg/ontology#"
LINE = "https://w3id.org/citykg/graph/profile/leipzig-deu/2020/line/5"
SOURCE = "https://w3id.org/citykg/source/profiles/leipzig-deu-2020.txt"
REPORT = "https://w3id.org/citykg/graph/validation-report"
LEIPZIG = 'SELECT ?s ?p WHERE { ?s ?p "Leipzig" }'
WHERE_FROM = f"""PREFIX citykg: <{CITYKG}> PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?graph ?first ?last ?source WHERE {{ GRAPH ?graph {{ <{CITY}> <{NAME}> "Leipzig" .
  ?graph citykg:firstLine ?first ; citykg:lastLine ?last ; prov:wasDerivedFrom ?source }} }}"""


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
HYDRA_TOTAL = "http://www.w3.org/ns/hydra/core#totalItems"


def _line_graph() -> list[ox.Quad]:
    """The provenance graph of line 5 as the build writes one: what was read there, and where."""
    g, n = ox.NamedNode(LINE), ox.NamedNode
    five = ox.Literal("5", datatype=n("http://www.w3.org/2001/XMLSchema#positiveInteger"))
    return [
        ox.Quad(n(CITY), n(NAME), ox.Literal("Leipzig"), g),
        ox.Quad(g, n(RDF_TYPE), n(CITYKG + "SourceLines"), g),
        ox.Quad(g, n(CITYKG + "firstLine"), five, g),
        ox.Quad(g, n(CITYKG + "lastLine"), five, g),
        ox.Quad(g, n("http://www.w3.org/ns/prov#wasDerivedFrom"), n(SOURCE), g),
    ]


@pytest.fixture(scope="module")
def provenance_release(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test release with the graph ``.../line/5`` added to its N-Quads, and its dump written
    as the merge of the data graphs (whatever the build of the day puts there)."""
    out = tmp_path_factory.mktemp("provenance") / "releases" / "with-line-5"
    shutil.copytree(release, out)
    quads = list(ox.parse(path=str(release / "citykg.nq"), format=ox.RdfFormat.N_QUADS))
    quads += _line_graph()
    (out / "citykg.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    data = {
        str(q.triple): q.triple
        for q in quads
        if not is_line_graph(q.graph_name.value) and q.graph_name.value != REPORT
    }
    dump = ox.serialize([data[k] for k in sorted(data)], format=ox.RdfFormat.N_TRIPLES)
    (out / "citykg.nt.gz").write_bytes(gzip.compress(dump, mtime=0))
    return out


@pytest.fixture(scope="module")
def client(provenance_release: Path, tmp_path_factory: pytest.TempPathFactory):
    stores = tmp_path_factory.mktemp("stores")
    with app_for(provenance_release, stores, QUERY_WORKERS=1) as app:
        yield app.test_client()


def _rows(client, query: str, **params) -> list[dict[str, str]]:
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    bindings = response.get_json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def test_the_default_graph_holds_the_data_only(client):
    assert _rows(client, LEIPZIG) == [{"s": CITY, "p": NAME}]
    graphs = {r["g"] for r in _rows(client, 'SELECT ?g WHERE { GRAPH ?g { ?s ?p "Leipzig" } }')}
    assert {LINE, "https://w3id.org/citykg/graph/entities"} <= graphs
    lines = f"SELECT ?s WHERE {{ ?s a <{CITYKG}SourceLines> }}"
    assert _rows(client, lines) == []


def test_where_a_value_came_from(client):
    """The query the service description gives finds the line graph of the value."""
    rows = _rows(client, WHERE_FROM)
    assert {"graph": LINE, "first": "5", "last": "5", "source": SOURCE} in rows


def test_a_protocol_dataset_of_named_graphs_only_has_an_empty_default_graph(client):
    assert _rows(client, LEIPZIG, **{"named-graph-uri": LINE}) == []
    graphs = _rows(
        client, 'SELECT ?g WHERE { GRAPH ?g { ?s ?p "Leipzig" } }', **{"named-graph-uri": LINE}
    )
    assert graphs == [{"g": LINE}]
    assert _rows(client, LEIPZIG, **{"default-graph-uri": LINE}) == [{"s": CITY, "p": NAME}]


def _fragment(client, **pattern) -> tuple[set[tuple[str, str, str]], int]:
    """The data triples of a fragment and the count its controls give."""
    response = client.get(
        "/fragments", query_string=pattern, headers={"Accept": "application/trig"}
    )
    assert response.status_code == 200
    dataset = Dataset()
    dataset.parse(data=response.data, format="trig")
    data = {(str(s), str(p), str(o)) for s, p, o in dataset.default_graph}
    [total] = [int(o) for _, _, o, _ in dataset.quads((None, URIRef(HYDRA_TOTAL), None, None))]
    return data, total


def test_fragments_read_the_default_graph(client):
    assert _fragment(client, object='"Leipzig"') == ({(CITY, NAME, "Leipzig")}, 1)
    assert _fragment(client, subject=LINE) == (set(), 0)
    assert _fragment(client, predicate=RDF_TYPE, object=CITYKG + "SourceLines") == (set(), 0)
    page = client.get(
        "/fragments", query_string={"object": '"Leipzig"'}, headers={"Accept": "text/html"}
    )
    html = parse_html(page.data)
    rows = [[cell.words for cell in row] for row in html.one("tbody").rows]
    assert rows == [[CITY, NAME, "Leipzig"]] and not html.mentions("line/5")


def test_documents_read_the_default_graph_and_a_line_graph_dereferences(client):
    city = Graph().parse(data=client.get("/id/city/leipzig-deu.nt").data, format="nt")
    assert len(list(city.objects(URIRef(CITY), URIRef(NAME)))) == 1
    assert "line/5" not in city.serialize(format="nt")
    line = client.get("/graph/profile/leipzig-deu/2020/line/5.ttl")
    assert line.status_code == 200
    graph = Graph().parse(data=line.data, format="turtle")
    assert (URIRef(CITY), URIRef(NAME), None) in graph
    assert str(graph.value(URIRef(LINE), URIRef(CITYKG + "firstLine"))) == "5"
    page = client.get("/graph/profile/leipzig-deu/2020/line/5", headers={"Accept": "text/html"})
    assert page.status_code == 200
    cells = [cell.words for row in parse_html(page.data).rows for cell in row]
    assert "Leipzig" in cells
    assert client.get("/graph/profile/leipzig-deu/2020/line/99999.ttl").status_code == 404


def test_memory_and_disk_stores_hold_the_same(provenance_release: Path, tmp_path):
    info = ReleaseInfo.read(provenance_release)
    disk = EmbeddedStore.for_release(info, tmp_path)
    memory = load_in_memory(provenance_release, tmp_path / "lock")
    assert memory is not None
    for store in (disk, memory):
        assert [(str(r["s"].value), str(r["p"].value)) for r in store.query(LEIPZIG)] == [
            (CITY, NAME)
        ]
        assert [t.subject.value for t in store.triples(obj=ox.Literal("Leipzig"))] == [CITY]
        assert list(store.triples(subject=LINE)) == []
        assert len(list(store.triples(subject=LINE, graph=LINE))) == 4
        assert store.has_graph(LINE)
        void = "ASK { <https://w3id.org/citykg/dataset> a <http://rdfs.org/ns/void#Dataset> }"
        assert bool(store.query(void))
        # A query that names graphs reaches them, whichever store answers it (the in-memory
        # copy answers queries that name no graph from a store of the default graph alone).
        named = 'SELECT ?g WHERE { GRAPH ?g { ?s ?p "Leipzig" } } ORDER BY ?g'
        assert LINE in [r["g"].value for r in store.query(named)]
        dataset = f'SELECT ?s FROM <{LINE}> WHERE {{ ?s ?p "Leipzig" }}'
        assert [r["s"].value for r in store.query(dataset)] == [CITY]
        # "graph" in a string chooses the full store too: the same answer.
        text = 'SELECT ?s WHERE { ?s ?p ?o FILTER (?o = "Leipzig" || ?o = "a graph") }'
        assert [r["s"].value for r in store.query(text)] == [CITY]


def test_a_store_of_the_old_format_is_loaded_again(provenance_release: Path, tmp_path):
    """A store directory loaded by an older citykg (every graph named, an empty marker) is not
    reused: its default graph would be empty."""
    info = ReleaseInfo.read(provenance_release)
    old = ox.Store(str(tmp_path / info.id))
    old.bulk_load(path=str(provenance_release / "citykg.nq"), format=ox.RdfFormat.N_QUADS)
    old.flush()
    del old
    (tmp_path / info.id / COMPLETE).touch()
    store = EmbeddedStore.for_release(info, tmp_path)
    assert (tmp_path / info.id / COMPLETE).read_bytes() == STORE_FORMAT
    assert [r["s"].value for r in store.query(LEIPZIG)] == [CITY]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith("lock")) == [info.id]
    again = EmbeddedStore.for_release(info, tmp_path)  # now reused as it is
    assert [r["s"].value for r in again.query(LEIPZIG)] == [CITY]


def test_a_release_without_its_dump_is_refused(provenance_release: Path, tmp_path):
    broken = tmp_path / "releases" / "no-dump"
    shutil.copytree(provenance_release, broken)
    (broken / "citykg.nt.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"citykg\.nt\.gz"):
        EmbeddedStore.for_release(ReleaseInfo.read(broken), tmp_path / "stores")


def test_the_provenance_example_of_the_query_page(client):
    """The query page's provenance example lists the profile's answers with their source lines,
    every one from a source-line graph; the page says where provenance is."""
    [example] = [e for e in examples() if e.name == "06-where-a-value-came-from.rq"]
    rows = _rows(client, example.text)
    assert rows and all(is_line_graph(r["graph"]) and r["source"] == SOURCE for r in rows)
    assert all(int(r["first"]) <= int(r["last"]) for r in rows)
    page = parse_html(client.get("/query", headers={"Accept": "text/html"}).data)
    assert "the default graph is the data" in page.words and not page.mentions("union")
