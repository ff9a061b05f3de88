-- kommo-mcp: the maker-checker rules of four-eyes approval (issue 12). A plan records what it changes (target_key),
-- the digest of the plan as it was made, the digest an approver approved, and the approval policy in force when it
-- was asked; a second plan for a target that waits for approval is refused. outcome is one of a fixed set of states.
alter table governance_plan add column target_key varchar(1000);
alter table governance_plan add column plan_digest char(64);
alter table governance_plan add column approved_digest char(64);
alter table governance_plan add column approval_policy text;
create index governance_plan_waiting_target on governance_plan (tenant_id, target_key)
    where outcome = 'AWAITING_APPROVAL';
alter table governance_plan add constraint governance_plan_outcome_check check (outcome in ('PLANNED',
    'AWAITING_APPROVAL', 'APPROVED', 'REJECTED', 'CONFIRMED', 'DECLINED', 'APPLIED', 'PARTIALLY_APPLIED', 'FAILED'));
