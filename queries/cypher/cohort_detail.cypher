// name: cohort_detail
// question: What is one cohort: its trial, protocol, stage, dates, planned size and payment?
// description: One trial arm or registry cohort ($arm) with its trial's title and what the registry states about it (protocol, stage, planned size, opened and closed dates, the cohort it expands, the payment model).
// returns: id, trial_id, trial_title, cohort_id, name, status, stage, planned_size, protocol, expansion_of, payment_model, company_paid_weeks, opened, closed, biomarker_text, synthetic
// params: arm (the arm id, TRIAL/COHORT)
// example: arm="IMPRESS-SYNTHETIC/C08"
MATCH (arm:TrialArm {id: $arm})
OPTIONAL MATCH (t:Trial)-[:HAS_ARM]->(arm)
RETURN arm.id AS id, arm.trial_id AS trial_id, t.title AS trial_title, arm.cohort_id AS cohort_id,
       arm.name AS name, arm.status AS status, arm.stage AS stage,
       arm.planned_size AS planned_size, arm.protocol AS protocol,
       arm.expansion_of AS expansion_of, arm.payment_model AS payment_model,
       arm.company_paid_weeks AS company_paid_weeks, arm.valid_from AS opened,
       arm.valid_to AS closed, arm.biomarker_text AS biomarker_text, arm.synthetic AS synthetic
