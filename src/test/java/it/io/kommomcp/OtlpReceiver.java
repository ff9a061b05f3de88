package it.io.kommomcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;

/**
 * A minimal OTLP/HTTP metrics receiver: accepts {@code POST /v1/metrics} (protobuf) and decodes the gauge data
 * points it needs (metric name, string attributes, integer or double value). Enough of the OTLP wire format
 * (opentelemetry-proto, metrics/v1) to check what the server exports, and nothing more.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One data point of one metric (a histogram's data point counts its observations as the value). */
    record Point(String metric, Map<String, String> attributes, double value) {
    }

    /** One span: its ids (hex), name, kind (1 internal, 2 server, 3 client) and string attributes. */
    record SpanData(String traceId, String spanId, String parentSpanId, String name, int kind,
            Map<String, String> attributes) {
    }

    private static volatile OtlpReceiver shared;

    /** The receiver of the whole test run (started by {@link OtlpSession}), on {@code otlp.test.port}. */
    static OtlpReceiver shared() throws IOException {
        synchronized (OtlpReceiver.class) {
            if (shared == null) {
                shared = new OtlpReceiver(Integer.getInteger("otlp.test.port"));
            }
            return shared;
        }
    }

    private final HttpServer server;
    private final List<Point> points = new CopyOnWriteArrayList<>();
    private final List<SpanData> spans = new CopyOnWriteArrayList<>();

    OtlpReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/metrics", ex -> receive(ex, body -> points.addAll(decodeRequest(body))));
        server.createContext("/v1/traces", ex -> receive(ex, body -> spans.addAll(decodeTraces(body))));
        server.start();
    }

    /** One OTLP export (protobuf, gzip or not): decoded into what this receiver keeps, answered 200 or 400. */
    private static void receive(com.sun.net.httpserver.HttpExchange ex, java.util.function.Consumer<byte[]> keep)
            throws IOException {
        try (InputStream in = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
            keep.accept(in.readAllBytes());
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, 0);
        } catch (RuntimeException e) {
            ex.sendResponseHeaders(400, -1);
        } finally {
            ex.close();
        }
    }

    List<SpanData> spans() {
        return List.copyOf(spans);
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { resource = 1; repeated ScopeSpans scope_spans = 2; } ScopeSpans { scope = 1; spans = 2; }
    // Span { trace_id = 1; span_id = 2; parent_span_id = 4; name = 5; kind = 6; repeated KeyValue attributes = 9; }
    static List<SpanData> decodeTraces(byte[] body) {
        List<SpanData> out = new ArrayList<>();
        for (Field rs : fields(body)) {
            if (rs.number == 1) {
                for (Field ss : fields(rs.bytes)) {
                    if (ss.number == 2) {
                        for (Field sp : fields(ss.bytes)) {
                            if (sp.number == 2) {
                                out.add(span(sp.bytes));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static SpanData span(byte[] bytes) {
        String trace = null;
        String id = null;
        String parent = null;
        String name = null;
        int kind = 0;
        Map<String, String> attributes = new TreeMap<>();
        for (Field f : fields(bytes)) {
            switch (f.number) {
                case 1 -> trace = java.util.HexFormat.of().formatHex(f.bytes);
                case 2 -> id = java.util.HexFormat.of().formatHex(f.bytes);
                case 4 -> parent = f.bytes.length == 0 ? null : java.util.HexFormat.of().formatHex(f.bytes);
                case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
                case 6 -> kind = (int) f.fixed;
                case 9 -> keyValue(f.bytes, attributes);
                default -> { }
            }
        }
        return new SpanData(trace, id, parent, name, kind, attributes);
    }

    /** A KeyValue { key = 1; AnyValue value = 2 { string = 1; bool = 2; int = 3; double = 4 } }, as text. */
    private static void keyValue(byte[] bytes, Map<String, String> into) {
        String key = null;
        String val = null;
        for (Field kv : fields(bytes)) {
            if (kv.number == 1) {
                key = new String(kv.bytes, StandardCharsets.UTF_8);
            } else if (kv.number == 2) {
                for (Field av : fields(kv.bytes)) {
                    val = switch (av.number) {
                        case 1 -> new String(av.bytes, StandardCharsets.UTF_8);
                        case 2 -> String.valueOf(av.fixed != 0);
                        case 3 -> String.valueOf(av.fixed);
                        case 4 -> String.valueOf(Double.longBitsToDouble(av.fixed));
                        default -> val;
                    };
                }
            }
        }
        if (key != null && val != null) {
            into.put(key, val);
        }
    }

    List<Point> points() {
        return List.copyOf(points);
    }

    /** The newest value of {@code metric} with the attribute {@code key=value}, or null. */
    Double latest(String metric, String key, String value) {
        Double found = null;
        for (Point p : points) {
            if (p.metric().equals(metric) && value.equals(p.attributes().get(key))) {
                found = p.value();
            }
        }
        return found;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
    static List<Point> decodeRequest(byte[] body) {
        List<Point> out = new ArrayList<>();
        for (Field rm : fields(body)) {
            if (rm.number == 1) { // ResourceMetrics { resource = 1; repeated ScopeMetrics scope_metrics = 2; }
                for (Field sm : fields(rm.bytes)) {
                    if (sm.number == 2) { // ScopeMetrics { scope = 1; repeated Metric metrics = 2; }
                        for (Field m : fields(sm.bytes)) {
                            if (m.number == 2) {
                                metric(m.bytes, out);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    // Metric { name = 1; description = 2; unit = 3; Gauge gauge = 5; Sum sum = 7; ... }
    private static void metric(byte[] bytes, List<Point> out) {
        String name = null;
        List<byte[]> dataHolders = new ArrayList<>();
        for (Field f : fields(bytes)) {
            if (f.number == 1) {
                name = new String(f.bytes, StandardCharsets.UTF_8);
            } else if (f.number == 5 || f.number == 7) {
                dataHolders.add(f.bytes);
            } else if (f.number == 9) { // Histogram { repeated HistogramDataPoint data_points = 1; }
                for (Field dp : fields(f.bytes)) {
                    if (dp.number == 1) {
                        out.add(histogramPoint(name, dp.bytes));
                    }
                }
            }
        }
        for (byte[] holder : dataHolders) {
            for (Field dp : fields(holder)) { // Gauge/Sum { repeated NumberDataPoint data_points = 1; }
                if (dp.number == 1) {
                    out.add(point(name, dp.bytes));
                }
            }
        }
    }

    // HistogramDataPoint { count = 4 (fixed64); repeated KeyValue attributes = 9; }
    private static Point histogramPoint(String metric, byte[] bytes) {
        Map<String, String> attributes = new TreeMap<>();
        double count = Double.NaN;
        for (Field f : fields(bytes)) {
            if (f.number == 4) {
                count = f.fixed;
            } else if (f.number == 9) {
                keyValue(f.bytes, attributes);
            }
        }
        return new Point(metric, attributes, count);
    }

    // NumberDataPoint { as_double = 4 (fixed64); as_int = 6 (sfixed64); repeated KeyValue attributes = 7; }
    private static Point point(String metric, byte[] bytes) {
        Map<String, String> attributes = new TreeMap<>();
        double value = Double.NaN;
        for (Field f : fields(bytes)) {
            if (f.number == 4) {
                value = Double.longBitsToDouble(f.fixed);
            } else if (f.number == 6) {
                value = f.fixed;
            } else if (f.number == 7) { // KeyValue { key = 1; AnyValue value = 2 { string_value = 1; } }
                String key = null;
                String val = null;
                for (Field kv : fields(f.bytes)) {
                    if (kv.number == 1) {
                        key = new String(kv.bytes, StandardCharsets.UTF_8);
                    } else if (kv.number == 2) {
                        for (Field av : fields(kv.bytes)) {
                            if (av.number == 1) {
                                val = new String(av.bytes, StandardCharsets.UTF_8);
                            }
                        }
                    }
                }
                if (key != null && val != null) {
                    attributes.put(key, val);
                }
            }
        }
        return new Point(metric, attributes, value);
    }

    /** One protobuf field: its number, and its bytes (length-delimited) or its 64-bit value (fixed64/varint). */
    private record Field(int number, byte[] bytes, long fixed) {
    }

    private static List<Field> fields(byte[] b) {
        List<Field> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long tag = varint(b, pos);
            int number = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (wire) {
                case 0 -> out.add(new Field(number, null, varint(b, pos)));
                case 1 -> {
                    long v = 0;
                    for (int i = 7; i >= 0; i--) {
                        v = (v << 8) | (b[pos[0] + i] & 0xffL);
                    }
                    pos[0] += 8;
                    out.add(new Field(number, null, v));
                }
                case 2 -> {
                    int len = (int) varint(b, pos);
                    ByteArrayOutputStream part = new ByteArrayOutputStream(len);
                    part.write(b, pos[0], len);
                    pos[0] += len;
                    out.add(new Field(number, part.toByteArray(), 0));
                }
                case 5 -> pos[0] += 4;
                default -> throw new IllegalArgumentException("unsupported wire type " + wire);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }
}
