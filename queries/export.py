"""The graph, or a subgraph around an alteration, drug or tumour type, as a networkx graph, GraphML
(Cytoscape, Gephi), JSON Lines or KGX TSV with Biolink categories and predicates; and the networkx
analytics behind ``oncograph graph``.

Every node and edge keeps its source, source version and licence. Sources whose data may not be
passed on (patient-level and registry files, cBioPortal studies) are refused unless the caller
says otherwise (``allow_restricted``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import networkx as nx

from ontology.errors import ConfigError
from ontology.metagraph import PATTERNS, node_properties, rel_properties
from ontology.vocab import Label, RelType
from queries.catalog import CypherRunner
from queries.output import spreadsheet_safe

# sources whose records may not be redistributed by default: pseudonymous patient data and
# registry files belong to their owners; cBioPortal studies are "research use with citation"
RESTRICTED_SOURCES = {"outcomes", "cohorts", "cbioportal"}

CATEGORY = {  # Biolink 4 classes where one fits, the project's own terms otherwise
    Label.GENE: "biolink:Gene",
    Label.ALTERATION: "biolink:SequenceVariant",
    Label.MOLECULAR_PROFILE: "biolink:Genotype",
    Label.TUMOUR_TYPE: "biolink:Disease",
    Label.DRUG: "biolink:Drug",
    Label.THERAPY: "biolink:Treatment",
    Label.EVIDENCE: "biolink:InformationContentEntity",
    Label.PUBLICATION: "biolink:Publication",
    Label.APPROVAL: "oncograph:RegulatoryApproval",
    Label.HTA_DECISION: "oncograph:ReimbursementDecision",
    Label.TRIAL: "biolink:ClinicalTrial",
    Label.TRIAL_ARM: "biolink:Cohort",
    Label.PATIENT: "biolink:Case",
    Label.OUTCOME: "oncograph:PatientOutcome",
    Label.OUTCOME_SUMMARY: "oncograph:CohortOutcomeSummary",
    Label.SOURCE: "biolink:InformationResource",
}
PREDICATE = {
    RelType.IN_GENE: "biolink:is_sequence_variant_of",
    RelType.IS_A: "biolink:subclass_of",
    RelType.PART_OF: "biolink:part_of",
    RelType.INCLUDES: "biolink:has_part",
    RelType.TARGETS: "biolink:affects",
    RelType.ABOUT: "biolink:mentions",
    RelType.HAS_ARM: "biolink:has_part",
    RelType.ENROLLED_IN: "biolink:participates_in",
    RelType.HAS_ALTERATION: "biolink:has_sequence_variant",
}  # every other type: oncograph:<type in lower case> (for_tumour, approves, assesses, ...)
CURATED = {"civic", "moalmanac", "ema", "fda", "nyemetoder", "hgnc", "oncotree",
           "clinicaltrials"}  # fmt: skip
PREFIXES = {"biolink", "oncograph", "HGNC", "ONCOTREE", "PMID", "DOI", "clinicaltrials", "NCIT",
            "DOID"}  # fmt: skip


def predicate(rel_type: RelType | str) -> str:
    rel = RelType(rel_type)
    return PREDICATE.get(rel, f"oncograph:{rel.value.lower()}")


def _value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return value


def key(label: Label | str, node_id: str) -> str:
    """The networkx / GraphML node key: ids are unique per label, so the label is part of it."""
    return f"{Label(label).value}:{node_id}"


def centre_key(
    graph: CypherRunner, alteration: str | None, drug: str | None, tumour: str | None
) -> str:
    """The networkx key of the node an export or analysis centres on: exactly one of an
    alteration ("BRAF V600E", or a signature "MSI-H"), a drug (any spelling) or a tumour type."""
    from ontology.normalise import drug_match_key, normalise_alteration
    from queries import find_tumour_type
    from queries.snapshot import snapshot_of

    given = [x for x in (alteration, drug, tumour) if x]
    if len(given) != 1:
        raise ConfigError("give exactly one of --alteration, --drug, --tumour")
    snap = snapshot_of(graph)
    if alteration:
        from queries.evidence import resolve_alteration

        gene, _, rest = alteration.strip().partition(" ")
        if rest.strip():  # unknown genes and alterations: an error with the nearest known ones
            return key("Alteration", resolve_alteration(snap, gene, rest.strip()).id)
        signature = normalise_alteration(None, gene)
        if not signature.normalised:
            raise ConfigError(f"--alteration {alteration!r}: give the gene and the alteration "
                              '("BRAF V600E") or a signature ("MSI-H")')  # fmt: skip
        return key("Alteration", signature.id)
    if drug:
        found = snap.drugs.get(drug_match_key(drug))
        if not found:
            raise ConfigError(f"no drug {drug!r} in the graph")
        return key("Drug", found[0])
    return key("TumourType", find_tumour_type(snap, tumour or "").tumour_type.code)


def check_shareable(g: nx.MultiDiGraph) -> None:
    """Refuse an export holding facts of a restricted source (ConfigError names them)."""
    found = {str(d.get("source")) for _, d in g.nodes(data=True)}
    found |= {str(d.get("source")) for _, _, d in g.edges(data=True)}
    restricted = sorted(found & RESTRICTED_SOURCES)
    if restricted:
        raise ConfigError(
            f"the export holds data of {', '.join(restricted)}, whose licence or owner does not "
            "allow passing it on; export a subgraph without them, or pass --allow-restricted if "
            "you may share them"
        )  # fmt: skip


def to_networkx(runner: CypherRunner) -> nx.MultiDiGraph:
    """Every node and relationship of the store, with all their properties."""
    licences = {r["name"]: r["licence"] for r in runner.read(
        "MATCH (s:Source) RETURN s.name AS name, s.licence AS licence")}  # fmt: skip
    g = nx.MultiDiGraph()
    for label in Label:
        names = [p.name for p in node_properties(label)]
        ret = ", ".join(f"n.{n} AS {n}" for n in names)
        for row in runner.read(f"MATCH (n:{label.value}) RETURN {ret}"):
            attrs = {k: _value(v) for k, v in row.items() if v is not None and v != []}
            g.add_node(key(label, row["id"]), label=label.value, **attrs)
    for rel_type, pairs in PATTERNS.items():
        names = [p.name for p in rel_properties(rel_type)]
        ret = ", ".join(f"r.{n} AS {n}" for n in names)
        for a, b in pairs:
            rows = runner.read(f"MATCH (a:{a.value})-[r:{rel_type.value}]->(b:{b.value}) "
                              f"RETURN a.id AS _from, b.id AS _to, {ret}")  # fmt: skip
            for row in rows:
                attrs = {k: _value(v) for k, v in row.items()
                         if v is not None and not k.startswith("_")}  # fmt: skip
                attrs["licence"] = licences.get(str(attrs.get("source")), "")
                g.add_edge(key(a, row["_from"]), key(b, row["_to"]), type=rel_type.value,
                           **attrs)  # fmt: skip
    return g


def analysis_view(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph without Source nodes: every fact links to its Source, which would make any two
    facts of a release two steps apart."""
    return g.subgraph(n for n, d in g.nodes(data=True) if d.get("label") != Label.SOURCE.value)


def around(g: nx.MultiDiGraph, centre: str, depth: int = 2) -> nx.MultiDiGraph:
    """The subgraph within ``depth`` steps of a node (either direction), Source nodes left out."""
    view = analysis_view(g)
    if centre not in view:
        raise ConfigError(f"{centre} is not in the graph")
    nodes = nx.single_source_shortest_path_length(view.to_undirected(as_view=True), centre,
                                                  cutoff=depth)  # fmt: skip
    return g.subgraph(nodes).copy()


def write_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml(g, path)


def write_jsonl(g: nx.MultiDiGraph, out: TextIO) -> int:
    """One JSON object a line: nodes (``"kind": "node"``, ``key``, their properties), then edges
    (``"kind": "edge"``, ``from``, ``to``, theirs). A node's own ``kind`` property (an
    alteration's or a publication's kind) is written as ``node_kind``."""
    n = 0
    for node, data in g.nodes(data=True):
        props = {("node_kind" if k == "kind" else k): v for k, v in data.items()}
        out.write(json.dumps({"kind": "node", "key": node, **props}, ensure_ascii=False) + "\n")
        n += 1
    for a, b, data in g.edges(data=True):
        out.write(json.dumps({"kind": "edge", "from": a, "to": b, **data}, ensure_ascii=False)
                  + "\n")  # fmt: skip
        n += 1
    return n


def curie(label: str, node_id: str) -> str:
    """A CURIE for a node: HGNC ids as they are, OncoTree codes, PubMed ids, NCT numbers; the
    project's own namespace otherwise."""
    if label == Label.GENE.value and node_id.startswith("HGNC:"):
        return node_id
    if label == Label.TUMOUR_TYPE.value and ":" not in node_id:
        return f"ONCOTREE:{node_id}"
    if label == Label.PUBLICATION.value and node_id.startswith("pmid:"):
        return f"PMID:{node_id[5:]}"
    if label == Label.TRIAL.value and node_id.startswith("NCT"):
        return f"clinicaltrials:{node_id}"
    return f"oncograph:{label}/{quote(node_id, safe='')}"


NODE_COLUMNS = ("id", "category", "name", "provided_by", "source_version", "licence",
                "oncograph_label", "oncograph_id")  # fmt: skip
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "primary_knowledge_source",
                "knowledge_level", "agent_type", "source_version", "licence",
                "oncograph_type")  # fmt: skip


def write_kgx(g: nx.MultiDiGraph, directory: Path) -> tuple[Path, Path]:
    """KGX TSV: ``nodes.tsv`` and ``edges.tsv`` with Biolink categories and predicates."""
    directory.mkdir(parents=True, exist_ok=True)
    ids = {node: curie(data["label"], data["id"]) for node, data in g.nodes(data=True)}

    def clean(value: Any) -> str:
        return spreadsheet_safe(" ".join(str(value if value is not None else "").split()))

    nodes_path, edges_path = directory / "nodes.tsv", directory / "edges.tsv"
    with nodes_path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(NODE_COLUMNS) + "\n")
        for node, d in g.nodes(data=True):
            name = d.get("name") or d.get("symbol") or d.get("title") or d.get("id")
            out.write("\t".join(clean(v) for v in (
                ids[node], CATEGORY[Label(d["label"])], name,
                f"infores:oncograph-{d.get('source', '')}", d.get("source_version"),
                d.get("licence"), d["label"], d["id"])) + "\n")  # fmt: skip
    with edges_path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(EDGE_COLUMNS) + "\n")
        for i, (a, b, d) in enumerate(g.edges(data=True)):
            source = str(d.get("source") or "")
            curated = source in CURATED and d["type"] not in ("IS_A", "FROM_SOURCE")
            out.write("\t".join(clean(v) for v in (
                f"oncograph:edge/{i}", ids[a], predicate(d["type"]), ids[b],
                f"infores:oncograph-{source}",
                "knowledge_assertion" if curated else "not_provided",
                "manual_agent" if curated else "automated_agent",
                d.get("source_version"), d.get("licence"), d["type"])) + "\n")  # fmt: skip
    return nodes_path, edges_path


def kgx_problems(nodes: Path, edges: Path) -> list[str]:
    """The KGX TSV column rules, checked: required columns; ids are CURIEs with a known prefix and
    unique; categories and predicates are Biolink or project CURIEs; every edge's subject and
    object are nodes; knowledge_level and agent_type from their value sets."""
    problems = []

    def rows(path: Path) -> tuple[list[str], list[list[str]]]:
        lines = path.read_text("utf-8").splitlines()
        return lines[0].split("\t"), [x.split("\t") for x in lines[1:]]

    def is_curie(value: str) -> bool:
        prefix, sep, local = value.partition(":")
        return bool(sep and local) and prefix in PREFIXES | {"infores"}

    header, node_rows = rows(nodes)
    for col in ("id", "category"):
        if col not in header:
            problems.append(f"nodes.tsv: no {col} column")
    seen: set[str] = set()
    for n, row in enumerate(node_rows, 2):
        rec = dict(zip(header, row, strict=False))
        if len(row) != len(header):
            problems.append(f"nodes.tsv:{n}: {len(row)} fields, header has {len(header)}")
        if not is_curie(rec.get("id", "")):
            problems.append(f"nodes.tsv:{n}: id {rec.get('id')!r} is not a known CURIE")
        if rec.get("id") in seen:
            problems.append(f"nodes.tsv:{n}: duplicate id {rec.get('id')}")
        seen.add(rec.get("id", ""))
        for category in rec.get("category", "").split("|"):
            prefix, _, local = category.partition(":")
            if prefix not in ("biolink", "oncograph") or not local[:1].isupper():
                problems.append(f"nodes.tsv:{n}: category {category!r} is not a class CURIE")
    header, edge_rows = rows(edges)
    for col in ("subject", "predicate", "object", "knowledge_level", "agent_type"):
        if col not in header:
            problems.append(f"edges.tsv: no {col} column")
    levels = {"knowledge_assertion", "logical_entailment", "prediction", "statistical_association",
              "observation", "not_provided"}  # fmt: skip
    agents = {"manual_agent", "automated_agent", "data_analysis_pipeline", "computational_model",
              "text_mining_agent", "image_processing_agent", "manual_validation_of_automated_agent",
              "not_provided"}  # fmt: skip
    for n, row in enumerate(edge_rows, 2):
        rec = dict(zip(header, row, strict=False))
        for end in ("subject", "object"):
            if rec.get(end) not in seen:
                problems.append(f"edges.tsv:{n}: {end} {rec.get(end)!r} is not a node")
        pred = rec.get("predicate", "")
        if not pred.startswith(("biolink:", "oncograph:")) or pred != pred.lower():
            problems.append(f"edges.tsv:{n}: predicate {pred!r} is not a slot CURIE")
        if rec.get("knowledge_level") not in levels or rec.get("agent_type") not in agents:
            problems.append(f"edges.tsv:{n}: knowledge_level/agent_type outside their value sets")
    return problems


# -- analytics --------------------------------------------------------------------------------


def drugs_within(g: nx.MultiDiGraph, centre: str, steps: int = 3) -> list[tuple[str, list[str]]]:
    """Drugs reachable from a node within ``steps`` (either direction), each with a shortest path
    of node names."""
    view = analysis_view(g).to_undirected(as_view=True)
    if centre not in view:
        raise ConfigError(f"{centre} is not in the graph")
    paths = nx.single_source_shortest_path(view, centre, cutoff=steps)
    out = []
    for node, path in paths.items():
        if g.nodes[node].get("label") == Label.DRUG.value:
            out.append((g.nodes[node].get("name", node), [_name(g, p) for p in path]))
    out.sort(key=lambda x: (len(x[1]), x[0]))
    return out


def gene_centrality(g: nx.MultiDiGraph, top: int = 15) -> list[tuple[str, float, int]]:
    """Genes ranked by degree centrality in the evidence graph: alterations collapsed onto their
    gene, linked to the therapies and tumour types their evidence names."""
    h = nx.Graph()
    gene_of: dict[str, str] = {}
    for a, b, d in g.edges(data=True):
        if d.get("type") == RelType.IN_GENE.value:
            gene_of[a] = g.nodes[b].get("symbol", b)
    for a, b, d in g.edges(data=True):
        if d.get("type") == RelType.ABOUT.value and b in gene_of:
            for _, target, e in g.out_edges(a, data=True):
                if e.get("type") in (RelType.FOR_THERAPY.value, RelType.FOR_TUMOUR.value):
                    h.add_edge(f"gene:{gene_of[b]}", target)
    centrality = nx.degree_centrality(h) if h else {}
    genes = [(n[5:], c, h.degree(n)) for n, c in centrality.items() if n.startswith("gene:")]
    genes.sort(key=lambda x: (-x[1], x[0]))
    return genes[:top]


def _name(g: nx.MultiDiGraph, node: str) -> str:
    d = g.nodes[node]
    return str(d.get("name") or d.get("symbol") or d.get("title") or d.get("id") or node)


def neighbourhood(g: nx.MultiDiGraph, centre: str, depth: int = 1) -> list[dict[str, Any]]:
    """The nodes within ``depth`` steps: label, name, distance, and how many edges link them."""
    sub = around(g, centre, depth)
    view = sub.to_undirected(as_view=True)
    dist = nx.single_source_shortest_path_length(view, centre)
    return sorted(
        ({"label": d["label"], "name": _name(sub, n), "distance": dist[n], "links": sub.degree(n)}
         for n, d in sub.nodes(data=True) if n != centre),
        key=lambda r: (r["distance"], r["label"], r["name"]),
    )  # fmt: skip
