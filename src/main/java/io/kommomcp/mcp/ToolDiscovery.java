package io.kommomcp.mcp;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ToolSurface;
import io.kommomcp.core.Toolset;
import io.modelcontextprotocol.server.McpSyncServer;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Tool discovery that scales: with {@code kommo.mcp.default-toolsets} set (for example {@code read}, with
 * {@code kommo.mcp.default-tools} naming the semantic actions), {@code tools/list} shows a caller those toolsets and
 * tools, the discovery tools, the audit and approval tools (the only tools of their roles), and the toolsets the
 * caller asked for
 * ({@code toolsets_list}, {@code toolsets_show}); the choice is kept per tenant and subject in PostgreSQL
 * ({@code listed_toolsets}), so every instance and every MCP lane lists the same, and sessions are told with
 * {@code notifications/tools/list_changed}. Unset: every tool the caller may call is listed, as before. Listing never
 * decides what may be called: a tool that is not listed can still be called (roles and policy still apply).
 */
@ApplicationScoped
public class ToolDiscovery implements ToolSurface {

    /**
     * Always listed: the discovery tools themselves, and the whole job of the roles that call nothing else (the
     * approver's two tools; the audit toolset, below), whose holders cannot call the discovery tools.
     */
    static final Set<String> ALWAYS = Set.of("toolsets_list", "toolsets_show", "approvals_list", "approvals_decide");

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    ToolRegistry registry;

    @Inject
    @ConfigProperty(name = "kommo.mcp.default-toolsets")
    Optional<String> defaults;

    /** Single tools listed by default besides the default toolsets (the semantic actions, say). */
    @Inject
    @ConfigProperty(name = "kommo.mcp.default-tools")
    Optional<List<String>> defaultTools;

    private volatile McpSyncServer server;

    /** A caller's choice as last read, and until when it may be used (other instances may change it). */
    private record Cached(Set<Toolset> listed, long expiresNanos) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    void attach(McpSyncServer built) {
        this.server = built;
    }

    @Override
    public boolean progressive() {
        return defaults.filter(s -> !s.isBlank()).isPresent();
    }

    /** The toolsets listed by default. */
    Set<Toolset> defaults() {
        if (!progressive()) {
            return EnumSet.allOf(Toolset.class);
        }
        return Arrays.stream(defaults.get().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(Toolset::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(Toolset.class)));
    }

    /** Listed whatever the default surface: see {@link #ALWAYS}. */
    static boolean alwaysListed(String tool, Toolset toolset) {
        return ALWAYS.contains(tool) || toolset == Toolset.audit;
    }

    /** Whether {@code tools/list} shows {@code tool} to the caller (given that the caller may call it). */
    boolean listed(String tenant, String subject, String tool, Toolset toolset) {
        if (!progressive() || alwaysListed(tool, toolset) || defaultTools.map(l -> l.contains(tool)).orElse(false)) {
            return true;
        }
        return defaults().contains(toolset) || chosen(tenant, subject).contains(toolset);
    }

    @Override
    public List<ToolsetView> toolsets(Caller caller) {
        Set<Toolset> chosen = chosen(caller.tenantId(), caller.subject());
        Set<Toolset> byDefault = defaults();
        List<ToolsetView> out = new ArrayList<>();
        for (Toolset t : Toolset.values()) {
            int n = registry.callableIn(caller, t);
            if (n > 0) {
                boolean always = t == Toolset.audit;
                out.add(new ToolsetView(t, n, always || byDefault.contains(t) || chosen.contains(t), always
                        || byDefault.contains(t)));
            }
        }
        return out;
    }

    @Override
    public void list(Caller caller, Set<Toolset> toolsets, boolean on) {
        Set<Toolset> chosen = EnumSet.noneOf(Toolset.class);
        chosen.addAll(chosen(caller.tenantId(), caller.subject()));
        if (on) {
            chosen.addAll(toolsets);
        } else {
            chosen.removeAll(toolsets);
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into listed_toolsets"
                + " (tenant_id, subject, toolsets) values (?, ?, ?) on conflict (tenant_id, subject) do update set"
                + " toolsets = excluded.toolsets, updated_at = now()")) {
            ps.setString(1, caller.tenantId());
            ps.setString(2, caller.subject());
            ps.setString(3, chosen.stream().map(Enum::name).collect(Collectors.joining(",")));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the listed toolsets could not be stored: " + e.getMessage(), e);
        }
        cache.remove(caller.tenantId() + "|" + caller.subject());
        McpSyncServer s = server;
        if (s != null) {
            // the SDK tells every session; each lists again and sees only its own surface
            s.notifyToolsListChanged();
        }
    }

    private Set<Toolset> chosen(String tenant, String subject) {
        if (tenant == null || subject == null) {
            return Set.of();
        }
        String key = tenant + "|" + subject;
        Cached c = cache.get(key);
        if (c != null && System.nanoTime() - c.expiresNanos() < 0) {
            return c.listed();
        }
        Set<Toolset> read = EnumSet.noneOf(Toolset.class);
        try (Connection conn = ds.getConnection(); PreparedStatement ps = conn.prepareStatement("select toolsets from"
                + " listed_toolsets where tenant_id = ? and subject = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, subject);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (String name : rs.getString(1).split(",")) {
                        if (!name.isBlank()) {
                            read.add(Toolset.valueOf(name));
                        }
                    }
                }
            }
        } catch (SQLException | IllegalArgumentException e) {
            return Set.of(); // listing falls back to the defaults; calling is not affected
        }
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(key, new Cached(read, System.nanoTime() + 2_000_000_000L));
        return read;
    }
}
