"""The namespaces of :mod:`citykg.contract.iris` as rdflib terms, for the build wing."""

from rdflib import Namespace, URIRef

from citykg.contract import iris

CITYKG = Namespace(iris.CITYKG)
SHAPES = Namespace(iris.SHAPES)
ID = Namespace(iris.ID)
GRAPH = Namespace(iris.GRAPH)
SCHEMA = Namespace(iris.SCHEMA)
ORG = Namespace(iris.ORG)
SH = Namespace(iris.SH)
SPDX = Namespace(iris.SPDX)
DQV = Namespace(iris.DQV)
VANN = Namespace(iris.VANN)
WD = Namespace(iris.WD)
WDT = Namespace(iris.WDT)
REPORT_GRAPH = URIRef(iris.REPORT_GRAPH)
