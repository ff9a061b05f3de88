package io.kommomcp.audit;

import java.util.List;

import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/** Writes audit records. Each call commits on its own, so a record is durable before the tool's answer leaves. */
@ApplicationScoped
public class AuditLog {

    @PersistenceContext(unitName = "kommo")
    EntityManager em;

    /** Records a tool call and its Kommo calls; returns the tool call's audit id. */
    @Transactional(TxType.REQUIRES_NEW)
    public long record(ToolCallAudit audit) {
        String args = Json.mapper().writeValueAsString(Redaction.redact(audit.arguments()));
        ToolCallRecord call = new ToolCallRecord(audit, args);
        em.persist(call);
        em.flush();
        List<KommoCallLog.Entry> calls = audit.kommoCalls();
        for (int i = 0; i < calls.size(); i++) {
            em.persist(new KommoCallRecord(call.getId(), i + 1, calls.get(i)));
        }
        return call.getId();
    }
}
