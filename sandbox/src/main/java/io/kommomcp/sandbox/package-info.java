/**
 * The Kommo sandbox: a stateful emulator of Kommo's REST API v4 under {@code /sandbox/{account}}, a WAR of its own
 * that the demo run, the tests and the benchmarks deploy beside the server (never in the Docker image). It follows
 * {@code shared/kommo/API.md}; where they disagree, the sandbox is wrong. State lives in memory: it stands in for
 * an outside service, not for this project's database.
 */
package io.kommomcp.sandbox;
