package io.kommomcp.sandbox;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Kommo's error bodies, in the shapes of API.md §4.1 and the samples. */
final class Problems {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One validation error of one batch item. */
    record Violation(String requestId, String code, String path, String detail) {
    }

    private Problems() {
    }

    static SandboxResponse basic(int status, String title, String detail) {
        ObjectNode body = JSON.createObjectNode();
        body.put("title", title);
        body.put("type", "https://httpstatus.es/" + status);
        body.put("status", status);
        body.put("detail", detail);
        return new SandboxResponse(status, body);
    }

    static SandboxResponse unauthorized() {
        return basic(401, "Unauthorized", "Invalid user name or password");
    }

    static SandboxResponse notFound(String detail) {
        return basic(404, "Not Found", detail);
    }

    static SandboxResponse routeNotFound(String method, String url) {
        return basic(404, "Not Found", "Cannot " + method + " " + url);
    }

    static SandboxResponse methodNotAllowed() {
        return basic(405, "Method Not Allowed", "Method Not Allowed");
    }

    static SandboxResponse emptyBody() {
        return basic(400, "Bad Request", "Request data can not be empty");
    }

    static SandboxResponse tooManyRequests() {
        SandboxResponse r = basic(429, "Too Many Requests",
                "You have sent too many requests in a given amount of time. Please try again later.");
        ((ObjectNode) r.body()).put("retry_after", 1);
        return r;
    }

    static SandboxResponse limitPerPage() {
        return basic(422, "Unprocessable Entity", "Limit 250 per page");
    }

    static SandboxResponse validation(List<Violation> violations) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("validation-errors");
        Map<String, List<Violation>> byRequest = new java.util.LinkedHashMap<>();
        violations.forEach(v -> byRequest.computeIfAbsent(v.requestId(), k -> new java.util.ArrayList<>()).add(v));
        byRequest.forEach((requestId, vs) -> {
            ObjectNode item = list.addObject();
            item.put("request_id", requestId);
            ArrayNode errors = item.putArray("errors");
            vs.forEach(v -> errors.addObject().put("code", v.code()).put("path", v.path()).put("detail", v.detail()));
        });
        body.put("title", "Bad Request");
        body.put("type", "https://httpstatus.es/400");
        body.put("status", 400);
        body.put("detail", "Request validation failed");
        return new SandboxResponse(400, body);
    }

    static SandboxResponse errorsById(Map<String, String> errors) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("errors");
        errors.forEach(e::put);
        body.put("title", "Bad Request");
        body.put("type", "https://httpstatus.es/400");
        body.put("status", 400);
        body.put("detail", "Invalid request body");
        return new SandboxResponse(400, body);
    }
}
