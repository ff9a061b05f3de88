-- kommo-mcp: bulk work (issue 14). Idempotency keys of changes: (tenant, tool, key) is unique, inserted before
-- anything is sent to Kommo (insert-first), so of two calls with one key exactly one runs; a repeat with the same
-- arguments gets the stored answer, one with other arguments is refused. Keys of calls that changed nothing in
-- Kommo are given back (deleted); the rest expire after kommo.idempotency.ttl-hours.
create table idempotent_call (
    tenant_id        varchar(64)   not null,
    tool             varchar(128)  not null,
    idempotency_key  varchar(200)  not null,
    subject          varchar(512)  not null,
    arguments_hash   char(64)      not null,
    state            varchar(10)   not null check (state in ('RUNNING', 'DONE')),
    answer           text,
    outcome          varchar(16),
    created_at       timestamptz   not null,
    finished_at      timestamptz,
    expires_at       timestamptz   not null,
    primary key (tenant_id, tool, idempotency_key)
);
create index idempotent_call_expiry on idempotent_call (tenant_id, expires_at);
grant select, insert, update, delete on idempotent_call to "${app_role}";

-- A bulk call with more records than this is governed (planned and confirmed); null: the server's default
-- (kommo.bulk.governed-above, 50).
alter table tenant add column bulk_governed_above integer check (bulk_governed_above between 0 and 5000);
