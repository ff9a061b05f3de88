package io.kommomcp.platform;

import java.util.Optional;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.sandbox.SandboxStore;
import io.kommomcp.tenancy.AuthKind;
import io.kommomcp.tenancy.TenantException;
import io.kommomcp.tenancy.TenantRecords.Credentials;
import io.kommomcp.tenancy.TenantRecords.NewTenant;
import io.kommomcp.tenancy.TenantRecords.TenantChanges;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * For the demo run only (sandbox on and {@code kommo.demo.tenant} set): a ready tenant bound to a seeded sandbox
 * account, its credentials refreshed at every start because the sandbox's state lives in memory.
 */
@ApplicationScoped
public class DemoTenant {

    private static final Logger LOG = Logger.getLogger(DemoTenant.class.getName());

    @Inject
    @ConfigProperty(name = "kommo.demo.tenant")
    Optional<String> configuredTenant;

    @Inject
    @ConfigProperty(name = "http.port", defaultValue = "9080")
    int httpPort;

    @Inject
    SandboxStore sandbox;

    @Inject
    TenantService tenants;

    public void ensure() {
        if (configuredTenant.isEmpty() || !sandbox.enabled()) {
            return;
        }
        String tenantId = configuredTenant.get().trim();
        String baseUrl = "http://127.0.0.1:" + httpPort + "/sandbox/" + tenantId;
        String token = sandbox.ensureAccount(tenantId);
        try {
            tenants.get(tenantId);
            tenants.update(tenantId, new TenantChanges(null, baseUrl, true, null, null, null));
        } catch (TenantException missing) {
            tenants.create(new NewTenant(tenantId, "Demo tenant (Kommo sandbox)", baseUrl, AuthKind.LONG_LIVED_TOKEN,
                    false, null));
        }
        tenants.setCredentials(tenantId, new Credentials(token, null, null, null, null, null, null));
        LOG.info(() -> "Demo tenant '" + tenantId + "' is ready on the sandbox at " + baseUrl);
    }
}
