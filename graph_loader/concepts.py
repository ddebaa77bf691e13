"""Writing normalised concepts into a transform result, the same way for every evidence source.

A :class:`ConceptCollector` gathers a transform's nodes (each once) and relationships, and turns
normalised concepts into them: an alteration with its broader alterations (``IS_A``) and genes
(``IN_GENE``, through a :class:`GeneIndex`), a drug, a therapy of drugs. What does not normalise is
recorded by kind, with examples, for the load report.
"""

from __future__ import annotations

import re
from typing import Any

from graph_loader.framework import TransformResult
from ontology.identifiers import mint_id, therapy_id
from ontology.models import Alteration, Drug, Link, Node, Rel, Therapy
from ontology.normalise import (
    AlterationConcept,
    GeneIndex,
    drug_match_key,
    normalise_alteration,
    normalise_drug_name,
    with_broader,
)
from ontology.vocab import AlterationKind, Label, RelType, TherapyType


class ConceptCollector:
    def __init__(self, result: TransformResult, genes: GeneIndex | None = None) -> None:
        self.result = result
        self.genes = genes
        self._seen: set[str] = set()

    # -- plain nodes and relationships ----------------------------------------------------------
    def node(self, node: Node) -> None:
        key = f"{node.label.value}:{node.id}"
        if key not in self._seen:
            self._seen.add(key)
            self.result.nodes.append(node)

    def rel(
        self, rel_type: RelType, a: Label, a_id: str, b: Label, b_id: str, **props: Any
    ) -> None:
        rel: Rel | Link
        if props:  # a property is validated as the model declares it
            rel = Rel(type=rel_type, from_label=a, from_id=a_id, to_label=b, to_id=b_id, **props)
        elif a_id and b_id:  # typed members and ids this transform made: nothing to validate
            rel = Link(rel_type.value, a.value, a_id, b.value, b_id)
        else:
            raise ValueError(f"({a.value} {a_id!r})-[:{rel_type.value}]->({b.value} {b_id!r}) "
                             "lacks an endpoint id")  # fmt: skip
        self.result.rels.append(rel)

    def miss(self, kind: str, example: str) -> None:
        examples = self.result.unmatched.setdefault(kind, [])
        if example not in examples:
            examples.append(example)

    # -- concepts -------------------------------------------------------------------------------
    def alteration(self, concept: AlterationConcept, entrez_id: str | None = None) -> str:
        """The alteration, its broader ones with IS_A links, and IN_GENE links; returns its id.

        ``entrez_id`` (where the source gives one) identifies the gene of the alteration itself.
        """
        if f"{Label.ALTERATION.value}:{concept.id}" in self._seen:  # and its broader ones
            return concept.id
        for c in with_broader([concept]).values():
            if f"{Label.ALTERATION.value}:{c.id}" in self._seen:
                continue
            self.node(
                Alteration(
                    id=c.id, name=c.name, kind=c.kind, gene_symbol=c.gene, notation=c.notation,
                    source_notation=c.source_notation, fusion_five_prime=c.five_prime,
                    fusion_three_prime=c.three_prime, lookup_keys=c.lookup_keys,
                    normalised=c.normalised,
                )
            )  # fmt: skip
            if not c.normalised:
                self.miss("alteration", c.name)
            for broader in c.broader:
                self.rel(RelType.IS_A, Label.ALTERATION, c.id, Label.ALTERATION, broader.id)
            if c.kind is AlterationKind.FUSION:
                symbols = [g for g in (c.five_prime, c.three_prime) if g]
            else:
                symbols = [c.gene] if c.gene else []
            for symbol in symbols:
                if self.genes is None:
                    continue
                entrez = entrez_id if c.id == concept.id and symbol == c.gene else None
                match = self.genes.resolve(symbol, entrez)
                if match:
                    self.rel(RelType.IN_GENE, Label.ALTERATION, c.id, Label.GENE, match.hgnc_id)
                else:
                    self.miss("gene", symbol)
        return concept.id

    def drug(self, name: str, ncit_id: str | None = None) -> tuple[str, str]:
        """The drug by its lower-case INN; returns (id, INN)."""
        # a name of symbols only ("®") normalises to nothing: the name as given, then
        inn = normalise_drug_name(name) or " ".join(name.split())
        if not inn:
            raise ValueError(f"{name!r} names no drug")  # callers pass names they stripped
        # identified by the spelling-independent key: crizotinib and krizotinib are one drug
        did = mint_id(Label.DRUG, drug_match_key(inn) or inn.casefold())
        synonyms = [name.strip()] if name.strip().lower() != inn else []
        self.node(
            Drug(id=did, name=inn, synonyms=synonyms, ncit_id=ncit_id,
                 lookup_keys=sorted({inn, drug_match_key(inn)} - {""}))
        )  # fmt: skip
        return did, inn

    def therapy(self, drugs: list[tuple[str, str]], therapy_type: TherapyType) -> str:
        """One therapy of the drugs (id, INN) given as ``therapy_type``; returns its id."""
        drug_ids = sorted({d for d, _ in drugs})
        tid = therapy_id(drug_ids, therapy_type.value)
        joiner = " then " if therapy_type is TherapyType.SEQUENTIAL else " + "
        self.node(
            Therapy(id=tid, name=joiner.join(sorted({n for _, n in drugs})),
                    therapy_type=therapy_type, drug_ids=drug_ids)
        )  # fmt: skip
        for did in drug_ids:
            self.rel(RelType.INCLUDES, Label.THERAPY, tid, Label.DRUG, did)
        return tid


#: what separates the alterations of one cell ("BRAF V600E; ERBB2 amplification")
ALTERATION_SEPARATORS = re.compile(r"[;|]")


def alterations_from_text(text: str, genes: GeneIndex | None) -> list[AlterationConcept]:
    """ "BRAF V600E; ERBB2 amplification" -> alteration concepts (gene symbol resolved via HGNC)."""
    out = []
    for part in (p.strip() for p in ALTERATION_SEPARATORS.split(text or "") if p.strip()):
        gene, _, rest = part.partition(" ")
        match = genes.resolve(gene) if genes is not None and len(genes) else None
        symbol = match.symbol if match else gene.upper()
        if not rest.strip():
            raise ValueError(f"{part!r} names no alteration (expected e.g. 'BRAF V600E')")
        out.append(normalise_alteration(symbol, rest.strip()))
    return out
