// name: tumour_type_names
// question: What are the OncoTree codes and names?
// description: Every tumour type's code and name (for suggestions when a lookup fails).
// returns: code, name
MATCH (t:TumourType)
RETURN t.id AS code, t.name AS name
ORDER BY code
