// name: alterations_of_gene
// question: Which alterations of a gene does the graph know?
// description: The alterations the graph knows in one gene (for suggestions when an alteration is not found).
// params: gene (string, approved symbol)
// returns: id, name, notation
// example: gene=BRAF
MATCH (a:Alteration)
WHERE a.gene_symbol = $gene
RETURN a.id AS id, a.name AS name, a.notation AS notation
ORDER BY name
