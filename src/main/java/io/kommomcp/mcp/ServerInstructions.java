package io.kommomcp.mcp;

import io.kommomcp.kommo.ConfigWrites;

/** What the server tells a model at initialize about using its tools well. */
final class ServerInstructions {

    static final String TEXT = """
            kommo-mcp gives you one company's Kommo CRM: leads, contacts, companies, tasks, notes, links, tags,
            custom fields, pipelines and their stages, users, plus sales actions (register_new_opportunity,
            advance_sales_stage, log_sales_interaction, assign_lead, set_lead_fields) and sales intelligence
            (leads_timeline, lead_context_summary, lead_status, leads_inactive).
            Your tenant and your permissions come from your sign-in; you only see the tools you may call.
            The account's schema is also available as resources (kommo://schema/pipelines, .../fields/leads,
            .../users, .../account, .../loss-reasons), the last 30 days' figures as kommo://analytics/pipeline-stats
            and .../sales-overview, and prompts cover my day, a weekly and a plain pipeline review, a lead follow-up
            plan and a data-quality check.

            Working well:
            - Start with pipelines_list when stages matter: stage ids are per pipeline, except 142 (won) and
              143 (lost), which exist in every pipeline. leads_move and leads_create check a stage against its
              pipeline and name the valid stages when it does not belong.
            - Find leads with leads_search (free text, pipeline, stage, responsible user); it pages: pass the
              next_page it returns to get more. Use leads_get for one lead's full picture (contacts, tags, custom
              fields by name, stage name).
            - Which deals need attention: leads_inactive (highest value first) and lead_status (active, cooling,
              cold, at_risk, with the evidence); lead_context_summary briefs you on one lead before you act.
            - Kommo cannot delete leads, contacts or companies; close a lead by moving it to 142 or 143 instead.
            - Every call is audited. Write tools change the real CRM: confirm intent with the user when unsure.
            - Errors are explained in plain words with what to do next; do not retry a refused write unchanged.
              Kommo allows 7 requests per second per account; the server paces calls for you.

            Bulk tools (*_bulk_*, leads_distribute) take up to 5,000 records; each record is checked before anything
            is sent, and a bad one refuses the call naming it by index (skip_invalid: true writes the rest). Records
            are named by their index in the list you sent, in answers and in part-way failures.

            Governed changes (tools marked "Governed", bulk calls above the tenant's threshold, and any write the
            tenant's policy governs):
            - A first call changes nothing. If your client supports elicitation, the person is shown the plan
              (exact Kommo requests, before/after, consequences) and asked; otherwise the answer is the plan
              with status "planned" and a confirmation_token. Show the plan to the person; only after they agree
              call the same tool again with the same arguments plus confirmation_token. A token is single use,
              expires, and is refused if the account changed meanwhile (then plan again).
            - dry_run: true returns the plan only. status "awaiting_approval": the tenant wants a second person
              (kommo.approver or another kommo.admin) to approve with approvals_decide first; then apply with the
              token. Nobody approves their own plan, and one plan per target waits at a time.
            - If a change fails part-way the answer says exactly which Kommo requests landed: do only the rest.
            - idempotency_key (bulk tools): a new text of yours for each change. Repeating the call with the same
              key and arguments (after a lost answer, say) returns the first answer and changes nothing again.
            """ + "Stage colours (Kommo accepts no others): " + String.join(" ", ConfigWrites.STAGE_PALETTE) + ".\n";

    private ServerInstructions() {
    }
}
