package io.kommomcp.kommo;

import java.net.URI;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/** Moves the pre-encoded query from {@link KommoApi#QUERY_HEADER} onto the request URI. */
final class QueryFilter implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        Object query = request.getHeaders().getFirst(KommoApi.QUERY_HEADER);
        request.getHeaders().remove(KommoApi.QUERY_HEADER);
        if (query != null && !query.toString().isEmpty()) {
            request.setUri(URI.create(request.getUri().toString() + "?" + query));
        }
    }
}
