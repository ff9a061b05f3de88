/**
 * Read-only checks: an account's set-up ({@code validate_account_setup}), leads that miss required fields
 * ({@code check_missing_fields}), a user's open work ({@code user_workload}) and what the token may do
 * ({@code test_permissions}).
 */
package io.kommomcp.tools.diagnostics;
