-- The instance that runs a call with an idempotency key: a repeat of that call is told that the first one never
-- finished only when its instance is gone (no heartbeat), not merely because it runs long (a person may take many
-- minutes to answer a confirmation).
alter table idempotent_call add column instance_id varchar(64);
