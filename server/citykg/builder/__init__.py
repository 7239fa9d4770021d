"""The build wing: profile text -> validated RDF release. Never imports the serve wing."""
