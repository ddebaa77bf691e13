"""Deterministic identifiers.

Reference entities keep their external ids (``HGNC:1097``, OncoTree ``LUAD``, ``NCT02465060``,
``ID2019_119``). Facts without one get a minted id: a readable prefix and a hash of the fields that
*identify* the fact, never of fields that change (a level, a summary), so that reloading the same
source finds the same nodes.
"""

from __future__ import annotations

import hashlib
import unicodedata

from ontology.vocab import Label

_PREFIX: dict[Label, str] = {
    Label.ALTERATION: "alt",
    Label.MOLECULAR_PROFILE: "mp",
    Label.THERAPY: "therapy",
    Label.EVIDENCE: "ev",
    Label.PUBLICATION: "pub",
    Label.APPROVAL: "approval",
    Label.HTA_DECISION: "hta",
    Label.TRIAL_ARM: "arm",
    Label.OUTCOME: "outcome",
    Label.PATIENT: "patient",
    Label.DRUG: "drug",
}


def canonical_part(value: object) -> str:
    """The text a part contributes to a hash: NFC, trimmed, inner white space folded."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split())


def mint_id(label: Label, *parts: object) -> str:
    """``prefix:`` + 20 hex digits of SHA-256 over the identifying parts, in order.

    Parts are joined with a unit separator so ("ab", "c") and ("a", "bc") differ.
    """
    if not parts:
        raise ValueError("mint_id needs at least one identifying part")
    prefix = _PREFIX.get(label, label.value.lower())
    payload = "\x1f".join(canonical_part(p) for p in parts)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]
    return f"{prefix}:{digest}"


def therapy_id(drug_ids: list[str], therapy_type: str) -> str:
    """A therapy is identified by its sorted drug ids and how they are given."""
    if not drug_ids:
        raise ValueError("a therapy needs at least one drug")
    return mint_id(Label.THERAPY, therapy_type, *sorted(set(drug_ids)))


def source_node_id(name: str, version: str) -> str:
    """``civic@2025-07-01``."""
    return f"{name}@{version}"
