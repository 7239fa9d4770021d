"""Conformance checks over HTTP against a running server (citykg's, or any other), written from
the specifications each module names; they know nothing of the server's code.

Each check is a function that raises AssertionError when the server fails it, registered under
a name that is its test id:

- ``PROTOCOL``: checks of a SPARQL endpoint (:class:`Endpoint`): the SPARQL 1.1 Protocol
  (:mod:`.protocol`, :mod:`.dataset`, :mod:`.refusals`) and the endpoint URL itself: service
  description, HEAD, OPTIONS, CORS (:mod:`.service`);
- ``LINKED_DATA``: checks of one resource of a site (:class:`Site`, :class:`Resource`):
  content negotiation in the 200 + ``Vary: Accept`` style (:mod:`.linked_data`), and that
  every dump holds it (:mod:`.dumps`);
- ``SITE``: checks of the site as a whole: its VoID and dumps (:mod:`.dumps`).

The system tests parametrize over these, against the embedded store and a remote one.
"""

from support.conformance import dataset, dumps, linked_data, protocol, refusals, service
from support.conformance.endpoint import Endpoint
from support.conformance.linked_data import Resource, Site

PROTOCOL = {**protocol.CHECKS, **dataset.CHECKS, **refusals.CHECKS, **service.CHECKS}
LINKED_DATA = {**linked_data.RESOURCE_CHECKS, **dumps.RESOURCE_CHECKS}
SITE = dict(dumps.CHECKS)

__all__ = ["LINKED_DATA", "PROTOCOL", "SITE", "Endpoint", "Resource", "Site"]
