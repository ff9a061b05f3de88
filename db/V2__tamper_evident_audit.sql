-- kommo-mcp: tamper-evident audit trail (issue 5).
--
-- Three database roles:
--   the owner (runs these migrations; owns every object),
--   ${app_role} (the server at run time: may insert into the audit tables and read them, never update or delete),
--   ${retention_role} (runs the retention command, and can do nothing else).
-- The roles are created here when missing (the owner then needs CREATEROLE); a DBA may create them beforehand.

do $$
begin
    if not exists (select from pg_roles where rolname = '${app_role}') then
        execute format('create role %I login', '${app_role}');
    end if;
    if not exists (select from pg_roles where rolname = '${retention_role}') then
        execute format('create role %I login', '${retention_role}');
    end if;
end $$;

-- The first audit tables (V1) were not chained. They are kept, read-only, for what they hold; a fresh
-- installation has nothing in them.
alter table audit_kommo_call rename to audit_v1_kommo_call;
alter table audit_tool_call rename to audit_v1_tool_call;

-- One row per audit entry. Entries form one hash chain per chain_key (the tenant id, or "_none" for requests that
-- named no tenant): each row holds the previous entry's hash and its own, SHA-256 over a canonical serialisation
-- of the row (see io.kommomcp.audit.ChainHash). Text columns holding JSON (arguments, kommo_calls, before/after)
-- keep the exact canonical text that was hashed.
create table audit_entry (
    chain_key          varchar(64)   not null,
    seq                bigint        not null,
    recorded_at        timestamptz   not null,
    kind               varchar(16)   not null check (kind in ('CALL', 'INTENT', 'OUTCOME', 'PLAN', 'ELICITATION',
                                                              'APPROVAL', 'CONFIRMATION')),
    correlation_id     uuid,
    tenant_id          varchar(64),
    subject            varchar(300),
    roles              varchar(500)  not null default '',
    client_name        varchar(200),
    client_version     varchar(100),
    session_id         varchar(100),
    tool               varchar(100)  not null,
    arguments          text          not null default '{}',
    outcome            varchar(16)   not null check (outcome in ('SUCCEEDED', 'FAILED', 'DENIED', 'PENDING',
                                                                 'UNKNOWN')),
    duration_ms        integer,
    error_text         varchar(4000),
    target_type        varchar(40),
    target_id          varchar(100),
    before_state       text,
    after_state        text,
    kommo_calls        text          not null default '[]',
    kommo_call_count   integer       not null default 0,
    kommo_error_count  integer       not null default 0,
    kommo_429_count    integer       not null default 0,
    prev_hash          char(64)      not null,
    hash               char(64)      not null,
    primary key (chain_key, seq, recorded_at)
) partition by range (recorded_at);

create index audit_entry_tenant_time on audit_entry (tenant_id, recorded_at);
create index audit_entry_correlation on audit_entry (correlation_id) where correlation_id is not null;
create index audit_entry_target on audit_entry (target_type, target_id) where target_type is not null;

-- Entries outside every monthly partition land here, so nothing is ever refused for want of a partition.
-- The retention command never drops it.
create table audit_entry_default partition of audit_entry default;

-- The latest entry of each chain. Writers lock the row (select ... for update), so concurrent writers, on one
-- server or several, append one after the other and the chain never forks.
create table audit_chain_head (
    chain_key    varchar(64)  primary key,
    seq          bigint       not null,
    hash         char(64)     not null,
    recorded_at  timestamptz  not null,
    updated_at   timestamptz  not null default now()
);

-- Retention: every run of the retention command, and for each chain the last entry it removed, from which
-- verification resumes.
create table audit_retention_run (
    id               bigserial    primary key,
    run_at           timestamptz  not null default now(),
    run_by           varchar(100) not null,
    cutoff           date         not null,
    partitions       text         not null,
    entries_removed  bigint       not null
);

create table audit_chain_checkpoint (
    chain_key    varchar(64)  not null,
    seq          bigint       not null,
    hash         char(64)     not null,
    recorded_at  timestamptz  not null,
    retention_id bigint       not null references audit_retention_run (id),
    primary key (chain_key, seq)
);

-- Append-only, enforced twice: the grants below give the application no update or delete, and these triggers
-- refuse them from anyone, the owner included.
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit trail is append-only: % on % is refused', tg_op, tg_table_name
        using errcode = '42501';
end $$;

create trigger audit_entry_append_only before update or delete on audit_entry
    for each row execute function audit_refuse_change();
create trigger audit_retention_run_append_only before update or delete on audit_retention_run
    for each row execute function audit_refuse_change();
create trigger audit_chain_checkpoint_append_only before update or delete on audit_chain_checkpoint
    for each row execute function audit_refuse_change();
create trigger audit_v1_tool_call_append_only before update or delete on audit_v1_tool_call
    for each row execute function audit_refuse_change();
create trigger audit_v1_kommo_call_append_only before update or delete on audit_v1_kommo_call
    for each row execute function audit_refuse_change();
create trigger audit_entry_no_truncate before truncate on audit_entry_default
    for each statement execute function audit_refuse_change();

-- Monthly partitions, created ahead by the server at start-up through this function (it runs with the owner's
-- rights; the application cannot create or drop tables itself).
create function audit_ensure_partitions(months_ahead integer) returns integer
    language plpgsql security definer set search_path = public as $$
declare
    m date;
    part text;
    created integer := 0;
begin
    for i in 0 .. least(greatest(months_ahead, 0), 36) loop
        m := (date_trunc('month', now()) + make_interval(months => i))::date;
        part := 'audit_entry_' || to_char(m, 'YYYYMM');
        if to_regclass(part) is null then
            execute format('create table %I partition of audit_entry for values from (%L) to (%L)',
                           part, m, (m + interval '1 month')::date);
            execute format('create trigger audit_entry_no_truncate before truncate on %I'
                           || ' for each statement execute function audit_refuse_change()', part);
            created := created + 1;
        end if;
    end loop;
    return created;
end $$;

-- The retention command: drops whole monthly partitions that end on or before the cutoff, which must be the
-- first day of a month at least one full month in the past. Before dropping, it records the run and, for every
-- chain, its last removed entry as a checkpoint. Only the retention role may call it.
create function audit_retention_drop_before(cutoff date)
    returns table (dropped_partition text, entries bigint)
    language plpgsql security definer set search_path = public as $$
declare
    run_id bigint;
    parts text[];
    counts bigint[] := '{}';
    n bigint;
    total bigint := 0;
begin
    if cutoff is null or cutoff <> date_trunc('month', cutoff)::date then
        raise exception 'the cutoff must be the first day of a month, e.g. 2026-01-01';
    end if;
    if cutoff > (date_trunc('month', now()) - interval '1 month')::date then
        raise exception 'refused: the current and the previous month are always kept (latest allowed cutoff %)',
            (date_trunc('month', now()) - interval '1 month')::date;
    end if;
    select coalesce(array_agg(c.relname::text order by c.relname), '{}') into parts
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'audit_entry'::regclass
       and c.relname ~ '^audit_entry_[0-9]{6}$'
       and (to_date(substr(c.relname, 13), 'YYYYMM') + interval '1 month')::date <= cutoff;
    for i in 1 .. coalesce(array_length(parts, 1), 0) loop
        execute format('select count(*) from %I', parts[i]) into n;
        counts := counts || n;
        total := total + n;
    end loop;
    insert into audit_retention_run (run_by, cutoff, partitions, entries_removed)
        values (session_user, cutoff, array_to_string(parts, ','), total) returning id into run_id;
    for i in 1 .. coalesce(array_length(parts, 1), 0) loop
        execute format('insert into audit_chain_checkpoint (chain_key, seq, hash, recorded_at, retention_id)'
                       || ' select distinct on (chain_key) chain_key, seq, hash, recorded_at, %s from %I'
                       || ' order by chain_key, seq desc on conflict do nothing', run_id, parts[i]);
        execute format('drop table %I', parts[i]);
        dropped_partition := parts[i];
        entries := counts[i];
        return next;
    end loop;
end $$;

revoke all on function audit_ensure_partitions(integer) from public;
revoke all on function audit_retention_drop_before(date) from public;

grant execute on function audit_ensure_partitions(integer) to "${app_role}";
grant execute on function audit_retention_drop_before(date) to "${retention_role}";

-- What the application may do.
grant select, insert, update on tenant to "${app_role}";
grant select, insert on audit_entry to "${app_role}";
grant select, insert, update on audit_chain_head to "${app_role}";
grant select on audit_retention_run, audit_chain_checkpoint, audit_v1_tool_call, audit_v1_kommo_call
    to "${app_role}";
grant select on flyway_schema_history to "${app_role}";
-- and what the retention role may read (to list what it would drop)
grant select on audit_retention_run, audit_chain_checkpoint to "${retention_role}";
