// name: gap_ema_without_nyemetoder
// question: Which EMA-approved biomarker indications has no Nye Metoder method assessed?
// description: EMA biomarker indications that no current Nye Metoder decision assesses (the Cypher form of `oncograph gaps ema-without-nyemetoder` without --as-of), with the approval that makes each row matter.
// returns: alteration, therapy, tumour_code, approval_id, approved, text
// example:
MATCH (ap:Approval)-[:REQUIRES]->(a:Alteration)
WHERE ap.agency = 'EMA' AND ap.scope = 'indication' AND ap.valid_to IS NULL
  AND NOT EXISTS {
    MATCH (h:HtaDecision)-[:ASSESSES]->(ap)
    WHERE h.body = 'Nye Metoder' AND h.current
  }
MATCH (ap)-[:APPROVES]->(th:Therapy)
OPTIONAL MATCH (ap)-[:FOR_TUMOUR]->(t:TumourType)
RETURN DISTINCT a.name AS alteration, th.name AS therapy, t.id AS tumour_code,
       ap.id AS approval_id, ap.first_approval_date AS approved, ap.indication_text AS text
ORDER BY alteration, therapy, tumour_code, approval_id
