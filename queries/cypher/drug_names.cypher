// name: drug_names
// question: What are the drugs' names?
// description: Every drug's name (for suggestions when a drug is not found).
// returns: name
MATCH (d:Drug)
RETURN d.name AS name
ORDER BY name
