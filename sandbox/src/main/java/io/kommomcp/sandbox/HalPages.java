package io.kommomcp.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Kommo's HAL lists (API.md §5.1, §5.2): {@code _page}, self/next/prev links that echo the query with page and limit
 * normalised, items whose self links carry the query too, 204 for an empty page, 422 above 250 per page.
 */
final class HalPages {

    private HalPages() {
    }

    /**
     * A page of {@code all}: each item of the page rendered by {@code render} (only those: {@code all} may be
     * lean rows); when {@code itemPath} is given, the rendered item's self link is set to that path of it plus the
     * request's query (as Kommo does on every embedded item). {@code totals} adds {@code _total_items} and
     * {@code _page_count}, which only some Kommo collections have.
     */
    static <T> SandboxResponse list(SandboxRequest r, String embeddedKey, String resourcePath, List<T> all,
            Function<T, ObjectNode> render, Function<ObjectNode, String> itemPath, boolean totals) {
        int limit = 50;
        int page = 1;
        try {
            if (r.param("limit") != null) {
                limit = Integer.parseInt(r.param("limit"));
            }
            if (r.param("page") != null) {
                page = Integer.parseInt(r.param("page"));
            }
        } catch (NumberFormatException e) {
            return Problems.validation(List.of(new Violation("0", "InvalidType", "limit",
                    "This value should be of type int.")));
        }
        if (limit > 250) {
            return Problems.limitPerPage();
        }
        limit = Math.max(1, limit);
        page = Math.max(1, page);
        int from = (page - 1) * limit;
        if (from >= all.size()) {
            return SandboxResponse.noContent();
        }
        List<T> slice = all.subList(from, Math.min(all.size(), from + limit));
        ObjectNode doc = Problems.JSON.createObjectNode();
        if (totals) {
            doc.put("_total_items", all.size());
        }
        doc.put("_page", page);
        if (totals) {
            doc.put("_page_count", (all.size() + limit - 1) / limit);
        }
        String base = r.url(resourcePath);
        ObjectNode links = doc.putObject("_links");
        links.putObject("self").put("href", base + pageQuery(r, page, limit));
        if (slice.size() == limit) {
            links.putObject("next").put("href", base + pageQuery(r, page + 1, limit));
        }
        if (page > 1) {
            links.putObject("first").put("href", base + pageQuery(r, 1, limit));
            links.putObject("prev").put("href", base + pageQuery(r, page - 1, limit));
        }
        ArrayNode items = doc.putObject("_embedded").putArray(embeddedKey);
        String itemQuery = pageQuery(r, page, limit);
        for (T o : slice) {
            ObjectNode item = render.apply(o);
            if (itemPath != null) {
                item.putObject("_links").putObject("self").put("href", r.url(itemPath.apply(item)) + itemQuery);
            }
            items.add(item);
        }
        return SandboxResponse.ok(doc);
    }

    /** The default item path of a list: {@code {embeddedKey}/{id}}. */
    static Function<ObjectNode, String> byId(String prefix) {
        return o -> prefix + "/" + o.get("id").asString();
    }

    private static String pageQuery(SandboxRequest r, int page, int limit) {
        StringBuilder sb = new StringBuilder("?");
        for (Map.Entry<String, String> e : r.query()) {
            if (!e.getKey().equals("page") && !e.getKey().equals("limit")) {
                sb.append(enc(e.getKey())).append('=').append(enc(e.getValue())).append('&');
            }
        }
        return sb.append("page=").append(page).append("&limit=").append(limit).toString();
    }

    /** The request's query as sent ({@code ?a=1&b=2}), or "" without one unless {@code always}. */
    static String query(SandboxRequest r, boolean always) {
        if (r.query().isEmpty() && !always) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        r.query().forEach(e -> sb.append(sb.length() > 1 ? "&" : "").append(enc(e.getKey())).append('=')
                .append(enc(e.getValue())));
        return sb.toString();
    }

    /** Sets {@code o}'s self link to {@code {key}/{id}} plus the request's query. */
    static ObjectNode withSelf(ObjectNode o, SandboxRequest r, String key) {
        o.putObject("_links").putObject("self").put("href", r.url(key + "/" + o.get("id").asLong()) + query(r, false));
        return o;
    }

    /** Sets {@code o}'s self link to the API path, without a query. */
    static ObjectNode self(ObjectNode o, SandboxRequest r, String apiPath) {
        o.putObject("_links").putObject("self").put("href", r.url(apiPath));
        return o;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
