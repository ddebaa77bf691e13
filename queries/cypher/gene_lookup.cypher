// name: gene_lookup
// question: Which gene does a symbol, alias or previous symbol name?
// description: Genes whose approved symbol, alias or previous symbol matches; the approved symbol first.
// params: symbol (string, upper case)
// returns: hgnc_id, symbol, name, current (bool: the approved symbol matched)
// example: symbol=BRAF1
MATCH (g:Gene)
WHERE g.symbol = $symbol OR $symbol IN g.lookup_keys
RETURN g.id AS hgnc_id, g.symbol AS symbol, g.name AS name, g.symbol = $symbol AS current
ORDER BY current DESC, symbol
