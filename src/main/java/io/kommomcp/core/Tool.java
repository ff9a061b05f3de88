package io.kommomcp.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one MCP tool on a method of a {@link ToolSet} bean. The method takes an arguments record (whose
 * components, with {@link Describe}, become the input schema) and the {@link Caller}, or only the caller; it returns
 * a record (the output schema). The registry applies role checks and audit around it: the method does neither.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Tool {

    /** {@code <area>_<verb>}, e.g. {@code leads_search}. */
    String name();

    String title();

    /** For the model: what it does, when to use it, limits, side effects. */
    String description();

    /** The role the caller's token must grant (see {@code io.kommomcp.security.Roles}). */
    String role();

    /** Changes nothing anywhere. */
    boolean readOnly();

    /** May destroy or overwrite data (meaningful only when not read-only). */
    boolean destructive() default false;

    /** Calling again with the same arguments has no further effect. */
    boolean idempotent() default false;

    /**
     * The {@link Toolset} for tenant tool policies, when not the one implied by role and read-only (e.g. analytics).
     */
    String toolset() default "";

    /** Talks to an outside system (Kommo): true for every Kommo tool. */
    boolean openWorld() default true;

    /**
     * Every call is governed: planned, confirmed (and approved when the tenant requires it), then applied. The tool
     * returns a {@code Proposal}; the registry owns the flow. A tenant's four-eyes policy can govern any other tool
     * that returns a proposal.
     */
    boolean governed() default false;

    /**
     * The registry adds an {@code idempotency_key} argument: a call repeated with the same key and arguments returns
     * the first call's answer and changes nothing again; the same key with other arguments is refused. For tools that
     * return a {@code Proposal} (bulk changes, where a retry after a lost answer must not create twice).
     */
    boolean idempotencyKey() default false;
}
