// name: tumour_solid
// question: Which tumour types are solid, and which does OncoTree mark as lymphoid or myeloid?
// description: Every tumour type with its solid_tumour flag (false for lymphoid and myeloid OncoTree types; tissue-agnostic facts apply to solid tumours only).
// returns: code, solid
// example:
MATCH (t:TumourType)
RETURN t.id AS code, t.solid_tumour AS solid
ORDER BY code
