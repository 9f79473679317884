-- Tracking tables, named as in MLflow's schema. Runs get an integer surrogate key (runs.id) that the
-- child tables use, so the 32-character run id is stored once rather than in every metric row.

CREATE TABLE experiments (
    experiment_id     INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    artifact_location TEXT    NOT NULL,
    lifecycle_stage   TEXT    NOT NULL DEFAULT 'active',
    creation_time     INTEGER,
    last_update_time  INTEGER
);

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    run_uuid        TEXT    NOT NULL UNIQUE,
    experiment_id   INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name            TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    start_time      INTEGER NOT NULL,
    end_time        INTEGER,
    deleted_time    INTEGER,
    lifecycle_stage TEXT    NOT NULL,
    artifact_uri    TEXT    NOT NULL
);

-- The default runs/search order: start_time DESC, run_uuid ASC within an experiment and lifecycle stage.
CREATE INDEX runs_search ON runs (experiment_id, lifecycle_stage, start_time DESC, run_uuid);

CREATE TABLE params (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE INDEX params_by_key ON params (key, value);

CREATE TABLE tags (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE INDEX tags_by_key ON tags (key, value);

-- Every point; exact duplicates collapse on the key. History is read in MLflow's order (timestamp, step).
CREATE TABLE metrics (
    run_id    INTEGER NOT NULL REFERENCES runs (id),
    key       TEXT    NOT NULL,
    timestamp INTEGER NOT NULL,
    step      INTEGER NOT NULL,
    value     REAL    NOT NULL,
    is_nan    INTEGER NOT NULL,
    PRIMARY KEY (run_id, key, timestamp, step, value, is_nan)
) WITHOUT ROWID;

-- The point with the greatest (step, timestamp, value) per run and key, kept on write.
CREATE TABLE latest_metrics (
    run_id    INTEGER NOT NULL REFERENCES runs (id),
    key       TEXT    NOT NULL,
    value     REAL    NOT NULL,
    timestamp INTEGER NOT NULL,
    step      INTEGER NOT NULL,
    is_nan    INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);

CREATE TABLE datasets (
    dataset_id          INTEGER PRIMARY KEY,
    experiment_id       INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name                TEXT    NOT NULL,
    digest              TEXT    NOT NULL,
    dataset_source_type TEXT    NOT NULL,
    dataset_source      TEXT    NOT NULL,
    dataset_schema      TEXT,
    dataset_profile     TEXT,
    UNIQUE (experiment_id, name, digest)
);

CREATE TABLE inputs (
    dataset_id INTEGER NOT NULL REFERENCES datasets (dataset_id),
    run_id     INTEGER NOT NULL REFERENCES runs (id),
    PRIMARY KEY (run_id, dataset_id)
) WITHOUT ROWID;

CREATE TABLE input_tags (
    dataset_id INTEGER NOT NULL,
    run_id     INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    PRIMARY KEY (run_id, dataset_id, key),
    FOREIGN KEY (run_id, dataset_id) REFERENCES inputs (run_id, dataset_id)
) WITHOUT ROWID;
