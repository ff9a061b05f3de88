-- kommo-mcp: Kommo in real time (issue 13). Webhooks arrive in a durable inbox before they are answered; background
-- work (configuration snapshots, the mirror's sync) is a PostgreSQL work queue that any instance may take a job
-- from (FOR UPDATE SKIP LOCKED, with a lease); every object this server writes in Kommo is logged, so that a change
-- seen in Kommo can be told apart from one made through kommo-mcp; changes made outside kommo-mcp go on the audit
-- chain as EXTERNAL entries, each recorded once.

-- The webhook secret is derived from the platform's secrets key and the tenant's generation (rotating it moves the
-- generation); only its SHA-256 is stored. The mirror is opt-in per tenant.
alter table tenant add column webhook_secret_generation integer not null default 0;
alter table tenant add column webhook_secret_hash char(64);
alter table tenant add column mirror_enabled boolean not null default false;

create table webhook_inbox (
    id            bigserial     primary key,
    tenant_id     varchar(64)   not null,
    received_at   timestamptz   not null default now(),
    content_type  varchar(200),
    body          text          not null,
    status        varchar(12)   not null default 'NEW'
                  check (status in ('NEW', 'PROCESSING', 'DONE', 'MALFORMED', 'FAILED')),
    attempts      integer       not null default 0,
    locked_until  timestamptz,
    processed_at  timestamptz,
    events        integer,
    error         varchar(2000)
);
create index webhook_inbox_pending on webhook_inbox (id) where status in ('NEW', 'PROCESSING');
create index webhook_inbox_tenant on webhook_inbox (tenant_id, received_at);
grant select, insert, update on webhook_inbox to "${app_role}";
grant usage on sequence webhook_inbox_id_seq to "${app_role}";

-- One row per (tenant, job): run when due by whichever instance claims it first; a claim is a lease that its
-- holder renews while it works, so a crashed instance's job is taken over when the lease runs out.
create table sync_job (
    tenant_id     varchar(64)   not null,
    job           varchar(20)   not null check (job in ('CONFIG_SNAPSHOT', 'MIRROR')),
    run_after     timestamptz   not null,
    locked_by     varchar(64),
    locked_until  timestamptz,
    wanted        boolean       not null default false,
    runs          bigint        not null default 0,
    failures      integer       not null default 0,
    last_run_at   timestamptz,
    last_error    varchar(2000),
    primary key (tenant_id, job)
);
create index sync_job_due on sync_job (run_after);
grant select, insert, update, delete on sync_job to "${app_role}";

-- Every object a Kommo write of this server changed, as the write layer saw it (kept kommo.realtime.write-log-days).
create table kommo_write (
    id            bigserial     primary key,
    tenant_id     varchar(64)   not null,
    target_type   varchar(40)   not null,
    target_id     varchar(100)  not null,
    written_at    timestamptz   not null default now(),
    after_state   text
);
create index kommo_write_target on kommo_write (tenant_id, target_type, target_id, written_at);
grant select, insert, delete on kommo_write to "${app_role}";
grant usage on sequence kommo_write_id_seq to "${app_role}";

-- The account configuration as last seen (pipelines and stages, custom fields and groups, loss reasons, users).
create table config_snapshot (
    tenant_id     varchar(64)   primary key,
    taken_at      timestamptz   not null,
    data          jsonb         not null
);
grant select, insert, update, delete on config_snapshot to "${app_role}";

-- Each change made outside kommo-mcp is recorded once, whatever redelivers or re-sweeps it.
create table external_change (
    tenant_id     varchar(64)   not null,
    change_key    varchar(300)  not null,
    recorded_at   timestamptz   not null default now(),
    primary key (tenant_id, change_key)
);
grant select, insert, delete on external_change to "${app_role}";

alter table audit_entry drop constraint audit_entry_kind_check;
alter table audit_entry add constraint audit_entry_kind_check check (kind in ('CALL', 'INTENT', 'OUTCOME', 'PLAN',
    'ELICITATION', 'APPROVAL', 'CONFIRMATION', 'EXTERNAL'));
