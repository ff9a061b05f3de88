package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kommomcp.mcp.NextHarness.Answer;
import tools.jackson.databind.JsonNode;

/**
 * The conformance suite's fixture tools and prompt (a test deployment only), played the way its
 * {@code input-required-result-*} and {@code server-stateless} scenarios play them, in process; and their absence
 * from every other deployment.
 */
class NextRevisionFixturesTest {

    private static final Map<String, Object> ALL = Map.of("sampling", Map.of(), "elicitation", Map.of(), "roots",
            Map.of("listChanged", true));

    private final NextHarness h = new NextHarness(true);

    private Answer call(String tool, Map<String, Object> extra) {
        NextHarness.Request r = h.call(tool, Map.of()).capabilities(ALL);
        extra.forEach(r::param);
        return r.send();
    }

    private static Map<String, Object> elicit(Map<String, Object> content) {
        return Map.of("action", "accept", "content", content);
    }

    @Test
    void theFixturesExistOnlyInATestDeployment() {
        List<String> listed = NextRevisionProtocolTest.names(h.request("tools/list", Map.of()).send().result()
                .path("tools"));
        assertTrue(listed.containsAll(List.of("test_missing_capability", "test_input_required_result_elicitation",
                "test_logging_tool")), listed.toString());
        assertEquals(listed.stream().sorted().toList(), listed, "still in name order");

        NextHarness production = new NextHarness(false);
        assertFalse(NextRevisionProtocolTest.names(production.request("tools/list", Map.of()).send().result()
                .path("tools")).contains("test_missing_capability"));
        assertEquals(-32602, production.call("test_missing_capability", Map.of()).send().code());

        NextHarness noDevMode = new NextHarness(false);
        noDevMode.next.conformanceFixtures = true;
        noDevMode.next.devMode = false;
        noDevMode.next.init();
        assertEquals(-32602, noDevMode.call("test_logging_tool", Map.of()).send().code(),
                "the flag alone does not enable them outside dev mode");
    }

    @Test
    void basicElicitationSamplingAndRootsRoundTrips() {
        Answer r1 = call("test_input_required_result_elicitation", Map.of());
        assertEquals("input_required", r1.result().path("resultType").asString());
        assertEquals("elicitation/create", r1.result().path("inputRequests").path("user_name").path("method")
                .asString());
        Answer r2 = call("test_input_required_result_elicitation", Map.of("inputResponses", Map.of("user_name",
                elicit(Map.of("name", "Alice")))));
        assertEquals("Hello, Alice!", r2.result().path("content").get(0).path("text").asString());

        Answer s1 = call("test_input_required_result_sampling", Map.of());
        assertEquals("sampling/createMessage", s1.result().path("inputRequests").path("capital_question")
                .path("method").asString());
        Answer s2 = call("test_input_required_result_sampling", Map.of("inputResponses", Map.of("capital_question",
                Map.of("role", "assistant", "content", Map.of("type", "text", "text", "Paris"), "model", "m",
                        "stopReason", "endTurn"))));
        assertEquals("complete", s2.result().path("resultType").asString());

        Answer l2 = call("test_input_required_result_list_roots", Map.of("inputResponses", Map.of("client_roots",
                Map.of("roots", List.of(Map.of("uri", "file:///test/root", "name", "Test Root"))))));
        assertTrue(l2.result().path("content").get(0).path("text").asString().contains("file:///test/root"));
    }

    @Test
    void wrongMissingExtraOrInvalidResponsesAreHandledAsTheSpecificationAsks() {
        Answer wrongKey = call("test_input_required_result_elicitation", Map.of("inputResponses", Map.of(
                "wrong_key", elicit(Map.of("data", "wrong")))));
        assertEquals("input_required", wrongKey.result().path("resultType").asString(), "asked again");
        Answer extra = call("test_input_required_result_elicitation", Map.of("inputResponses", Map.of("user_name",
                elicit(Map.of("name", "Alice")), "unknown_extra_key", elicit(Map.of("foo", "bar")))));
        assertEquals("complete", extra.result().path("resultType").asString(), "extra keys are ignored");
        Answer invalid = call("test_input_required_result_elicitation", Map.of("inputResponses", Map.of("user_name",
                12345)));
        assertEquals(-32602, invalid.code());
        NextHarness.Request nullResponses = h.call("test_input_required_result_elicitation", Map.of())
                .capabilities(ALL);
        nullResponses.params.put("inputResponses", null);
        assertEquals(-32602, nullResponses.send().code());
    }

    @Test
    void requestStateIsRoundTrippedVerifiedSpentAndTamperingRefused() {
        Answer r1 = call("test_input_required_result_request_state", Map.of());
        String state = r1.result().path("requestState").asString();
        Answer r2 = call("test_input_required_result_request_state", Map.of("inputResponses", Map.of("confirm",
                elicit(Map.of("ok", true))), "requestState", state));
        assertTrue(r2.result().path("content").get(0).path("text").asString().contains("state-ok"), r2.toString());
        Answer replay = call("test_input_required_result_request_state", Map.of("inputResponses", Map.of("confirm",
                elicit(Map.of("ok", true))), "requestState", state));
        assertEquals(-32602, replay.code(), "single use");

        String signed = call("test_input_required_result_tampered_state", Map.of()).result().path("requestState")
                .asString();
        Answer tampered = call("test_input_required_result_tampered_state", Map.of("inputResponses", Map.of(
                "confirm", elicit(Map.of("ok", true))), "requestState", signed + "-TAMPERED"));
        assertEquals(-32602, tampered.code(), tampered.toString());
        assertTrue(h.audit.entries.contains("ENTRY test_input_required_result_tampered_state DENIED"));
    }

    @Test
    void multipleInputsAndMultipleRounds() {
        Answer m1 = call("test_input_required_result_multiple_inputs", Map.of());
        JsonNode requests = m1.result().path("inputRequests");
        assertEquals(Set.of("elicitation/create", "sampling/createMessage", "roots/list"), Set.of(requests.path(
                "user_name").path("method").asString(), requests.path("greeting").path("method").asString(),
                requests.path("client_roots").path("method").asString()));
        Answer m2 = call("test_input_required_result_multiple_inputs", Map.of("requestState", m1.result().path(
                "requestState").asString(), "inputResponses", Map.of("user_name", elicit(Map.of("name", "Alice")),
                        "greeting", Map.of("role", "assistant", "content", Map.of("type", "text", "text", "Hi")),
                        "client_roots", Map.of("roots", List.of()))));
        assertEquals("complete", m2.result().path("resultType").asString(), m2.toString());

        Answer r1 = call("test_input_required_result_multi_round", Map.of());
        String s1 = r1.result().path("requestState").asString();
        Answer r2 = call("test_input_required_result_multi_round", Map.of("requestState", s1, "inputResponses",
                Map.of("step1", elicit(Map.of("name", "Alice")))));
        String s2 = r2.result().path("requestState").asString();
        assertTrue(r2.result().path("inputRequests").has("step2"), r2.toString());
        assertFalse(s1.equals(s2), "a new state per round");
        Answer r3 = call("test_input_required_result_multi_round", Map.of("requestState", s2, "inputResponses",
                Map.of("step2", elicit(Map.of("color", "blue")))));
        assertEquals("Alice likes blue.", r3.result().path("content").get(0).path("text").asString());
    }

    @Test
    void capabilitiesAreRespectedAndMissingOnesAre400() {
        Answer onlySampling = h.call("test_input_required_result_capabilities", Map.of()).capabilities(Map.of(
                "sampling", Map.of())).send();
        JsonNode requests = onlySampling.result().path("inputRequests");
        assertEquals(1, requests.size());
        assertEquals("sampling/createMessage", requests.path("capital_question").path("method").asString());

        Answer missing = h.call("test_missing_capability", Map.of()).capabilities(Map.of()).send();
        assertEquals(400, missing.status());
        assertEquals(-32021, missing.code());
        assertTrue(missing.body().path("error").path("data").path("requiredCapabilities").path("sampling")
                .isObject());

        Answer streaming = h.call("test_streaming_elicitation", Map.of()).capabilities(Map.of("elicitation",
                Map.of())).send();
        assertEquals("input_required", streaming.result().path("resultType").asString(),
                "input is asked for in a result, never in a server request");
        Answer logging = h.call("test_logging_tool", Map.of()).capabilities(Map.of()).send();
        assertEquals("complete", logging.result().path("resultType").asString());
    }

    @Test
    void thePromptAsksInARoundTripToo() {
        Answer p1 = h.request("prompts/get", Map.of("name", ConformanceFixtures.PROMPT)).capabilities(ALL).send();
        assertEquals("input_required", p1.result().path("resultType").asString());
        Answer p2 = h.request("prompts/get", Map.of("name", ConformanceFixtures.PROMPT, "inputResponses", Map.of(
                "user_context", elicit(Map.of("context", "test context"))))).capabilities(ALL).send();
        assertTrue(p2.result().path("messages").get(0).path("content").path("text").asString().contains(
                "test context"), p2.toString());
        assertTrue(NextRevisionProtocolTest.names(h.request("prompts/list", Map.of()).send().result().path(
                "prompts")).contains(ConformanceFixtures.PROMPT));
    }
}
