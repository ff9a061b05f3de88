-- kommo-mcp: governed administration (issue 4). A plan is what an admin mutation would do; its confirmation token
-- (kept only as a SHA-256 hash) is single-use, expires, and is bound to tenant, subject, tool, the arguments' hash
-- and a fingerprint of the account state the plan saw. Any server instance honours it.
create table governance_plan (
    id                uuid          primary key,
    tenant_id         varchar(64)   not null,
    subject           varchar(512)  not null,
    tool              varchar(128)  not null,
    arguments_hash    char(64)      not null,
    state_fingerprint char(64)      not null,
    token_hash        char(64)      not null unique,
    plan              text          not null,
    created_at        timestamptz   not null,
    expires_at        timestamptz   not null,
    used_at           timestamptz,
    outcome           varchar(32)
);
create index governance_plan_tenant on governance_plan (tenant_id, created_at);
grant select, insert, update on governance_plan to "${app_role}";
