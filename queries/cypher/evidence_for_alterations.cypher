// name: evidence_for_alterations
// question: What evidence is there about these alterations?
// description: Evidence about any of the given alterations, with tumour type, therapy and each source's own level.
// params: alteration_ids (list of Alteration ids: the alteration and the broader ones it IS_A)
// returns: evidence_id, source, source_version, kind, evidence_type, level, framework, amp_tier, significance, direction, rating, flag, alteration_id, alteration, tumour_code, tumour, therapy_id, therapy
// example: alteration_ids=["alt:d79628d3b39ee6f1e683"]
MATCH (e:Evidence)-[:ABOUT]->(a:Alteration)
WHERE a.id IN $alteration_ids
OPTIONAL MATCH (e)-[:FOR_TUMOUR]->(t:TumourType)
OPTIONAL MATCH (e)-[:FOR_THERAPY]->(th:Therapy)
RETURN e.id AS evidence_id, e.source AS source, e.source_version AS source_version,
       e.evidence_kind AS kind, e.evidence_type AS evidence_type, e.level AS level,
       e.level_framework AS framework, e.amp_tier AS amp_tier, e.significance AS significance,
       e.direction AS direction, e.rating AS rating, e.source_disagreement AS flag,
       a.id AS alteration_id, a.name AS alteration,
       t.id AS tumour_code, t.name AS tumour, th.id AS therapy_id, th.name AS therapy
ORDER BY evidence_id, therapy_id
