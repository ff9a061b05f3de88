-- kommo-mcp: the 2026-07-28 revision of MCP (issue 15). Its multi-round-trip requests carry a requestState that
-- passes through the client: the server seals it (HMAC-SHA256 under a key derived from kommo.secrets.key), binds it
-- to tenant, subject, method, tool and a digest of the arguments, gives it an expiry, and accepts it once. This
-- table is the "once": a state's random nonce is inserted when the state is used, so a second use fails on the
-- primary key, on any instance. The state itself is never stored. Rows are kept a little past their expiry (a
-- replayed state is refused as used, not as expired), then deleted by the server.
create table mcp_request_state (
    nonce       varchar(32)   primary key,
    tenant_id   varchar(64)   not null,
    subject     varchar(512)  not null,
    method      varchar(64)   not null,
    name        varchar(256)  not null,
    used_at     timestamptz   not null,
    expires_at  timestamptz   not null
);
create index mcp_request_state_expiry on mcp_request_state (expires_at);
grant select, insert, delete on mcp_request_state to "${app_role}";
