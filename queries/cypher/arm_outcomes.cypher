// name: arm_outcomes
// question: What happened to each patient treated in a trial arm or registry cohort?
// description: Every outcome recorded in a trial arm or registry cohort, with the arm's trial, status and therapy (cohort analytics compute the two-stage decision from these rows).
// returns: arm_id, arm, trial_id, status, synthetic, therapy, outcome_id, treatment_start, best_response, evaluable, benefit, pfs_months, pfs_event, os_months, os_event
// example:
MATCH (o:Outcome)-[:IN_ARM]->(arm:TrialArm)
OPTIONAL MATCH (arm)-[:GIVES]->(th:Therapy)
RETURN arm.id AS arm_id, arm.name AS arm, arm.trial_id AS trial_id, arm.status AS status,
       arm.synthetic AS synthetic, th.name AS therapy, o.id AS outcome_id,
       o.treatment_start AS treatment_start, o.best_response AS best_response,
       o.evaluable AS evaluable, o.benefit_week16 AS benefit, o.pfs_months AS pfs_months,
       o.pfs_event AS pfs_event, o.os_months AS os_months, o.os_event AS os_event
ORDER BY arm_id, treatment_start, outcome_id
