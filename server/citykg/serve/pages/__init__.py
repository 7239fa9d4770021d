"""Data for the HTML pages, read from the store: profiles, concepts, schemes, the ontology, the
index.

Each function returns plain dicts and lists (datasette's "data first, render second"); templates
turn them into HTML and the RDF alternates of the same resource carry the same facts.
"""
