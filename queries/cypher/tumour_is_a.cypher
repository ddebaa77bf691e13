// name: tumour_is_a
// question: Which tumour type lies under which (OncoTree child -> parent)?
// description: Every OncoTree child -> parent link, for walking the tumour hierarchy in code.
// returns: code, parent
// example:
MATCH (a:TumourType)-[:IS_A]->(b:TumourType)
RETURN a.id AS code, b.id AS parent
ORDER BY code, parent
