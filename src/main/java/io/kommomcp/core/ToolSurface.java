package io.kommomcp.core;

import java.util.List;
import java.util.Set;

/**
 * What {@code tools/list} shows a caller. With a small default surface configured, a caller starts with the default
 * toolsets and asks for more (or fewer) as the work needs them; every tool stays callable whatever is listed (roles
 * and the tenant's policy still apply).
 */
public interface ToolSurface {

    /** A toolset as a caller sees it: how many of its tools the caller may call, and whether they are listed. */
    record ToolsetView(Toolset toolset, int tools, boolean listed, boolean byDefault) {
    }

    /** Whether a small default surface is configured (otherwise every permitted tool is listed). */
    boolean progressive();

    List<ToolsetView> toolsets(Caller caller);

    /** Lists ({@code on}) or stops listing the toolsets for the caller; tells the caller's client the list changed. */
    void list(Caller caller, Set<Toolset> toolsets, boolean on);
}
