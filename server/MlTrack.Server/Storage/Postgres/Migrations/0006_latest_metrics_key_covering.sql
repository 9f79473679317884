-- A search probes each candidate run's latest value of a metric (the filter's other clauses, the sort key) through
-- the (run_id, key) key. With is_nan and value in the key's index, the probe reads no table row.
ALTER TABLE latest_metrics DROP CONSTRAINT latest_metrics_pkey;
ALTER TABLE latest_metrics ADD PRIMARY KEY (run_id, key) INCLUDE (is_nan, value);
