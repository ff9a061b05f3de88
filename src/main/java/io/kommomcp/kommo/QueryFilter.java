package io.kommomcp.kommo;

import java.net.URI;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Moves the pre-encoded query from {@link KommoApi#QUERY_HEADER} onto the request URI, and restores the slashes of
 * the resource path that the client encodes as %2F (our resource paths are built from fixed words and numeric ids).
 */
final class QueryFilter implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        Object query = request.getHeaders().getFirst(KommoApi.QUERY_HEADER);
        request.getHeaders().remove(KommoApi.QUERY_HEADER);
        String uri = request.getUri().toString().replace("%2F", "/").replace("%2f", "/");
        if (query != null && !query.toString().isEmpty()) {
            uri = uri + "?" + query;
        }
        request.setUri(URI.create(uri));
    }
}
