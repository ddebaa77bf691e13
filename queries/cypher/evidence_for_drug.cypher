// name: evidence_for_drug
// question: For which alterations and tumour types does a drug have evidence?
// description: The alterations and tumour types a drug has evidence for (alone or in a combination), per source.
// params: name (string, lower-case INN), key (string, its spelling-independent match key)
// returns: drug, therapy, alteration, tumour_code, tumour, source, items, levels, significances
// example: name=vemurafenib key=vemurafenib
MATCH (d:Drug)
WHERE d.name = $name OR $key IN d.lookup_keys
MATCH (th:Therapy)-[:INCLUDES]->(d)
MATCH (e:Evidence)-[:FOR_THERAPY]->(th)
MATCH (e)-[:ABOUT]->(a:Alteration)
OPTIONAL MATCH (e)-[:FOR_TUMOUR]->(t:TumourType)
RETURN d.name AS drug, th.name AS therapy, a.name AS alteration, t.id AS tumour_code,
       t.name AS tumour, e.source AS source, count(DISTINCT e) AS items,
       collect(DISTINCT e.level) AS levels, collect(DISTINCT e.significance) AS significances
ORDER BY alteration, tumour_code, therapy, source
