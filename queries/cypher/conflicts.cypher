// name: conflicts
// question: Where do sources disagree: sensitivity and resistance for the same alteration, therapy and tumour type?
// description: Alteration, therapy and tumour type with supporting sensitivity evidence and supporting resistance evidence.
// returns: alteration, therapy, tumour_code, tumour, sensitivity (evidence ids), resistance (evidence ids)
// example:
MATCH (s:Evidence)-[:ABOUT]->(a:Alteration)
MATCH (s)-[:FOR_THERAPY]->(th:Therapy)
MATCH (s)-[:FOR_TUMOUR]->(t:TumourType)
MATCH (r:Evidence)-[:ABOUT]->(a)
MATCH (r)-[:FOR_THERAPY]->(th)
MATCH (r)-[:FOR_TUMOUR]->(t)
WHERE s.direction = 'supports' AND s.significance = 'sensitivity/response'
  AND r.direction = 'supports' AND r.significance IN ['resistance', 'reduced sensitivity']
RETURN a.name AS alteration, th.name AS therapy, t.id AS tumour_code, t.name AS tumour,
       collect(DISTINCT s.id) AS sensitivity, collect(DISTINCT r.id) AS resistance
ORDER BY alteration, therapy, tumour_code
