-- kommo-mcp: several instances on one database (issue 15). Each live instance has a row it renews every few
-- seconds; each intent (a change in flight) names the instance that runs it. Reconciliation closes only intents of
-- instances that are gone, so a new or another instance never closes a live instance's calls as UNKNOWN.
create table server_instance (
    instance_id  varchar(64)  primary key,
    started_at   timestamptz  not null default now(),
    last_seen    timestamptz  not null default now()
);
grant select, insert, update, delete on server_instance to "${app_role}";

create table intent_owner (
    correlation_id  uuid         primary key,
    instance_id     varchar(64)  not null,
    created_at      timestamptz  not null default now()
);
create index intent_owner_created on intent_owner (created_at);
grant select, insert, delete on intent_owner to "${app_role}";
