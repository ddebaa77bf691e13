// name: gene_index
// question: Which HGNC genes are loaded, with their aliases and previous symbols?
// description: Every HGNC gene with its aliases, previous symbols and Entrez id (loaders build their gene index from it).
// returns: id, symbol, aliases, previous, entrez
// example:
MATCH (g:Gene)
WHERE g.source = 'hgnc'
RETURN g.id AS id, g.symbol AS symbol, g.aliases AS aliases, g.previous_symbols AS previous,
       g.entrez_id AS entrez
ORDER BY id
