/** MicroProfile Health: liveness, and readiness (database reachable, migrations applied). */
package io.kommomcp.health;
