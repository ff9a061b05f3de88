package io.kommomcp.sandbox;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The emulated Kommo accounts, at the WAR's context root ({@code /sandbox}). */
@ApplicationPath("/")
public class SandboxApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(SandboxResource.class);
    }
}
