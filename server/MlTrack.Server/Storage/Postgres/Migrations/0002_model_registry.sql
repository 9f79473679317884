-- Model registry tables for PostgreSQL, shaped as the SQLite ones: registered_models.id is the key of the child
-- tables, deleted versions stay as rows in stage 'Deleted_Internal' so their numbers are never reused.

CREATE TABLE registered_models (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              TEXT COLLATE "C" NOT NULL UNIQUE,
    creation_time     BIGINT NOT NULL,
    last_updated_time BIGINT,
    description       TEXT COLLATE "C"
);

CREATE INDEX registered_models_by_update ON registered_models (last_updated_time, name);

CREATE TABLE registered_model_tags (
    model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    key      TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (model_id, key)
);

CREATE INDEX registered_model_tags_by_key ON registered_model_tags (key, left(value, 512));

CREATE TABLE model_versions (
    model_id          BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    version           BIGINT NOT NULL,
    creation_time     BIGINT NOT NULL,
    last_updated_time BIGINT,
    description       TEXT COLLATE "C",
    user_id           TEXT COLLATE "C",
    current_stage     TEXT COLLATE "C" NOT NULL DEFAULT 'None',
    source            TEXT COLLATE "C",
    storage_location  TEXT COLLATE "C",
    run_id            TEXT COLLATE "C",
    run_link          TEXT COLLATE "C",
    status            TEXT COLLATE "C" NOT NULL DEFAULT 'READY',
    status_message    TEXT COLLATE "C",
    PRIMARY KEY (model_id, version)
);

CREATE INDEX model_versions_by_update ON model_versions (last_updated_time DESC, model_id, version DESC);
CREATE INDEX model_versions_by_run ON model_versions (run_id);
CREATE INDEX model_versions_by_source ON model_versions (left(source, 512));

CREATE TABLE model_version_tags (
    model_id BIGINT NOT NULL,
    version  BIGINT NOT NULL,
    key      TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (model_id, version, key),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

CREATE INDEX model_version_tags_by_key ON model_version_tags (key, left(value, 512));

CREATE TABLE registered_model_aliases (
    model_id BIGINT NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
    alias    TEXT COLLATE "C" NOT NULL,
    version  BIGINT NOT NULL,
    PRIMARY KEY (model_id, alias)
);

CREATE INDEX registered_model_aliases_by_version ON registered_model_aliases (model_id, version);
