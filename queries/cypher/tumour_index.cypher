// name: tumour_index
// question: Which OncoTree tumour types are loaded, under which names?
// description: Every OncoTree tumour type with its name and lookup keys (loaders map diseases with it).
// returns: code, name, keys
// example:
MATCH (t:TumourType)
WHERE t.source = 'oncotree'
RETURN t.id AS code, t.name AS name, t.lookup_keys AS keys
ORDER BY code
