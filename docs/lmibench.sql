-- Loads an lmibench CSV (csv_version 2) from standard input into table r
-- with typed columns, so numbers compare as numbers and empty fields are
-- NULL. See README, "Recipes":
--   ... --csv - | sqlite3 -cmd '.read docs/lmibench.sql' :memory: 'select ...'
--   sqlite3 -cmd '.read docs/lmibench.sql' :memory: 'select ...' < results/x.csv
CREATE TEMP TABLE lmibench_raw (
  timestamp TEXT, elapsed_s TEXT, scenario TEXT, endpoint TEXT, stage TEXT, target TEXT,
  status TEXT, latency_ms TEXT, bytes_in TEXT, bytes_out TEXT, error TEXT,
  env_id TEXT, cold_start TEXT, inflight TEXT, handler_ms TEXT, scheduled_s TEXT
);
.import --csv --skip 1 /dev/stdin lmibench_raw
CREATE TABLE r AS SELECT
  timestamp,
  CAST(elapsed_s AS REAL) AS elapsed_s,
  scenario,
  endpoint,
  CAST(stage AS INTEGER) AS stage,
  CAST(target AS REAL) AS target,
  CAST(status AS INTEGER) AS status,
  CAST(latency_ms AS REAL) AS latency_ms,
  CAST(bytes_in AS INTEGER) AS bytes_in,
  CAST(bytes_out AS INTEGER) AS bytes_out,
  NULLIF(error, '') AS error,
  NULLIF(env_id, '') AS env_id,
  CASE cold_start WHEN 'true' THEN 1 WHEN 'false' THEN 0 END AS cold_start,
  CAST(NULLIF(inflight, '') AS INTEGER) AS inflight,
  CAST(NULLIF(handler_ms, '') AS REAL) AS handler_ms,
  CAST(NULLIF(scheduled_s, '') AS REAL) AS scheduled_s
FROM lmibench_raw;
DROP TABLE lmibench_raw;
