// name: evidence_alterations
// question: Which specific variants (alleles, codons, exon classes) does any evidence speak of?
// description: The alterations of the given kinds that at least one evidence item (of any type: predictive, oncogenic, functional, prognostic) is about; the tumour board treats a patient's variant as known when it, its codon or its exon class is among them.
// params: kinds (list of AlterationKind values)
// returns: id
// example: kinds=["protein_change", "codon", "exon"]
MATCH (e:Evidence)-[:ABOUT]->(a:Alteration)
WHERE a.kind IN $kinds
RETURN DISTINCT a.id AS id
ORDER BY id
