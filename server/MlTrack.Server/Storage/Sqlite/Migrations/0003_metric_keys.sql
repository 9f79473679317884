-- Metric keys are interned: each point row carries a small integer (metric_keys.id) instead of the key's text.
-- Rows get about a third shorter and the primary key compares integers, which is most of the writer's work at
-- ingest. latest_metrics keeps the key's text: it has one row per run and key, and search filters and orders by it.
-- The point table declares no foreign keys: the writer checks the run in the same transaction just before it
-- inserts, neither runs nor keys are ever deleted, and an enforced key costs a parent lookup for every point.

CREATE TABLE metric_keys (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL UNIQUE
);

INSERT INTO metric_keys (key) SELECT DISTINCT key FROM metrics ORDER BY key;

CREATE TABLE metrics_interned (
    run_id    INTEGER NOT NULL,
    key_id    INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    step      INTEGER NOT NULL,
    value     REAL    NOT NULL,
    is_nan    INTEGER NOT NULL,
    PRIMARY KEY (run_id, key_id, timestamp, step, value, is_nan)
) WITHOUT ROWID;

INSERT INTO metrics_interned (run_id, key_id, timestamp, step, value, is_nan)
SELECT m.run_id, k.id, m.timestamp, m.step, m.value, m.is_nan FROM metrics m JOIN metric_keys k ON k.key = m.key;

DROP TABLE metrics;
ALTER TABLE metrics_interned RENAME TO metrics;
