// name: tumour_type_lookup
// question: Which tumour type does a code, name or previous code name?
// description: Tumour types whose OncoTree code, name or previous code matches; exact code first.
// params: code (string, upper case), key (string, lower case)
// returns: code, name, main_type, tissue, level, release, exact_code (bool)
// example: code=LUAD key=luad
MATCH (t:TumourType)
WHERE t.id = $code OR $key IN t.lookup_keys
RETURN t.id AS code, t.name AS name, t.main_type AS main_type, t.tissue AS tissue,
       t.level AS level, t.oncotree_release AS release, t.id = $code AS exact_code
ORDER BY exact_code DESC, code
