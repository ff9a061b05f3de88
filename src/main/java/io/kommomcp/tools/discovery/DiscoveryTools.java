package io.kommomcp.tools.discovery;

import java.util.EnumSet;
import java.util.List;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.core.ToolSurface;
import io.kommomcp.core.Toolset;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The toolsets there are, and which ones tools/list shows the caller. */
@ToolSet
@ApplicationScoped
public class DiscoveryTools {

    @Inject
    ToolSurface surface;

    /** A toolset: its tools the caller may call, whether they are listed. */
    public record ToolsetInfo(Toolset toolset, int tools, boolean listed, boolean byDefault) {
    }

    public record Toolsets(List<ToolsetInfo> toolsets, boolean progressive) implements Rendered {

        @Override
        public String toText() {
            StringBuilder b = new StringBuilder(progressive ? "Toolsets (listed ones are in tools/list; any tool can"
                    + " be called):" : "Every toolset you may use is listed:");
            toolsets.forEach(t -> b.append("\n- ").append(t.toolset()).append(": ").append(t.tools()).append(" tool(s)")
                    .append(t.listed() ? ", listed" : ", not listed (toolsets_show)"));
            return b.toString();
        }
    }

    public record ShowArgs(
            @Describe(value = "read, write, admin, analytics or audit.", required = true) List<Toolset> toolsets,
            @Describe("false: stop listing them. Default true.") Boolean listed) {
    }

    @Tool(name = "toolsets_list", title = "Toolsets", role = Roles.READER, readOnly = true, openWorld = false,
            description = "The toolsets and whether tools/list shows them to you.")
    public Toolsets list(Caller caller) {
        return new Toolsets(surface.toolsets(caller).stream().map(v -> new ToolsetInfo(v.toolset(), v.tools(),
                v.listed(), v.byDefault())).toList(), surface.progressive());
    }

    @Tool(name = "toolsets_show", title = "List more toolsets", role = Roles.READER, readOnly = true,
            idempotent = true, openWorld = false, description = "Adds toolsets to your tools/list (or removes them);"
                    + " your client is told the list changed. Changes nothing in Kommo.")
    public Toolsets show(ShowArgs a, Caller caller) {
        if (a.toolsets().isEmpty()) {
            throw new ToolException("Name at least one toolset: read, write, admin, analytics or audit.");
        }
        if (!surface.progressive()) {
            throw new ToolException("This server lists every tool you may use already; nothing to change.");
        }
        surface.list(caller, EnumSet.copyOf(a.toolsets()), a.listed() == null || a.listed());
        return list(caller);
    }
}
