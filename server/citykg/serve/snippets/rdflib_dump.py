"""Load the Turtle dump into rdflib and list the cities with their Wikidata items."""

import gzip
import urllib.request

from rdflib import Graph

with urllib.request.urlopen("http://127.0.0.1:5000/dumps/citykg.ttl.gz") as response:
    graph = Graph().parse(data=gzip.decompress(response.read()), format="turtle")

rows = graph.query("""
    PREFIX schema: <https://schema.org/>
    PREFIX owl: <http://www.w3.org/2002/07/owl#>
    SELECT ?name ?wikidata WHERE {
      ?city a schema:City ; schema:name ?name .
      OPTIONAL { ?city owl:sameAs ?wikidata } }
    ORDER BY ?name""")
for name, wikidata in rows:
    print(name, wikidata or "")
