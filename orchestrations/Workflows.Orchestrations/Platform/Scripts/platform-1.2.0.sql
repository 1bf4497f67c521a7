-- The model registry: immutable model versions per pipeline. A run registers at most one version (its evaluated
-- best model); registering again from a retried activity or a restarted host returns the same row.
CREATE TABLE {schema}.model_versions (
    pipeline          text        NOT NULL,
    version           integer     NOT NULL,
    run_id            text        NOT NULL,
    model_sha256      text        NOT NULL,
    model_path        text        NOT NULL,
    manifest_path     text        NOT NULL,
    evaluation_path   text        NOT NULL,
    metrics_json      jsonb       NOT NULL,
    lineage_json      jsonb       NOT NULL,
    gate_json         jsonb,
    baseline_path     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, version),
    UNIQUE (pipeline, run_id)
);

-- Where each alias points now. Serving reads this; a move is one transaction with its history row.
-- traffic_percent: for a canary, the share of requests it answers; shadow: it scores copies and answers none.
CREATE TABLE {schema}.model_aliases (
    pipeline          text        NOT NULL,
    alias             text        NOT NULL,
    version           integer     NOT NULL,
    traffic_percent   integer     NOT NULL DEFAULT 100 CHECK (traffic_percent BETWEEN 0 AND 100),
    shadow            boolean     NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, alias),
    FOREIGN KEY (pipeline, version) REFERENCES {schema}.model_versions (pipeline, version)
);

-- Every alias move, so a rollback knows what production was before and anyone can see who moved what and why.
CREATE TABLE {schema}.model_alias_history (
    id                bigserial   PRIMARY KEY,
    pipeline          text        NOT NULL,
    alias             text        NOT NULL,
    version           integer,
    previous_version  integer,
    reason            text        NOT NULL,
    rollback          boolean     NOT NULL DEFAULT false,
    run_id            text,
    changed_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_alias_history_alias ON {schema}.model_alias_history (pipeline, alias, id);

-- A sample of what serving answered, written off the request path, for monitoring.
CREATE TABLE {schema}.prediction_log (
    id                bigserial   PRIMARY KEY,
    prediction_id     uuid        NOT NULL,
    pipeline          text        NOT NULL,
    version           integer     NOT NULL,
    route             text        NOT NULL,
    features          real[]      NOT NULL,
    output_json       jsonb       NOT NULL,
    logged_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prediction_log_model ON {schema}.prediction_log (pipeline, version, id);
