// name: stats_label_count
// question: How many nodes of a label are there?
// description: How many nodes carry one label. {label} is filled from the ontology's Label enum only.
// returns: count (int)
MATCH (n:{label}) RETURN count(n) AS count
