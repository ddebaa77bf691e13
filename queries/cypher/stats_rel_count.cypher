// name: stats_rel_count
// description: How many relationships have one type. {rel_type} is filled from the ontology's RelType enum only.
// returns: count (int)
MATCH ()-[r:{rel_type}]->() RETURN count(r) AS count
