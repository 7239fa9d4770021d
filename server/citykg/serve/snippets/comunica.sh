# Comunica (npm install -g @comunica/query-sparql): citykg's Triple Pattern Fragments
# as a source; each city's Wikidata item, reading only the triples the query needs.
comunica-sparql http://127.0.0.1:5000/fragments \
  'PREFIX schema: <https://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
   SELECT ?name ?wikidata WHERE { ?city a schema:City ; schema:name ?name ; owl:sameAs ?wikidata }'
