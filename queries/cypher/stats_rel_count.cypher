// name: stats_rel_count
// question: How many relationships of a type are there?
// description: How many relationships have one type. {rel_type} is filled from the ontology's RelType enum only.
// returns: count (int)
MATCH ()-[r:{rel_type}]->() RETURN count(r) AS count
