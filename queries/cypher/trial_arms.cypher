// name: trial_arms
// question: Which trial arms and cohorts are there, with their therapy, biomarkers and tumour types?
// description: Trial arms and registry cohorts with their therapy, required (and excluded) alterations, tumour types, status and how many outcomes are recorded (from the arm's outcome summary).
// returns: id, trial_id, name, status, tissue_agnostic, biomarker_text, excluded, synthetic, expansion_of, payment_model, therapy_id, therapy, drug_id, alteration_id, alteration, tumour_code, outcomes
// example:
MATCH (arm:TrialArm)
OPTIONAL MATCH (arm)-[:GIVES]->(th:Therapy)-[:INCLUDES]->(d:Drug)
OPTIONAL MATCH (arm)-[:REQUIRES]->(a:Alteration)
OPTIONAL MATCH (arm)-[:FOR_TUMOUR]->(t:TumourType)
OPTIONAL MATCH (s:OutcomeSummary)-[:SUMMARISES]->(arm)
RETURN arm.id AS id, arm.trial_id AS trial_id, arm.name AS name, arm.status AS status,
       arm.tissue_agnostic AS tissue_agnostic, arm.biomarker_text AS biomarker_text,
       arm.excluded_alterations AS excluded, arm.synthetic AS synthetic,
       arm.expansion_of AS expansion_of, arm.payment_model AS payment_model, th.id AS therapy_id,
       th.name AS therapy, d.id AS drug_id, a.id AS alteration_id, a.name AS alteration,
       t.id AS tumour_code, coalesce(max(s.treated), 0) AS outcomes
ORDER BY id, drug_id, alteration_id, tumour_code
