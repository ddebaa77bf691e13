// name: clinical_evidence
// question: Which alteration-therapy-tumour combinations have clinical evidence of benefit?
// description: Predictive evidence supporting sensitivity at the given levels (CIViC A/B; MOAlmanac's Approval), per alteration x therapy drug x tumour type, with each publication's year.
// params: levels (list of level values, in each source's own framework)
// returns: evidence_id, source, source_version, level, framework, alteration_id, alteration, tumour_code, tumour, therapy_id, therapy, drug_id, year
// example: levels=["A", "B", "Approval"]
MATCH (e:Evidence)-[:ABOUT]->(a:Alteration)
WHERE e.evidence_type = 'predictive' AND e.direction = 'supports'
  AND e.significance = 'sensitivity/response' AND e.level IN $levels
MATCH (e)-[:FOR_THERAPY]->(th:Therapy)-[:INCLUDES]->(d:Drug)
OPTIONAL MATCH (e)-[:FOR_TUMOUR]->(t:TumourType)
OPTIONAL MATCH (e)-[:CITES]->(p:Publication)
RETURN DISTINCT e.id AS evidence_id, e.source AS source, e.source_version AS source_version,
       e.level AS level, e.level_framework AS framework, a.id AS alteration_id,
       a.name AS alteration, t.id AS tumour_code, t.name AS tumour, th.id AS therapy_id,
       th.name AS therapy, d.id AS drug_id, p.year AS year
ORDER BY evidence_id, alteration_id, therapy_id, drug_id, year
