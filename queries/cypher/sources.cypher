// name: sources
// question: Which releases are loaded, under which licence, and how did their last load end?
// description: Every dataset release loaded, with licence, checksum and the state of its last run.
// returns: id, name, version, licence, file_name, checksum_sha256, last_run_status, last_run_finished_at, last_complete_run_id, last_run_host, last_run_pid
// example:
MATCH (s:Source)
RETURN s.id AS id, s.name AS name, s.version AS version, s.licence AS licence,
       s.file_name AS file_name, s.checksum_sha256 AS checksum_sha256,
       s.last_run_status AS last_run_status, s.last_run_finished_at AS last_run_finished_at,
       s.last_complete_run_id AS last_complete_run_id, s.last_run_host AS last_run_host,
       s.last_run_pid AS last_run_pid
ORDER BY id
