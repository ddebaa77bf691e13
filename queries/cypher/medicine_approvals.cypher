// name: medicine_approvals
// question: When were the medicines authorised, under which pathway, and are they still?
// description: Marketing authorisations of whole medicines (EMA medicines list, FDA first approvals) with pathway, orphan status and dates, per drug.
// returns: id, agency, product, application_number, approval_type, first_approval_date, valid_to, status, orphan, atc_code, url, source, source_version, drug_id, drug
// example:
MATCH (ap:Approval)-[:APPROVES]->(:Therapy)-[:INCLUDES]->(d:Drug)
WHERE ap.scope = 'medicine'
RETURN DISTINCT ap.id AS id, ap.agency AS agency, ap.product AS product,
       ap.application_number AS application_number, ap.approval_type AS approval_type,
       ap.first_approval_date AS first_approval_date, ap.valid_to AS valid_to,
       ap.status AS status, ap.orphan AS orphan, ap.atc_code AS atc_code, ap.url AS url,
       ap.source AS source, ap.source_version AS source_version, d.id AS drug_id, d.name AS drug
ORDER BY drug, agency, id
