# Leipzig's mayor, as CSV, from the SPARQL endpoint
curl -s -H 'Accept: text/csv' --data-urlencode 'query=
  PREFIX citykg: <https://w3id.org/citykg/ontology#>
  PREFIX schema: <https://schema.org/>
  PREFIX org: <http://www.w3.org/ns/org#>
  SELECT ?name WHERE {
    ?holding citykg:post/org:role citykg:Mayor ;
             citykg:post/org:postIn/^citykg:administration/schema:name "Leipzig" ;
             citykg:holder/schema:name ?name }' \
  http://127.0.0.1:5000/sparql

# Leipzig as Turtle, by content negotiation on its IRI
curl -s -H 'Accept: text/turtle' http://127.0.0.1:5000/id/city/leipzig-deu
