// name: predictive_evidence
// question: Which predictive evidence is there, per alteration, tumour type and therapy?
// description: Every predictive evidence item with the alteration it is about, its tumour type and therapy, and each source's own level (the tumour-board matcher indexes these by alteration).
// returns: evidence_id, source, source_version, kind, level, framework, significance, direction, rating, disagreement, alteration_id, alteration, tumour_code, tumour, therapy_id, therapy
// example:
MATCH (e:Evidence)-[:ABOUT]->(a:Alteration)
WHERE e.evidence_type = 'predictive'
MATCH (e)-[:FOR_THERAPY]->(th:Therapy)
OPTIONAL MATCH (e)-[:FOR_TUMOUR]->(t:TumourType)
RETURN e.id AS evidence_id, e.source AS source, e.source_version AS source_version,
       e.evidence_kind AS kind, e.level AS level, e.level_framework AS framework,
       e.significance AS significance, e.direction AS direction, e.rating AS rating,
       e.source_disagreement AS disagreement,
       a.id AS alteration_id, a.name AS alteration, t.id AS tumour_code, t.name AS tumour,
       th.id AS therapy_id, th.name AS therapy
ORDER BY evidence_id, alteration_id, tumour_code, therapy_id
