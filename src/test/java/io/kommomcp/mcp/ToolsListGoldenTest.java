package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.ToolSet;
import io.kommomcp.security.Roles;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code tools/list} each role gets, checked in under {@code src/test/resources/golden/}, so that every change of
 * a name, description or schema is deliberate: the build fails until the golden file is regenerated and the change
 * is reviewed in the diff. Regenerate with {@code mvn -pl server -am test -Dtest=ToolsListGoldenTest
 * -Dgolden.update=true}. Built from the tool classes as the registry builds them, without a container;
 * {@code McpEndToEndIT} checks that the running server serves exactly these lists.
 */
class ToolsListGoldenTest {

    /** The roles whose lists are pinned (platform.admin gets no tools). */
    static final List<String> ROLES = List.of(Roles.READER, Roles.WRITER, Roles.ADMIN, Roles.APPROVER,
            Roles.AUDIT_READER);

    /** The semantic actions: with the reads, a small surface a sales copilot can start with. */
    static final List<String> SAMPLE_DEFAULT_TOOLS = List.of("register_new_opportunity", "advance_sales_stage",
            "log_sales_interaction", "assign_lead", "set_lead_fields");

    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    @Test
    void everyRolesToolListMatchesItsGoldenFile() throws Exception {
        List<ToolSpec> specs = allTools();
        assertTrue(specs.size() > 50, "found the tool classes: " + specs.size());
        boolean update = Boolean.getBoolean("golden.update");
        List<String> stale = new ArrayList<>();
        for (String role : ROLES) {
            String json = pretty(toolsList(specs, role));
            Path file = goldenDir().resolve(fileName(role));
            if (update) {
                Files.writeString(file, json, StandardCharsets.UTF_8);
            } else if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(json)) {
                stale.add(file.getFileName().toString());
            }
        }
        // the surface a caller starts with when the server lists reads and the semantic actions by default
        // (kommo.mcp.default-toolsets=read, kommo.mcp.default-tools=the actions); measured, not pinned by role tests
        for (String role : ROLES) {
            McpSchema.ListToolsResult all = toolsList(specs, role);
            McpSchema.ListToolsResult start = new McpSchema.ListToolsResult(all.tools().stream().filter(t -> {
                ToolSpec spec = specs.stream().filter(x -> x.meta().name().equals(t.name())).findFirst().orElseThrow();
                io.kommomcp.core.Toolset set = io.kommomcp.core.Toolset.of(spec.meta());
                return ToolDiscovery.alwaysListed(t.name(), set) || SAMPLE_DEFAULT_TOOLS.contains(t.name())
                        || set == io.kommomcp.core.Toolset.read;
            }).toList(), null);
            String json = pretty(start);
            Path file = goldenDir().resolve("start/" + fileName(role));
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, json, StandardCharsets.UTF_8);
            } else if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(json)) {
                stale.add("start/" + file.getFileName());
            }
        }
        if (!stale.isEmpty()) {
            fail("tools/list changed for " + stale + ". If the change is intended, regenerate with -Dgolden.update=true"
                    + " and review the diff of src/test/resources/golden/.");
        }
    }

    @Test
    void theListIsInNameOrderAndEachRoleSeesWhatItsRoleGrants() throws Exception {
        List<ToolSpec> specs = allTools();
        for (String role : ROLES) {
            List<String> names = toolsList(specs, role).tools().stream().map(McpSchema.Tool::name).toList();
            assertEquals(names.stream().sorted().toList(), names, "deterministic order for " + role);
        }
        List<String> approver = toolsList(specs, Roles.APPROVER).tools().stream().map(McpSchema.Tool::name).toList();
        assertEquals(List.of("approvals_decide", "approvals_list"), approver);
        assertTrue(toolsList(specs, Roles.READER).tools().stream().allMatch(t -> Boolean.TRUE.equals(t.annotations()
                .readOnlyHint())), "a reader sees only reads");
    }

    /** What the server publishes for a caller holding just {@code role}, serialized as the SDK sends it. */
    static McpSchema.ListToolsResult toolsList(List<ToolSpec> specs, String role) {
        return new McpSchema.ListToolsResult(specs.stream()
                .filter(t -> ToolCalls.visible(t, Set.of(role), new ToolCalls.Context(false, ToolPolicy.OPEN)))
                .map(ToolSpec::descriptor).toList(), null);
    }

    static String compact(McpSchema.ListToolsResult list) throws IOException {
        return McpJsonDefaults.getMapper().writeValueAsString(list);
    }

    static String fileName(String role) {
        return "tools-list." + role + ".json";
    }

    private static String pretty(McpSchema.ListToolsResult list) throws IOException {
        JsonNode tree = PRETTY.readTree(compact(list));
        return PRETTY.writeValueAsString(tree) + "\n";
    }

    static Path goldenDir() {
        return Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
    }

    /** Every {@link Tool} method of every {@link ToolSet} class under io.kommomcp.tools, as the registry sees it. */
    static List<ToolSpec> allTools() throws IOException, URISyntaxException, ClassNotFoundException {
        // the main classes (the test classes have an io/kommomcp/tools folder of their own)
        Path root = Path.of(ToolSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/kommomcp/tools");
        List<ToolSpec> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = "io.kommomcp.tools." + root.relativize(p).toString().replace('/', '.')
                        .replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, ToolsListGoldenTest.class.getClassLoader());
                if (!type.isAnnotationPresent(ToolSet.class)) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    Tool meta = m.getAnnotation(Tool.class);
                    if (meta != null) {
                        out.add(ToolSpec.of(meta, null, m));
                    }
                }
            }
        }
        out.sort(Comparator.comparing(t -> t.meta().name()));
        return out;
    }
}
