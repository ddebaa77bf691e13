// name: tumour_type_descendants
// question: Which tumour types lie under a given one?
// description: Every tumour type below one in the OncoTree hierarchy (evidence for the parent applies to these).
// params: code (string, an OncoTree code)
// returns: code, name, level
// example: code=NSCLC
MATCH (d:TumourType)-[:IS_A*1..20]->(t:TumourType {id: $code})
RETURN DISTINCT d.id AS code, d.name AS name, d.level AS level
ORDER BY level, code
