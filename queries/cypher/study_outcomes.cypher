// name: study_outcomes
// question: How did the patients of de-identified studies fare, by treatment class and tumour type?
// description: Patients of de-identified studies (cBioPortal; registry cohorts are in outcome_summaries) with their treatment class, tumour type (and its OncoTree main type) and overall survival.
// returns: study, patient_id, treatment_class, tumour_code, tumour, main_type, os_months, os_event
// example:
MATCH (p:Patient)-[:HAS_OUTCOME]->(o:Outcome)
WHERE o.source = 'cbioportal'
OPTIONAL MATCH (p)-[:HAS_TUMOUR]->(t:TumourType)
RETURN p.study AS study, p.id AS patient_id, o.treatment_class AS treatment_class,
       t.id AS tumour_code, t.name AS tumour, t.main_type AS main_type,
       o.os_months AS os_months, o.os_event AS os_event
ORDER BY study, patient_id
