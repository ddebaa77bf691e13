// name: alteration_is_a
// question: Which alteration lies under which broader one (allele -> codon -> gene class)?
// description: Every narrower -> broader alteration link (allele -> codon -> gene class), for walking the hierarchy in code.
// returns: id, broader_id
// example:
MATCH (a:Alteration)-[:IS_A]->(b:Alteration)
RETURN a.id AS id, b.id AS broader_id
ORDER BY id, broader_id
