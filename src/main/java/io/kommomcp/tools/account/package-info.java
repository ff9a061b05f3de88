/**
 * Account-level reads: the account ({@code account_get}), its users and their rights ({@code users_list}) and its
 * loss reasons ({@code loss_reasons_list}).
 */
package io.kommomcp.tools.account;
