// name: gene_symbols
// question: What are the approved gene symbols?
// description: Every approved gene symbol (for suggestions when a lookup fails).
// returns: symbol
MATCH (g:Gene)
RETURN g.symbol AS symbol
ORDER BY symbol
