// name: cohort_outcomes
// question: What happened to each patient of one cohort, with the dates a dossier needs?
// description: The outcomes of one trial arm or registry cohort ($arm), with each patient's pseudonym, treatment dates, week-16 assessment, reason for stopping and last follow-up (the dossier's outcome tables, survival curves and pay-for-performance accounting).
// returns: outcome_id, pseudonym, treatment_start, week16_date, treatment_end, stop_reason, last_followup, best_response, evaluable, benefit, pfs_months, pfs_event, os_months, os_event, synthetic
// params: arm (the arm id, TRIAL/COHORT)
// example: arm="IMPRESS-SYNTHETIC/C05"
MATCH (p:Patient)-[:HAS_OUTCOME]->(o:Outcome)-[:IN_ARM]->(arm:TrialArm {id: $arm})
RETURN o.id AS outcome_id, p.source_record_id AS pseudonym,
       o.treatment_start AS treatment_start, o.week16_date AS week16_date,
       o.treatment_end AS treatment_end, o.stop_reason AS stop_reason,
       o.last_followup AS last_followup, o.best_response AS best_response,
       o.evaluable AS evaluable, o.benefit_week16 AS benefit, o.pfs_months AS pfs_months,
       o.pfs_event AS pfs_event, o.os_months AS os_months, o.os_event AS os_event,
       o.synthetic AS synthetic
ORDER BY treatment_start, outcome_id
