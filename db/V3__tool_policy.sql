-- kommo-mcp: tool policy per tenant (issue 3). Comma-separated tool or toolset names; null means no list.
alter table tenant add column tools_allowed text;
alter table tenant add column tools_denied text;
