-- kommo-mcp: sales intelligence (issue 14). A tenant's thresholds for lead_status: a lead is active while its last
-- activity is at most active_days old, cooling up to cooling_days, cold beyond; at risk when it has at least
-- overdue_tasks overdue tasks (0: overdue tasks alone never make a lead at risk) or has sat in its stage longer than
-- stuck_factor times the stage's median stay. Changed through PATCH /api/admin/tenants/{id} lead_status_thresholds.
alter table tenant add column lead_status_active_days integer not null default 7
    check (lead_status_active_days between 1 and 365);
alter table tenant add column lead_status_cooling_days integer not null default 21
    check (lead_status_cooling_days between 1 and 730);
alter table tenant add column lead_status_stuck_factor double precision not null default 2.0
    check (lead_status_stuck_factor between 1.0 and 20.0);
alter table tenant add column lead_status_overdue_tasks integer not null default 1
    check (lead_status_overdue_tasks between 0 and 100);
alter table tenant add constraint tenant_lead_status_cooling_after_active
    check (lead_status_cooling_days >= lead_status_active_days);

-- The notes and tasks of one record in the mirror (a lead's timeline, its last activity). Text, not a cast: a value
-- that is not a number must never make the mirror's writes fail.
create index mirror_record_parent on mirror_record (tenant_id, entity, (data->>'entity_id'))
    where entity in ('lead_notes', 'tasks');
