-- kommo-mcp: hardening (issue 11). A call that made several Kommo writes and failed after some of them landed is
-- recorded as PARTIAL (what landed and what did not is in its error text and before/after), never as FAILED.
alter table audit_entry drop constraint audit_entry_outcome_check;
alter table audit_entry add constraint audit_entry_outcome_check
    check (outcome in ('SUCCEEDED', 'FAILED', 'DENIED', 'PENDING', 'UNKNOWN', 'PARTIAL'));
