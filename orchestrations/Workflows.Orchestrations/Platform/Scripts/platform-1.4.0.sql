-- Drift windows follow the writers' transactions, not ids. Each logged row keeps the transaction that wrote it, and a
-- window reads rows in (transaction, id) order only up to the oldest transaction still running. Ids alone are assigned at insert: with
-- several hosts logging, a later id can commit first, and a window that moved past it would skip the earlier one.
-- Rows logged before this version share this migration's transaction, so their order stays their id order.
ALTER TABLE {schema}.prediction_log ADD COLUMN logged_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
DROP INDEX {schema}.prediction_log_model;
CREATE INDEX prediction_log_model ON {schema}.prediction_log (pipeline, version, logged_xid, id);

-- Where each check's window ended, as (transaction, id); checks stored before read their rows by id alone.
ALTER TABLE {schema}.drift_reports ADD COLUMN window_last_xid xid8;
-- Every row logged before now has this transaction's xid, so that is where each earlier window ended.
UPDATE {schema}.drift_reports SET window_last_xid = pg_current_xact_id();
ALTER TABLE {schema}.drift_reports ALTER COLUMN window_last_xid SET NOT NULL;
