/**
 * What runs the application rather than a feature: database creation and migration at start-up, the
 * administration REST application and its JSON and error handling.
 */
package io.kommomcp.platform;
