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
