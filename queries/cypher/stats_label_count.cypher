// name: stats_label_count
// description: How many nodes carry one label. {label} is filled from the ontology's Label enum only.
// returns: count (int)
MATCH (n:{label}) RETURN count(n) AS count
