-- Workflows durable task hub, schema 1.0.0. Released scripts are never edited: later changes go in new files.
-- {schema} is replaced with the task hub's quoted schema name.

-- One row per orchestration instance: its current execution and status. Work on an instance is serialized by
-- locking this row for the length of one episode's transaction.
CREATE TABLE {schema}.instances (
    instance_id         text        PRIMARY KEY,
    execution_id        uuid        NOT NULL,
    name                text        NOT NULL,
    runtime_status      text        NOT NULL,
    input               text,
    output              text,
    custom_status       text,
    failure             text,
    parent_instance_id  text,
    history_length      integer     NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL,
    last_updated_at     timestamptz NOT NULL,
    completed_at        timestamptz,
    scheduled_start_at  timestamptz
);
CREATE INDEX instances_created ON {schema}.instances (created_at, instance_id);
CREATE INDEX instances_status_created ON {schema}.instances (runtime_status, created_at);

-- The event-sourced history of each instance's current execution: the only truth about its state.
CREATE TABLE {schema}.history (
    instance_id      text    NOT NULL,
    sequence_number  integer NOT NULL,
    event_type       text    NOT NULL,
    event            text    NOT NULL,
    PRIMARY KEY (instance_id, sequence_number)
);

-- Messages for orchestrations: starts, activity results, timers (visible_at in the future), events, control.
CREATE TABLE {schema}.inbox (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id   text        NOT NULL,
    execution_id  uuid,
    event_type    text        NOT NULL,
    event         text        NOT NULL,
    is_control    boolean     NOT NULL DEFAULT false,
    visible_at    timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_visible ON {schema}.inbox (visible_at, id);
CREATE INDEX inbox_instance ON {schema}.inbox (instance_id, id);

-- Scheduled activities. A claim sets a lease; an expired lease makes the task claimable again (at least once).
CREATE TABLE {schema}.activities (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id      text        NOT NULL,
    execution_id     uuid        NOT NULL,
    task_id          integer     NOT NULL,
    name             text        NOT NULL,
    input            text,
    locked_by        text,
    lock_expires_at  timestamptz,
    dequeue_count    integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_instance ON {schema}.activities (instance_id);

-- Names that workers can run, so a client in another process can refuse an unknown orchestrator at the call.
CREATE TABLE {schema}.registrations (
    kind        text        NOT NULL,
    name_key    text        NOT NULL,
    name        text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name_key)
);
