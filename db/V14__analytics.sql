-- kommo-mcp: analytics over the mirror (issue 14; docs/analytics.md). A lead's stage history is read from its
-- lead_status_changed events; reading four numbers out of each event's JSON was most of the time of every analytics
-- query (250,000 events: about 0.7 s of 1.1 s on 2 cores), so the stage before and after are stored beside the JSON
-- as generated columns (kept by PostgreSQL on every insert: MirrorStore does not change) and covered by a partial
-- index that answers a tenant's stage changes in lead and time order without reading the table.

-- A JSON value as a bigint: a number (truncated), or a string of digits (Kommo sends some numbers as strings); null
-- for anything else, so that one odd event can never make an insert fail (and analytics read odd records with it
-- when a plain cast fails).
create function analytics_bigint(v jsonb) returns bigint language sql immutable parallel safe as $$
    select case jsonb_typeof(v)
        when 'number' then case when abs(v::numeric) < 9223372036854775807 then trunc(v::numeric)::bigint end
        when 'string' then case when (v #>> '{}') ~ '^-?[0-9]{1,18}$' then (v #>> '{}')::bigint end
    end
$$;

-- Rewrites mirror_event once (about 6 s per 250,000 events).
alter table mirror_event
    add column from_pipeline bigint generated always as
        (analytics_bigint(data #> '{value_before,0,lead_status,pipeline_id}')) stored,
    add column from_status bigint generated always as
        (analytics_bigint(data #> '{value_before,0,lead_status,id}')) stored,
    add column to_pipeline bigint generated always as
        (analytics_bigint(data #> '{value_after,0,lead_status,pipeline_id}')) stored,
    add column to_status bigint generated always as
        (analytics_bigint(data #> '{value_after,0,lead_status,id}')) stored;

-- Changes in the same second are ordered by their id, byte by byte (collation "C"), whatever the database's locale.
create index mirror_event_stage_change on mirror_event (tenant_id, entity_id, created_at, id collate "C")
    include (from_pipeline, from_status, to_pipeline, to_status, created_by) where type = 'lead_status_changed';

-- An analytics answer builds its working sets (the selected leads, their stage stays) as temporary tables that
-- live for its transaction only (ON COMMIT DROP). PostgreSQL grants this to PUBLIC by default; a hardened database
-- may not, so the role is granted it here when the migration may (only the database's owner can grant it).
do $$
begin
    execute format('grant temporary on database %I to %I', current_database(), '${app_role}');
exception when insufficient_privilege then
    raise notice 'kommo-mcp analytics: cannot grant temporary on database % to ${app_role}; it needs it (PUBLIC has'
        ' it by default)', current_database();
end
$$;
