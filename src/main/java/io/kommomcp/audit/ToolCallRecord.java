package io.kommomcp.audit;

import java.time.Instant;

import org.hibernate.annotations.ColumnTransformer;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "audit_tool_call")
public class ToolCallRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "tenant_id")
    private String tenantId;

    @Column(name = "subject")
    private String subject;

    @Column(name = "roles", nullable = false)
    private String roles;

    @Column(name = "client_name")
    private String clientName;

    @Column(name = "client_version")
    private String clientVersion;

    @Column(name = "session_id")
    private String sessionId;

    @Column(name = "tool", nullable = false)
    private String tool;

    @ColumnTransformer(write = "?::jsonb")
    @Column(name = "arguments", columnDefinition = "jsonb")
    private String arguments;

    @Enumerated(EnumType.STRING)
    @Column(name = "outcome", nullable = false)
    private Outcome outcome;

    @Column(name = "duration_ms", nullable = false)
    private int durationMs;

    @Column(name = "error_text")
    private String errorText;

    protected ToolCallRecord() {
    }

    ToolCallRecord(ToolCallAudit a, String redactedArgumentsJson) {
        this.startedAt = a.startedAt();
        this.tenantId = a.tenantId();
        this.subject = a.subject();
        this.roles = String.join(",", a.roles().stream().sorted().toList());
        this.clientName = cut(a.clientName(), 200);
        this.clientVersion = cut(a.clientVersion(), 100);
        this.sessionId = cut(a.sessionId(), 100);
        this.tool = cut(a.tool(), 100);
        this.arguments = redactedArgumentsJson;
        this.outcome = a.outcome();
        this.durationMs = (int) Math.min(Integer.MAX_VALUE, a.durationMillis());
        this.errorText = cut(a.error(), 4000);
    }

    public Long getId() {
        return id;
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
