-- kommo-mcp: Kommo's 7 requests/s per account shared by leases instead of a database round trip per request
-- (issue 11). Each server instance holds a share of an account's slots and enforces it in memory; renewals lock the
-- account's row in kommo_request_window, so the shares never add up to more than the account allows.
create table kommo_budget_lease (
    account_key varchar(512) not null,
    instance_id varchar(64)  not null,
    permits     integer      not null check (permits >= 0),
    wanted      boolean      not null,
    expires_at  timestamptz  not null,
    primary key (account_key, instance_id)
);
grant select, insert, update, delete on kommo_budget_lease to "${app_role}";
-- the request log of the previous scheme is no longer kept
alter table kommo_request_window drop column starts;
