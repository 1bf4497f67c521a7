-- Training jobs: the queue GPU workers lease from. A lease is a row state plus an expiry; heartbeats push the expiry
-- forward, and a lease that expires makes the job leasable again (its checkpoint kept) until its attempts run out.
CREATE TABLE {schema}.training_jobs (
    job_id            text        PRIMARY KEY,
    run_id            text        NOT NULL,
    pipeline          text        NOT NULL,
    trial             integer     NOT NULL,
    orchestration_id  text        NOT NULL,
    spec_json         jsonb       NOT NULL,
    requires_gpu      boolean     NOT NULL,
    state             text        NOT NULL,
    attempt           integer     NOT NULL DEFAULT 0,
    max_attempts      integer     NOT NULL,
    lease_id          uuid,
    worker_id         text,
    worker_json       jsonb,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    progress_json     jsonb,
    checkpoint_path   text,
    checkpoint_epoch  integer,
    deadline          timestamptz NOT NULL,
    result_json       jsonb,
    error             text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    ended_at          timestamptz
);
-- The lease query: the oldest leasable job first.
CREATE INDEX training_jobs_leasable ON {schema}.training_jobs (created_at, job_id) WHERE state IN ('Queued', 'Leased');
CREATE INDEX training_jobs_run ON {schema}.training_jobs (run_id, trial);

-- Workers as last seen: what they offered and when, for the API's view of the pool.
CREATE TABLE {schema}.training_workers (
    worker_id     text        PRIMARY KEY,
    worker_json   jsonb       NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    current_job   text
);
