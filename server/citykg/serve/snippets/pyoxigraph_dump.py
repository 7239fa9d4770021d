"""Load the N-Quads dump (every named graph) into pyoxigraph: each profile with the source file
its graph was read from (its provenance) and how many statements it makes."""

import gzip
import urllib.request

import pyoxigraph as ox

store = ox.Store()
with urllib.request.urlopen("http://127.0.0.1:5000/dumps/citykg.nq.gz") as response:
    store.bulk_load(gzip.decompress(response.read()), ox.RdfFormat.N_QUADS)

query = """
    PREFIX citykg: <https://w3id.org/citykg/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?profile ?file (COUNT(*) AS ?triples) WHERE {
      GRAPH ?g { ?profile citykg:surveyWave ?wave ; ?p ?o }
      FILTER NOT EXISTS { GRAPH ?g { ?g a citykg:SourceLines } }  # not a source line's graph
      ?g prov:wasDerivedFrom/rdfs:label ?file }
    GROUP BY ?profile ?file"""
for row in store.query(query, use_default_graph_as_union=True):
    print(row["profile"].value, row["file"].value, row["triples"].value)
