package io.kommomcp.audit;

import java.time.Instant;

import io.kommomcp.core.KommoCallLog;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "audit_kommo_call")
public class KommoCallRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "tool_call_id", nullable = false)
    private long toolCallId;

    @Column(name = "seq", nullable = false)
    private int seq;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "method", nullable = false)
    private String method;

    @Column(name = "path", nullable = false)
    private String path;

    @Column(name = "status", nullable = false)
    private int status;

    @Column(name = "kommo_request_id")
    private String kommoRequestId;

    @Column(name = "duration_ms", nullable = false)
    private int durationMs;

    @Column(name = "error_text")
    private String errorText;

    protected KommoCallRecord() {
    }

    KommoCallRecord(long toolCallId, int seq, KommoCallLog.Entry e) {
        this.toolCallId = toolCallId;
        this.seq = seq;
        this.startedAt = e.startedAt();
        this.method = e.method();
        this.path = ToolCallRecord.cut(e.path(), 2000);
        this.status = e.status();
        this.kommoRequestId = ToolCallRecord.cut(e.kommoRequestId(), 100);
        this.durationMs = (int) Math.min(Integer.MAX_VALUE, e.durationMillis());
        this.errorText = ToolCallRecord.cut(e.error(), 2000);
    }
}
