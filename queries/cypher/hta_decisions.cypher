// name: hta_decisions
// question: What has an HTA body decided, on which drugs, biomarkers and indications?
// description: Every HTA decision of one body (current and superseded), with its therapy's drugs, the alterations and tumour types it names and the regulatory indications it assesses.
// params: body (Nye Metoder, HSE)
// returns: id, method_id, status, decision_date, valid_from, valid_to, current, text, decision_full, biomarker_basis, excluded, source, source_version, therapy_id, therapy, drug_id, alteration_id, alteration, tumour_code, assesses
// example: body="Nye Metoder"
MATCH (h:HtaDecision)
WHERE h.body = $body
OPTIONAL MATCH (h)-[:FOR_THERAPY]->(th:Therapy)-[:INCLUDES]->(d:Drug)
OPTIONAL MATCH (h)-[:REQUIRES]->(a:Alteration)
OPTIONAL MATCH (h)-[:FOR_TUMOUR]->(t:TumourType)
OPTIONAL MATCH (h)-[:ASSESSES]->(ap:Approval)
RETURN DISTINCT h.id AS id, h.method_id AS method_id, h.status AS status,
       h.decision_date AS decision_date, h.valid_from AS valid_from, h.valid_to AS valid_to,
       h.current AS current, h.indication_text AS text, h.decision_full AS decision_full,
       h.biomarker_basis AS biomarker_basis, h.excluded_alterations AS excluded,
       h.source AS source, h.source_version AS source_version, th.id AS therapy_id,
       th.name AS therapy, d.id AS drug_id, a.id AS alteration_id, a.name AS alteration,
       t.id AS tumour_code, ap.id AS assesses
ORDER BY id, drug_id, alteration_id, tumour_code, assesses
