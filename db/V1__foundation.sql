-- kommo-mcp foundation schema: tenants and the first audit log.

-- A tenant is one company or business unit, bound to one Kommo account. Secrets are AES-GCM ciphertexts,
-- each prefixed with the id of the key that encrypted it ("keyId:base64(iv || ciphertext)"), so keys can rotate.
create table tenant (
    id                       varchar(64)  primary key,
    display_name             varchar(200) not null,
    kommo_base_url           varchar(500) not null,
    auth_kind                varchar(20)  not null check (auth_kind in ('LONG_LIVED_TOKEN', 'OAUTH')),
    oauth_client_id          varchar(200),
    oauth_redirect_uri       varchar(500),
    access_token_enc         text,
    access_token_expires_at  timestamptz,
    client_secret_enc        text,
    refresh_token_enc        text,
    enabled                  boolean      not null default true,
    read_only                boolean      not null default false,
    created_at               timestamptz  not null default now(),
    updated_at               timestamptz  not null default now(),
    version                  bigint       not null default 0,
    constraint tenant_id_format check (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$')
);

-- One row per MCP tool call: allowed and succeeded, failed, or denied.
create table audit_tool_call (
    id              bigserial    primary key,
    started_at      timestamptz  not null,
    tenant_id       varchar(64),
    subject         varchar(300),
    roles           varchar(500) not null default '',
    client_name     varchar(200),
    client_version  varchar(100),
    session_id      varchar(100),
    tool            varchar(100) not null,
    arguments       jsonb,
    outcome         varchar(16)  not null check (outcome in ('SUCCEEDED', 'FAILED', 'DENIED')),
    duration_ms     integer      not null,
    error_text      varchar(4000)
);
create index audit_tool_call_tenant_time on audit_tool_call (tenant_id, started_at);
create index audit_tool_call_tool on audit_tool_call (tool, started_at);

-- Every Kommo HTTP call made on behalf of a tool call.
create table audit_kommo_call (
    id                bigserial    primary key,
    tool_call_id      bigint       not null references audit_tool_call (id),
    seq               integer      not null,
    started_at        timestamptz  not null,
    method            varchar(10)  not null,
    path              varchar(2000) not null,
    status            integer      not null,
    kommo_request_id  varchar(100),
    duration_ms       integer      not null,
    error_text        varchar(2000)
);
create index audit_kommo_call_tool_call on audit_kommo_call (tool_call_id);
