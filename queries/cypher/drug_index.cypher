// name: drug_index
// question: Which drugs does the graph know, under which spellings?
// description: Every drug's id, INN and lookup keys (loaders match other spellings against it).
// returns: id, name, keys
// example:
MATCH (d:Drug)
RETURN d.id AS id, d.name AS name, d.lookup_keys AS keys
ORDER BY name
