"""What the EMA and FDA medicine-level loaders share: which rows are cancer medicines, how a
substance field names one drug or a combination, and a version from the file name."""

from __future__ import annotations

import re

from graph_loader.concepts import ConceptCollector
from graph_loader.files import RawFile
from ontology.vocab import TherapyType

# Words of an indication or therapeutic area that make a medicine a cancer medicine. A medicine
# outside them (and, for EMA, outside ATC L01/L02) is skipped and counted, not rejected.
ONCOLOGY = re.compile(
    r"cancer|carcinoma|tumou?r|leuka?emia|lymphoma|myeloma|melanoma|sarcoma|glioma|neoplas|"
    r"blastoma|mesothelioma|myelodysplastic|myeloproliferative|macroglobulinemia|metasta",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:/|;|,|\b(?:and|og)\b|\+)\s*")


def split_substances(text: str) -> list[str]:
    """``a / b``, ``a, b``, ``a and b``, ``a + b`` -> the names; separators inside brackets
    (``human papillomavirus vaccine [types 6, 11, 16, 18]``) do not split."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and (m := _SEPARATORS.match(text, i)) and m.group().strip():
            names.append(text[start:i])
            start = i = m.end()
            continue
        i += 1
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


def therapy_of(collect: ConceptCollector, substances: str) -> str | None:
    """The therapy of a substance field: ``a / b`` or ``a, b`` is a combination of drugs."""
    names = split_substances(substances)
    if not names:
        return None
    drugs = [collect.drug(n) for n in names]
    kind = TherapyType.COMBINATION if len(drugs) > 1 else TherapyType.SINGLE
    return collect.therapy(drugs, kind)


def version_from_name(raw: RawFile) -> str | None:
    """The release date in a file name (``ema_epar_medicines_2025-02-12.tsv``), if there is one."""
    m = re.search(r"(\d{4}-\d{2}-\d{2})", raw.base_name)
    return m.group(1) if m else None
