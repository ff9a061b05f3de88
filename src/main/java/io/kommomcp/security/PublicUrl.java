package io.kommomcp.security;

import org.eclipse.microprofile.config.ConfigProvider;

import jakarta.servlet.http.HttpServletRequest;

/** This server's public base URL: configured ({@code kommo.public-url}) or taken from the request. */
public final class PublicUrl {

    private PublicUrl() {
    }

    public static String of(HttpServletRequest request) {
        String configured = ConfigProvider.getConfig().getOptionalValue("kommo.public-url", String.class).orElse("");
        if (!configured.isBlank()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
    }
}
