// name: regulatory_indications
// question: Which regulatory indications are there, with their dates, drugs, biomarkers and tumour types?
// description: Every regulatory indication (FDA, EMA, Health Canada, HPRA) with its therapy's drugs, required alterations, tumour types and dates.
// returns: id, agency, product, approval_type, first_approval_date, valid_from, valid_to, tissue_agnostic, text, url, source, source_version, therapy_id, therapy, drug_id, alteration_id, alteration, tumour_code, tumour
// example:
MATCH (ap:Approval)-[:APPROVES]->(th:Therapy)-[:INCLUDES]->(d:Drug)
WHERE ap.scope = 'indication'
OPTIONAL MATCH (ap)-[:REQUIRES]->(a:Alteration)
OPTIONAL MATCH (ap)-[:FOR_TUMOUR]->(t:TumourType)
RETURN DISTINCT ap.id AS id, ap.agency AS agency, ap.product AS product,
       ap.approval_type AS approval_type, ap.first_approval_date AS first_approval_date,
       ap.valid_from AS valid_from, ap.valid_to AS valid_to,
       ap.tissue_agnostic AS tissue_agnostic, ap.indication_text AS text, ap.url AS url,
       ap.source AS source, ap.source_version AS source_version, th.id AS therapy_id,
       th.name AS therapy, d.id AS drug_id, a.id AS alteration_id, a.name AS alteration,
       t.id AS tumour_code, t.name AS tumour
ORDER BY id, therapy_id, drug_id, alteration_id, tumour_code
