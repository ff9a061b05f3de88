-- kommo-mcp: Kommo's 7 requests/s per account, shared by every server instance (issue 3).
-- One row per Kommo account (its base URL): the start times of its requests in the current window.
create table kommo_request_window (
    account_key varchar(512) primary key,
    starts      timestamptz[] not null default '{}'
);
grant select, insert, update on kommo_request_window to "${app_role}";
