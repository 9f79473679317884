-- Model registry tables, named as in MLflow's schema. A registered model gets an integer surrogate key
-- (registered_models.id) that the child tables use, so a rename is one UPDATE and the name is stored once.
-- Deleted versions stay as rows in stage 'Deleted_Internal' so that their numbers are never reused.

CREATE TABLE registered_models (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER,
    description       TEXT
);

-- order_by timestamp / last_updated_timestamp, with the name tie-break.
CREATE INDEX registered_models_by_update ON registered_models (last_updated_time, name);

CREATE TABLE registered_model_tags (
    model_id INTEGER NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

CREATE INDEX registered_model_tags_by_key ON registered_model_tags (key, value);

CREATE TABLE model_versions (
    model_id          INTEGER NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    version           INTEGER NOT NULL,
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER,
    description       TEXT,
    user_id           TEXT,
    current_stage     TEXT    NOT NULL DEFAULT 'None',
    source            TEXT,
    storage_location  TEXT,
    run_id            TEXT,
    run_link          TEXT,
    status            TEXT    NOT NULL DEFAULT 'READY',
    status_message    TEXT,
    PRIMARY KEY (model_id, version)
);

-- The default model-versions/search order (last_updated DESC, then name, version) and the filters on run and source.
CREATE INDEX model_versions_by_update ON model_versions (last_updated_time DESC, model_id, version DESC);
CREATE INDEX model_versions_by_run ON model_versions (run_id);
CREATE INDEX model_versions_by_source ON model_versions (source);

CREATE TABLE model_version_tags (
    model_id INTEGER NOT NULL,
    version  INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (model_id, version, key),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX model_version_tags_by_key ON model_version_tags (key, value);

CREATE TABLE registered_model_aliases (
    model_id INTEGER NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    alias    TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    PRIMARY KEY (model_id, alias)
) WITHOUT ROWID;

-- The aliases of one version (returned with it, removed when it is deleted).
CREATE INDEX registered_model_aliases_by_version ON registered_model_aliases (model_id, version);
