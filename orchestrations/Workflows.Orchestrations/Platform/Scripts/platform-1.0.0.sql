-- Workflows platform data, schema 1.0.0: datasets, ingestions and pipeline runs. Released scripts are never edited.
-- {schema} is replaced with the platform schema's quoted name.

-- A named dataset; its versions are immutable.
CREATE TABLE {schema}.datasets (
    name        text        PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One immutable version per distinct canonical content: the same content twice is one version.
CREATE TABLE {schema}.dataset_versions (
    dataset          text        NOT NULL REFERENCES {schema}.datasets (name),
    version          integer     NOT NULL,
    content_sha256   text        NOT NULL,
    row_count        bigint      NOT NULL,
    source_bytes     bigint      NOT NULL,
    canonical_bytes  bigint      NOT NULL,
    data_path        text        NOT NULL,
    schema_json      jsonb       NOT NULL,
    profile_json     jsonb       NOT NULL,
    report_json      jsonb       NOT NULL,
    source           text        NOT NULL,
    trigger          text        NOT NULL,
    parent_version   integer,
    ingestion_id     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, version),
    UNIQUE (dataset, content_sha256)
);

-- Every file or blob seen by a trigger, claimed once by its source key; the claim survives restarts.
CREATE TABLE {schema}.ingestions (
    ingestion_id   text        PRIMARY KEY,
    source_key     text        NOT NULL UNIQUE,
    dataset        text        NOT NULL,
    source         text        NOT NULL,
    trigger        text        NOT NULL,
    status         text        NOT NULL,
    version        integer,
    quarantine     text,
    report_json    jsonb,
    error          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
CREATE INDEX ingestions_dataset ON {schema}.ingestions (dataset, created_at);

-- A pipeline run: the durable instance holds its state; this row holds what the API lists and filters by.
CREATE TABLE {schema}.runs (
    run_id           text        PRIMARY KEY,
    pipeline         text        NOT NULL,
    trigger          text        NOT NULL,
    idempotency_key  text,
    request_json     jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pipeline, idempotency_key)
);
CREATE INDEX runs_pipeline_created ON {schema}.runs (pipeline, created_at DESC, run_id);
CREATE INDEX runs_created ON {schema}.runs (created_at DESC, run_id);

-- Each stage of a run, as it starts and ends.
CREATE TABLE {schema}.run_stages (
    run_id      text        NOT NULL REFERENCES {schema}.runs (run_id) ON DELETE CASCADE,
    stage       text        NOT NULL,
    ordinal     integer     NOT NULL,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    outcome     text        NOT NULL,
    detail      text,
    PRIMARY KEY (run_id, stage)
);
