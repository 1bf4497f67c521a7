-- Alerts waiting to be posted to a pipeline's webhook: an outbox, so publishing never waits on the receiver and a
-- delivery survives host restarts. A dispatcher posts due rows with back-off until delivered or out of attempts.
CREATE TABLE {schema}.alerts (
    id                bigserial   PRIMARY KEY,
    pipeline          text        NOT NULL,
    kind              text        NOT NULL,
    url               text        NOT NULL,
    dedupe_key        text        NOT NULL UNIQUE,
    payload_json      jsonb       NOT NULL,
    state             text        NOT NULL DEFAULT 'Pending',
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    delivered_at      timestamptz
);
CREATE INDEX alerts_due ON {schema}.alerts (next_attempt_at) WHERE state = 'Pending';

-- Every drift check of a deployed model: the window of logged predictions it read (by prediction_log id), its
-- verdict and full report, and the retraining run it started, if any.
CREATE TABLE {schema}.drift_reports (
    id                bigserial   PRIMARY KEY,
    pipeline          text        NOT NULL,
    version           integer     NOT NULL,
    check_key         text        NOT NULL UNIQUE,
    checked_at        timestamptz NOT NULL DEFAULT now(),
    verdict           text        NOT NULL,
    drifted           boolean     NOT NULL,
    window_after_id   bigint      NOT NULL,
    window_last_id    bigint      NOT NULL,
    window_rows       integer     NOT NULL,
    report_json       jsonb       NOT NULL,
    live_json         jsonb,
    retrain_run_id    text,
    retrain_note      text
);
CREATE INDEX drift_reports_model ON {schema}.drift_reports (pipeline, version, id);

-- Labels fed back for logged predictions, for live accuracy or error.
CREATE TABLE {schema}.prediction_feedback (
    prediction_id     uuid        PRIMARY KEY,
    pipeline          text        NOT NULL,
    label_json        jsonb       NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prediction_log_prediction ON {schema}.prediction_log (prediction_id);
