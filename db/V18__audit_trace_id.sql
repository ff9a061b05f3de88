-- kommo-mcp: OpenTelemetry (issue 15). An entry written while a trace was current carries its trace id, so that an
-- audit entry and the trace of the request it records can be found from each other. Covered by the entry's hash
-- when present (entries without one hash as before).
alter table audit_entry add column trace_id char(32);
