-- kommo-mcp: the opt-in mirror of a tenant's Kommo account (issue 13). Records (leads, contacts, companies, tasks,
-- notes) are kept as Kommo's API v4 shows them (data), with the columns every query needs; stage changes and
-- deletions as events. The account's configuration (pipelines, stages, fields, users, loss reasons) is the latest
-- configuration snapshot. mirror_sync holds each entity's progress, so that a restarted or another instance resumes.
create table mirror_sync (
    tenant_id       varchar(64)   not null,
    entity          varchar(20)   not null,
    backfilled      boolean       not null default false,
    next_page       integer       not null default 1,
    backfill_to     bigint,
    high_water      bigint        not null default 0,
    records         bigint        not null default 0,
    last_change_at  timestamptz,
    synced_at       timestamptz,
    primary key (tenant_id, entity)
);
grant select, insert, update, delete on mirror_sync to "${app_role}";

create table mirror_record (
    tenant_id       varchar(64)   not null,
    entity          varchar(20)   not null,
    id              bigint        not null,
    created_at      bigint,
    updated_at      bigint,
    deleted         boolean       not null default false,
    data            jsonb         not null,
    synced_at       timestamptz   not null default now(),
    primary key (tenant_id, entity, id)
);
create index mirror_record_updated on mirror_record (tenant_id, entity, updated_at);
create index mirror_lead_stage on mirror_record (tenant_id, ((data->>'pipeline_id')::bigint),
    ((data->>'status_id')::bigint)) where entity = 'leads';
create index mirror_lead_user on mirror_record (tenant_id, ((data->>'responsible_user_id')::bigint))
    where entity = 'leads';
create index mirror_record_fields on mirror_record using gin ((data->'custom_fields_values') jsonb_path_ops);
grant select, insert, update, delete on mirror_record to "${app_role}";

create table mirror_event (
    tenant_id       varchar(64)   not null,
    id              varchar(64)   not null,
    type            varchar(80)   not null,
    entity_type     varchar(40),
    entity_id       bigint,
    created_by      bigint,
    created_at      bigint        not null,
    data            jsonb         not null,
    primary key (tenant_id, id)
);
create index mirror_event_entity on mirror_event (tenant_id, entity_type, entity_id, created_at);
create index mirror_event_type on mirror_event (tenant_id, type, created_at);
grant select, insert, update, delete on mirror_event to "${app_role}";
