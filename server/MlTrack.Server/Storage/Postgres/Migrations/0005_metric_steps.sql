-- Which steps each run's metric has, 64 steps to a row: bit (step & 63) of bits is set when step (block << 6) | bit
-- has a point, and min_time/max_time bound the timestamps of the block's points. get-history-bulk-interval (the UI's
-- charts) counts and picks the sampled steps from these rows (a 1,000,000-step series is 15,625 rows, not 1,000,000
-- points sorted), then reads a sampled step's points between its block's two timestamps in the timestamp-ordered
-- primary key of metrics. An index on metrics (run_id, key, step) would serve too, at one more index insert per
-- point at ingest; these rows cost a batch of consecutive steps a few upserts. The writer keeps them in step with
-- metrics, in the same transaction; anything that ever deletes points must delete or rebuild the run's rows here too.

CREATE TABLE metric_steps (
    run_id   BIGINT NOT NULL REFERENCES runs (id),
    key      TEXT COLLATE "C" NOT NULL,
    block    BIGINT NOT NULL,
    bits     BIGINT NOT NULL,
    min_time BIGINT NOT NULL,
    max_time BIGINT NOT NULL,
    PRIMARY KEY (run_id, key, block)
);

INSERT INTO metric_steps (run_id, key, block, bits, min_time, max_time)
SELECT run_id, key, step >> 6, bit_or(1::bigint << (step & 63)::int), min(timestamp), max(timestamp)
FROM metrics GROUP BY run_id, key, step >> 6;
