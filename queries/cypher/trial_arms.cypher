// name: trial_arms
// description: Trial arms with the therapy they give, the alterations they require, their tumour types and how many outcomes are recorded (empty until trials are loaded).
// returns: id, trial_id, name, status, therapy_id, drug_id, alteration_id, tumour_code, outcomes
// example:
MATCH (arm:TrialArm)-[:GIVES]->(th:Therapy)-[:INCLUDES]->(d:Drug)
OPTIONAL MATCH (arm)-[:REQUIRES]->(a:Alteration)
OPTIONAL MATCH (arm)-[:FOR_TUMOUR]->(t:TumourType)
OPTIONAL MATCH (o:Outcome)-[:IN_ARM]->(arm)
RETURN arm.id AS id, arm.trial_id AS trial_id, arm.name AS name, arm.status AS status,
       th.id AS therapy_id, d.id AS drug_id, a.id AS alteration_id, t.id AS tumour_code,
       count(DISTINCT o) AS outcomes
ORDER BY id, drug_id, alteration_id, tumour_code
