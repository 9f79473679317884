-- Which steps each run's metric has, 64 steps to a row: bit (step & 63) of bits is set when step (block << 6) | bit
-- has a point, and min_time/max_time bound the timestamps of the block's points. get-history-bulk-interval (the UI's
-- charts) counts and picks the sampled steps from these rows (a 1,000,000-step series is 15,625 rows, not 1,000,000
-- points sorted), then reads a sampled step's points between its block's two timestamps in the timestamp-ordered
-- primary key of metrics. An index on metrics (run_id, key_id, step) would serve too, but it copies every row (an
-- index of a WITHOUT ROWID table carries the whole key) and costs every point a second b-tree insert at ingest; these
-- rows cost a batch of consecutive steps a few upserts. The writer keeps them in step with metrics, in the same
-- transaction; anything that ever deletes points must delete or rebuild the run's rows here too.

CREATE TABLE metric_steps (
    run_id   INTEGER NOT NULL,
    key_id   INTEGER NOT NULL,
    block    INTEGER NOT NULL,
    bits     INTEGER NOT NULL,
    min_time INTEGER NOT NULL,
    max_time INTEGER NOT NULL,
    PRIMARY KEY (run_id, key_id, block)
) WITHOUT ROWID;

-- SQLite has no bitwise-or aggregate: the bits of distinct steps are distinct powers of two, so their sum is their
-- or (bit 63 is the sign bit, and no partial sum overflows).
INSERT INTO metric_steps (run_id, key_id, block, bits, min_time, max_time)
SELECT run_id, key_id, step >> 6, sum(1 << (step & 63)), min(min_time), max(max_time)
FROM (SELECT run_id, key_id, step, min(timestamp) AS min_time, max(timestamp) AS max_time FROM metrics GROUP BY run_id, key_id, step)
GROUP BY run_id, key_id, step >> 6;
