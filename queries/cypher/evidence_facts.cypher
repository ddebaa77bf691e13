// name: evidence_facts
// question: What does each evidence item of a source state (for comparing two releases)?
// description: Every evidence item of one source with its level, significance, direction, rating, alteration, therapy and tumour type (oncograph diff compares two stores with it).
// params: source (civic, moalmanac, outcomes, ...)
// returns: id, version, level, significance, direction, rating, alteration, therapy, tumour_code
// example: source=civic
MATCH (e:Evidence)
WHERE e.source = $source
OPTIONAL MATCH (e)-[:ABOUT]->(a:Alteration)
OPTIONAL MATCH (e)-[:FOR_THERAPY]->(th:Therapy)
OPTIONAL MATCH (e)-[:FOR_TUMOUR]->(t:TumourType)
RETURN e.id AS id, e.source_version AS version, e.level AS level,
       e.significance AS significance, e.direction AS direction, e.rating AS rating,
       a.name AS alteration, th.name AS therapy, t.id AS tumour_code
ORDER BY id, alteration, therapy, tumour_code
