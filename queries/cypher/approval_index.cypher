// name: approval_index
// question: Which biomarker indications has an agency approved, for which drugs, alterations and tumour types?
// description: One agency's biomarker indications with their drugs, required alterations and tumour types (the Nye Metoder loader matches decisions against it).
// params: agency (EMA, FDA, Health Canada, HPRA)
// returns: id, text, tissue_agnostic, drug_id, alteration_id, tumour_id
// example: agency="EMA"
MATCH (a:Approval)-[:APPROVES]->(:Therapy)-[:INCLUDES]->(d:Drug)
WHERE a.agency = $agency AND a.scope = 'indication'
OPTIONAL MATCH (a)-[:REQUIRES]->(x:Alteration)
OPTIONAL MATCH (a)-[:FOR_TUMOUR]->(t:TumourType)
RETURN DISTINCT a.id AS id, a.indication_text AS text, a.tissue_agnostic AS tissue_agnostic,
       d.id AS drug_id, x.id AS alteration_id, t.id AS tumour_id
ORDER BY id, drug_id, alteration_id, tumour_id
