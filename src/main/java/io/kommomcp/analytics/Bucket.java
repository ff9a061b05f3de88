package io.kommomcp.analytics;

/** How a period is cut for trends: ISO weeks (from Monday) or calendar months, in UTC. */
public enum Bucket {
    week, month
}
