package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A route table: method + path pattern → handler, matched in the order routes were added. A pattern is a path below
 * {@code /api/v4/} whose segments are literals or placeholders: {@code {name}} (any one segment), {@code {name:int}}
 * (a positive integer) or {@code {name:a|b|c}} (one of the listed words). A path that no pattern matches answers
 * Kommo's 404 ("Cannot GET …"); a path that matches only under other methods answers 405. A handler may return null
 * to say "no such route after all" (404).
 */
final class SandboxRouter {

    /** Answers one request; {@code p} holds the placeholders' values. */
    @FunctionalInterface
    interface Handler {
        SandboxResponse handle(SandboxRequest r, Params p);
    }

    /** The values of a matched pattern's placeholders. */
    record Params(Map<String, String> values) {

        String get(String name) {
            return values.get(name);
        }

        /** A placeholder's value as a positive id, or null when it is not one. */
        Long id(String name) {
            return SandboxAccount.id(values.get(name));
        }
    }

    private record Route(String method, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    SandboxRouter on(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern.split("/"), handler));
        return this;
    }

    SandboxResponse route(SandboxRequest r) {
        String[] path = r.path().isEmpty() ? new String[0] : r.path().split("/");
        boolean otherMethod = false;
        for (Route route : routes) {
            Map<String, String> values = match(route.segments(), path);
            if (values == null) {
                continue;
            }
            if (!route.method().equals(r.method())) {
                otherMethod = true;
                continue;
            }
            SandboxResponse answer = route.handler().handle(r, new Params(values));
            return answer != null ? answer : Problems.routeNotFound(r.method(), r.url(r.path()));
        }
        return otherMethod ? Problems.methodNotAllowed() : Problems.routeNotFound(r.method(), r.url(r.path()));
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (!p.startsWith("{")) {
                if (!p.equals(path[i])) {
                    return null;
                }
                continue;
            }
            String inner = p.substring(1, p.length() - 1);
            int colon = inner.indexOf(':');
            String name = colon < 0 ? inner : inner.substring(0, colon);
            String rule = colon < 0 ? null : inner.substring(colon + 1);
            if (path[i].isEmpty() || (rule != null && !fits(rule, path[i]))) {
                return null;
            }
            values.put(name, path[i]);
        }
        return values;
    }

    private static boolean fits(String rule, String segment) {
        return rule.equals("int") ? SandboxAccount.id(segment) != null : List.of(rule.split("\\|")).contains(segment);
    }
}
