-- kommo-mcp: four-eyes approval and elicitation for governed changes (issue 4).
-- A plan confirmed by elicitation has no token; a plan that needs approval waits (outcome AWAITING_APPROVAL) until
-- another administrator of the tenant approves or rejects it. outcome follows the plan through PLANNED,
-- AWAITING_APPROVAL, APPROVED or REJECTED, CONFIRMED or DECLINED, and APPLIED, PARTIALLY_APPLIED or FAILED.
alter table governance_plan alter column token_hash drop not null;
alter table governance_plan add column approval_required boolean not null default false;
alter table governance_plan add column decided_by varchar(512);
alter table governance_plan add column decided_at timestamptz;
alter table governance_plan add column decision_note varchar(1000);
alter table governance_plan add column elicitation varchar(16);
alter table governance_plan add column applied_at timestamptz;
alter table governance_plan add column result text;
update governance_plan set outcome = 'PLANNED' where outcome is null;
create index governance_plan_waiting on governance_plan (tenant_id, created_at) where outcome = 'AWAITING_APPROVAL';

-- The tenant's four-eyes policy: off unless enabled; approval_tools lists tools (null: every governed delete).
alter table tenant add column approval_enabled boolean not null default false;
alter table tenant add column approval_tools text;
