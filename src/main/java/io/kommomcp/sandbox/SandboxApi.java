package io.kommomcp.sandbox;

import java.util.Set;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The emulated Kommo accounts under {@code /sandbox}; answers 404 everywhere unless the sandbox is enabled. */
@ApplicationPath("/sandbox")
public class SandboxApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(SandboxResource.class);
    }
}
