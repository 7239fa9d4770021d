"""What the build wing and the serve wing agree on, defined once: the project's paths, the
release layout, the formats, the IRIs (minting and recognising) and the survey's sections.

The two wings meet only at a release on disk; this layer describes that meeting place. It imports
neither rdflib nor Flask, nor either wing (a test checks the import contracts).
"""
