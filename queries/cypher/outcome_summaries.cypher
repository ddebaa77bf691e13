// name: outcome_summaries
// question: How did each trial arm or registry cohort do: patients treated and evaluable, benefit at week 16, responses, median PFS and OS, two-stage decision?
// description: One row per arm of $arms with recorded outcomes: the summary the outcome loader computed from the arm's patients (exact counts; answers for sharing suppress counts of 1-4), with the arm's trial, status and therapy. An answer reads these rows, one per arm, whatever the number of patients.
// returns: arm_id, arm, trial_id, status, synthetic, therapy, treated, evaluable, benefit_week16, objective_responses, decision, pfs_patients, median_pfs_months, median_pfs_low, median_pfs_high, os_patients, median_os_months, median_os_low, median_os_high, first_start, last_start
// params: arms (the arm ids, TRIAL/COHORT)
// example: arms=["IMPRESS-SYNTHETIC/C05", "IMPRESS-SYNTHETIC/C06"]
MATCH (s:OutcomeSummary)-[:SUMMARISES]->(arm:TrialArm)
WHERE arm.id IN $arms
OPTIONAL MATCH (arm)-[:GIVES]->(th:Therapy)
RETURN arm.id AS arm_id, arm.name AS arm, arm.trial_id AS trial_id, arm.status AS status,
       arm.synthetic AS synthetic, th.name AS therapy, s.treated AS treated,
       s.evaluable AS evaluable, s.benefit_week16 AS benefit_week16,
       s.objective_responses AS objective_responses, s.decision AS decision,
       s.pfs_patients AS pfs_patients, s.median_pfs_months AS median_pfs_months,
       s.median_pfs_low AS median_pfs_low, s.median_pfs_high AS median_pfs_high,
       s.os_patients AS os_patients, s.median_os_months AS median_os_months,
       s.median_os_low AS median_os_low, s.median_os_high AS median_os_high,
       s.first_start AS first_start, s.last_start AS last_start
ORDER BY arm_id
