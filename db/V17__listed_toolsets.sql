-- kommo-mcp: tool discovery that scales (issue 15). With a small default surface configured
-- (kommo.mcp.default-toolsets), each person (tenant and subject) chooses which further toolsets tools/list shows
-- them; kept here so that every instance and every MCP lane lists the same.
create table listed_toolsets (
    tenant_id   varchar(64)   not null,
    subject     varchar(300)  not null,
    toolsets    varchar(200)  not null,
    updated_at  timestamptz   not null default now(),
    primary key (tenant_id, subject)
);
grant select, insert, update, delete on listed_toolsets to "${app_role}";
