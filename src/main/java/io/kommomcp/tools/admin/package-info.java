/**
 * Configuration tools of the role kommo.admin: pipelines, stages, custom fields and their groups, loss reasons
 * (all governed: they return proposals with consequences), and the four-eyes tools {@code approvals_list} and
 * {@code approvals_decide} (role kommo.approver).
 */
package io.kommomcp.tools.admin;
