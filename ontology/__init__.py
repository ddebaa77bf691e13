"""The project's vocabulary: enums, pydantic models of nodes and relationships, the metagraph,
identifier minting and normalisers. Imports nothing of the project's own outside this package."""

from ontology.identifiers import mint_id, source_node_id, therapy_id
from ontology.metagraph import (
    LABEL_DEFINITIONS,
    PATTERNS,
    REL_DEFINITIONS,
    GraphType,
    PropertySpec,
    is_allowed,
    node_properties,
    rel_properties,
    required_properties,
)
from ontology.models import NODE_MODELS, Node, Rel, SourceInfo
from ontology.vocab import Label, RelType

__all__ = [
    "LABEL_DEFINITIONS",
    "NODE_MODELS",
    "PATTERNS",
    "REL_DEFINITIONS",
    "GraphType",
    "Label",
    "Node",
    "PropertySpec",
    "Rel",
    "RelType",
    "SourceInfo",
    "is_allowed",
    "mint_id",
    "node_properties",
    "rel_properties",
    "required_properties",
    "source_node_id",
    "therapy_id",
]
