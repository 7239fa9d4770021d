"""``citykg link``: propose Wikidata QIDs for cities and countries the link file lacks."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from citykg.builder.wikidata_links import parse_links
from citykg.builder.wikidata_proposals import (
    EndpointError,
    places_in_profiles,
    proposals_csv,
    propose,
)
from citykg.contract import layout
from citykg.contract.project import Project


def run_link(args: argparse.Namespace) -> int:
    """``citykg link``: write proposals for review; never edit the link file itself."""
    project = Project.at(args.project, args.var_dir)
    links, _ = parse_links(
        project.links.read_text(encoding="utf-8"), project.relative(project.links)
    )
    places = places_in_profiles((project.relative(p), p.read_bytes()) for p in project.profiles())
    try:
        proposals = propose(places, links, args.endpoint)
    except EndpointError as exc:
        print(f"citykg: {exc}", file=sys.stderr)
        return 1
    out = args.out or project.var_dir / layout.PROPOSALS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(proposals_csv(proposals), encoding="utf-8")
    for p in proposals:
        where = f" ({p.country})" if p.country else ""
        detail = p.wikidata or " ".join(c.rsplit("/", 1)[-1] for c in p.candidates)
        print(f"{p.kind} {p.name}{where}: {p.status}{': ' + detail if detail else ''}")
    counts = Counter(p.status for p in proposals)
    print(
        f"{counts['proposed']} proposed, {counts['ambiguous']} ambiguous (decide by hand), "
        f"{counts['not found']} not found; review {out} and copy accepted QIDs into "
        f"{project.relative(project.links)}"
    )
    return 0
