-- kommo-mcp: any instance serves any request (issue 15). Each instance caches an account's schema (pipelines,
-- fields, users, loss reasons); when one instance changes it (a governed apply) or sees it changed (a snapshot), it
-- notes the time here, and every instance drops its cached copy of that tenant's schema when it sees a newer time.
create table metadata_change (
    tenant_id   varchar(64)  primary key,
    changed_at  timestamptz  not null
);
grant select, insert, update on metadata_change to "${app_role}";
