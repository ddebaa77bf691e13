"""Disease Ontology ids (as CIViC states diseases) to OncoTree codes, curated for the diseases
that carry the most CIViC evidence and whose names differ from OncoTree's.

Diseases not listed here are matched by exact OncoTree name, then by a very close name; anything
else is kept as its own ``TumourType`` (``DOID:...``, ``normalised = false``) and counted in the
load report. A test checks every code here against the bundled OncoTree release. Broad DOID terms
map to the OncoTree node of the same breadth (Breast Cancer -> BREAST, Cancer -> TISSUE).
"""

from __future__ import annotations

DOID_TO_ONCOTREE: dict[str, str] = {
    "162": "TISSUE",  # Cancer
    "3908": "NSCLC",  # Lung Non-small Cell Carcinoma
    "9256": "COADREAD",  # Colorectal Cancer
    "0050861": "COADREAD",  # Colorectal Adenocarcinoma
    "219": "COAD",  # Colon Cancer
    "1612": "BREAST",  # Breast Cancer
    "0060079": "BREAST",  # Her2-receptor Positive Breast Cancer (receptor status is a biomarker)
    "0060075": "BREAST",  # Estrogen-receptor Positive Breast Cancer
    "0060080": "BREAST",  # Her2-receptor Negative Breast Cancer
    "0060081": "BREAST",  # Triple-receptor Negative Breast Cancer
    "0080650": "BLLBCRABL1L",  # B-lymphoblastic Leukemia/lymphoma, BCR-ABL1-like
    "2394": "OVARY",  # Ovarian Cancer
    "4001": "OVARY",  # Ovarian Carcinoma
    "2152": "OVT",  # Epithelial Ovarian Cancer
    "8923": "SKCM",  # Skin Melanoma
    "1909": "MEL",  # Melanoma
    "1040": "CLLSLL",  # Chronic Lymphocytic Leukemia
    "3068": "GB",  # Glioblastoma
    "3073": "GB",  # Brain Glioblastoma Multiforme
    "10283": "PROSTATE",  # Prostate Cancer
    "0080909": "PRAD",  # Castration-resistant Prostate Carcinoma
    "1793": "PANCREAS",  # Pancreatic Cancer
    "3498": "PAAD",  # Pancreatic Ductal Adenocarcinoma
    "9538": "PCM",  # Multiple Myeloma
    "1380": "UCEC",  # Endometrial Cancer
    "3969": "THPA",  # Papillary Thyroid Carcinoma
    "3973": "THME",  # Medullary Thyroid Carcinoma
    "3962": "THFO",  # Follicular Thyroid Carcinoma
    "1781": "THYROID",  # Thyroid Cancer
    "1324": "LUNG",  # Lung Cancer
    "5409": "SCLC",  # Lung Small Cell Carcinoma
    "4467": "CCRCC",  # Clear Cell Renal Cell Carcinoma
    "3717": "STAD",  # Gastric Adenocarcinoma
    "5517": "STOMACH",  # Stomach Carcinoma
    "10534": "STOMACH",  # Stomach Cancer
    "4007": "BLCA",  # Bladder Carcinoma
    "2671": "BLCA",  # Transitional Cell Carcinoma
    "0050908": "MDS",  # Myelodysplastic Syndrome
    "9952": "LNM",  # Acute Lymphoblastic Leukemia (B or T lineage)
    "0050745": "DLBCLNOS",  # Diffuse Large B-cell Lymphoma
    "0080830": "LGGNOS",  # Childhood Low-grade Glioma
    "3070": "HGGNOS",  # High Grade Glioma
    "0080684": "DMG",  # Diffuse Midline Glioma, H3 K27M-mutant
    "8418": "IFS",  # Congenital Fibrosarcoma (infantile fibrosarcoma)
    "5603": "TLL",  # T-cell Acute Lymphoblastic Leukemia
    "0080146": "BLL",  # Childhood B-cell Acute Lymphoblastic Leukemia
    "3368": "ES",  # Ewing Sarcoma Of Bone
    "3748": "ESCC",  # Esophagus Squamous Cell Carcinoma
    "7474": "PLMESO",  # Malignant Pleural Mesothelioma
    "11934": "HEAD_NECK",  # Head And Neck Cancer
    "4362": "CERVIX",  # Cervical Cancer
    "8552": "CML",  # Chronic Myeloid Leukemia
    "0060318": "APLPMLRARA",  # Acute Promyelocytic Leukemia
    "1115": "SARCNOS",  # Sarcoma
    "0081252": "EPM",  # Supratentorial Ependymoma, ZFTA Fusion-positive
}
