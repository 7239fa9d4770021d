"""The build wing: profile text -> validated RDF release. Never imports the serve wing.

Reading: ``rdf_input`` (bounded RDF files), ``profile_text`` (a profile cut into sections),
``concept_schemes``, ``wikidata_links``, ``build_inputs``. Importing: ``importer``. Assembling:
``profile_chunks`` (import and validate in parallel chunks), ``assemble`` (their merge),
``aggregates``, ``validation``, ``report``. Writing: ``rdf_output``, ``release``,
``dataset_description`` (VoID + DCAT), ``release_dirs`` (publish and prune on disk),
``changes`` (what changed since the release before), ``sorting`` (sort(1) for large files). Tools:
``synthetic`` (scale-test profiles), ``wikidata_proposals`` (``citykg link``).
"""
