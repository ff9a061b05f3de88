package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The abuse suite (issue 11, point 9): every tool's arguments fuzzed from its own published input schema, with a
 * fixed seed and a bounded number of calls, through real MCP over HTTP. Whatever the input: no 5xx, no class name or
 * stack frame in any answer, no Kommo write for a refused call, and exactly one audit record per call.
 */
@ExtendWith(ArquillianExtension.class)
class AbuseIT {

    private static final long SEED = 20261201L;
    private static final int CASES_PER_TOOL = 10;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern LEAK = Pattern.compile("(?s).*(Exception|io\\.kommomcp|java\\.lang|jakarta\\.|tools\\.jackson"
            + "|\\bat [a-z]+\\.[a-z]+\\.|\\.java:\\d+|\\b[A-Z][a-z]+[A-Z]\\w*(Node|Error|Impl|Builder)\\b|\\w\\(\\)).*");

    final ItServer server = ItServer.local();

    @Test
    void everyToolSurvivesArgumentsFuzzedFromItsSchema() throws Exception {
        Tenant t = server.newTenant("abuse-");
        McpHttp c = server.mcp(t.id(), "kommo.admin", "audit.reader");
        JsonNode tools = c.request("tools/list", Map.of()).path("result").path("tools");
        assertTrue(tools.size() > 60, "every tool is listed for an admin and audit reader: " + tools.size());
        Random random = new Random(SEED);
        long before = calls(t.id());
        int sent = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode tool : tools) {
            String name = tool.path("name").asString();
            JsonNode schema = tool.path("inputSchema");
            for (int i = 0; i < CASES_PER_TOOL; i++) {
                String args = arguments(schema, random, i).toString();
                if (i == 3) { // raw escapes a serializer would not write: NUL and lone surrogates in any string
                    args = args.replace("NUL", "\\u0000").replace("LONE", "\\ud800");
                }
                HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":" + (++sent) + ",\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"" + name + "\",\"arguments\":" + args + "}}");
                String body = r.body();
                String shown = name + " " + (args.length() > 300 ? args.substring(0, 300) + "..." : args);
                if (r.statusCode() >= 500) {
                    failures.add("HTTP " + r.statusCode() + " for " + shown);
                    continue;
                }
                if (LEAK.matcher(body.replace(args, "")).matches()) {
                    failures.add("internals leaked for " + shown + ": " + body.substring(0, Math.min(500,
                            body.length())));
                }
                JsonNode msg = McpHttp.message(body);
                if (msg.has("error")) {
                    failures.add("JSON-RPC error for " + shown + ": " + msg.path("error"));
                } else if (msg.path("result").path("isError").asBoolean()) {
                    refused++;
                    if (McpHttp.text(msg.path("result")).contains("output validation failed")) { // the SDK's check
                        failures.add("a result that does not match its output schema for " + shown + ": "
                                + McpHttp.text(msg.path("result")));
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " problems:\n" + String.join("\n", failures));
        assertEquals(sent, calls(t.id()) - before, "audit rows = calls");
        assertTrue(refused > sent / 3, "most fuzzed calls are refused: " + refused + " of " + sent);
        assertEquals(0, writesOfRefusedCalls(t.id()), "a refused call makes no Kommo write");
        // governed by declaration (as tools/list publishes it): fuzzed calls never carry a valid token, so none of
        // them may have written anything, whatever the arguments
        List<String> governed = new ArrayList<>();
        tools.forEach(tool -> {
            if (tool.path("description").asString().contains("Governed")) {
                governed.add(tool.path("name").asString());
            }
        });
        assertTrue(governed.size() >= 15, "the admin tools are governed: " + governed);
        for (String name : governed) {
            assertEquals(0, writes(t.id(), name, "'SUCCEEDED', 'DENIED', 'FAILED', 'PARTIAL', 'UNKNOWN'"),
                    name + " wrote to Kommo without a confirmed plan");
        }
        JsonNode chain = McpHttp.JSON.readTree(server.http("GET", "/api/audit/chain", null,
                TestTokens.token(t.id(), "audit.reader")).body());
        assertTrue(chain.path("valid").asBoolean(), chain.toString());
    }

    /**
     * Arguments for case {@code i}: 0 a plausible value for every property; then one kind of abuse each: wrong
     * types, missing required, an unknown property, nulls, NUL and lone surrogates, huge strings, extreme numbers,
     * deep nesting, and random garbage.
     */
    private static ObjectNode arguments(JsonNode schema, Random r, int i) {
        ObjectNode args = NODES.objectNode();
        List<String> names = new ArrayList<>();
        schema.path("properties").propertyNames().forEach(names::add);
        for (String n : names) {
            if (i == 0 || r.nextInt(3) > 0 || required(schema, n)) {
                args.set(n, plausible(schema.path("properties").path(n), r, 0));
            }
        }
        String target = names.isEmpty() ? null : names.get(r.nextInt(names.size()));
        switch (i) {
            case 0 -> { }
            case 1 -> { if (target != null) { args.set(target, wrongType(schema.path("properties").path(target), r)); } }
            case 2 -> { Iterator<String> it = required(schema).iterator(); if (it.hasNext()) { args.remove(it.next()); } }
            case 3 -> { for (String n : names) { if (args.path(n).isString()) { args.put(n, "a NUL b LONE c"); } }
                args.put("zz_unknown", "NUL"); }
            case 4 -> { for (String n : names) { args.set(n, NODES.nullNode()); } }
            case 5 -> { if (target != null) { args.put(target, "y".repeat(i == 5 && r.nextInt(4) == 0 ? 1_000_000
                    : 100_000)); } }
            case 6 -> { for (String n : names) { if (args.path(n).isNumber()) { args.put(n, r.nextBoolean()
                    ? Long.MIN_VALUE : 1e300); } } }
            case 7 -> { if (target != null) { args.set(target, deep(120)); } }
            case 8 -> { for (String n : names) { if (args.path(n).isIntegralNumber()) { args.put(n, 2.5); } } }
            default -> { args.removeAll(); args.put("random", r.nextLong()); args.set("list", NODES.arrayNode()
                    .add(r.nextInt()).add("x")); }
        }
        return args;
    }

    private static JsonNode plausible(JsonNode s, Random r, int depth) {
        if (s.has("enum")) {
            return s.path("enum").get(r.nextInt(s.path("enum").size()));
        }
        String type = s.path("type").asString("");
        switch (type) {
            case "integer": {
                long min = s.path("minimum").isNumber() ? s.path("minimum").asLong() : 1;
                long max = s.path("maximum").isNumber() ? s.path("maximum").asLong() : 100_000_000;
                return NODES.numberNode(min + (long) (r.nextDouble() * Math.min(1_000, Math.max(0, max - min))));
            }
            case "number":
                return NODES.numberNode(r.nextInt(10_000) / 10.0);
            case "boolean":
                return NODES.booleanNode(r.nextBoolean());
            case "array": {
                ArrayNode a = NODES.arrayNode();
                for (int k = 0; k < r.nextInt(3) && depth < 3; k++) {
                    a.add(plausible(s.path("items"), r, depth + 1));
                }
                return a;
            }
            case "object": {
                ObjectNode o = NODES.objectNode();
                if (depth < 3) {
                    s.path("properties").propertyNames().forEach(p -> o.set(p, plausible(s.path("properties").path(p),
                            r, depth + 1)));
                    if (!s.has("properties")) {
                        o.put("Field " + r.nextInt(5), r.nextBoolean() ? "value" : "12");
                    }
                }
                return o;
            }
            default:
                return NODES.stringNode("format".equals(s.path("format").asString("")) ? "2026-12-01T10:00:00Z"
                        : new String[] {"Acme", "2026-12-24", "user@example.com", "+1 555 0100", "", " "}[r.nextInt(6)]);
        }
    }

    private static JsonNode wrongType(JsonNode s, Random r) {
        return switch (s.path("type").asString("")) {
            case "string" -> r.nextBoolean() ? NODES.booleanNode(true) : NODES.numberNode(12);
            case "integer" -> r.nextBoolean() ? NODES.stringNode(" 12 ") : NODES.numberNode(1.5);
            case "number" -> NODES.stringNode("1e3");
            case "boolean" -> NODES.stringNode("true");
            case "array" -> NODES.stringNode("[1,2]");
            default -> NODES.numberNode(7);
        };
    }

    private static JsonNode deep(int depth) {
        JsonNode n = NODES.stringNode("bottom");
        for (int k = 0; k < depth; k++) {
            ObjectNode o = NODES.objectNode();
            o.set("k", n);
            n = k % 2 == 0 ? o : NODES.arrayNode().add(o);
        }
        return n;
    }

    private static boolean required(JsonNode schema, String name) {
        for (JsonNode n : schema.path("required")) {
            if (n.asString().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> required(JsonNode schema) {
        List<String> out = new ArrayList<>();
        schema.path("required").forEach(n -> out.add(n.asString()));
        return out;
    }

    private static long calls(String tenant) throws Exception {
        return count("select count(*) from audit_entry where chain_key = ? and kind in ('CALL', 'OUTCOME')", tenant);
    }

    /** Kommo writes answered 2xx that were made for calls recorded as refused or failed. */
    private static int writesOfRefusedCalls(String tenant) throws Exception {
        return writes(tenant, null, "'DENIED', 'FAILED'");
    }

    /** Kommo writes that succeeded in calls of {@code tool} (any tool if null) with one of {@code outcomes}. */
    private static int writes(String tenant, String tool, String outcomes) throws Exception {
        int writes = 0;
        try (Connection db = ItServer.appDb(); PreparedStatement ps = db.prepareStatement("select kommo_calls from"
                + " audit_entry where chain_key = ? and kind in ('CALL', 'OUTCOME') and outcome in (" + outcomes
                + ") and (cast(? as text) is null or tool = ?)")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            ps.setString(3, tool);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (JsonNode call : McpHttp.JSON.readTree(rs.getString(1))) {
                        int status = call.path("status").asInt();
                        if (!"GET".equals(call.path("method").asString()) && status >= 200 && status < 300) {
                            writes++;
                        }
                    }
                }
            }
        }
        return writes;
    }
}
