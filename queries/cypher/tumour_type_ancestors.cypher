// name: tumour_type_ancestors
// question: What are a tumour type's broader types in OncoTree?
// description: Every ancestor of a tumour type in the OncoTree hierarchy, root last.
// params: code (string, an OncoTree code)
// returns: code, name, level
// example: code=LUAD
MATCH (t:TumourType {id: $code})-[:IS_A*1..20]->(a:TumourType)
RETURN DISTINCT a.id AS code, a.name AS name, a.level AS level
ORDER BY level DESC, code
