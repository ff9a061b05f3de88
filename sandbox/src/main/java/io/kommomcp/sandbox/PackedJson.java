package io.kommomcp.sandbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON tree packed into a few bytes, so that an account can hold 100,000 records in a small heap (a Jackson
 * {@code ObjectNode} of a lead costs some 3 KB; packed, it is a few hundred bytes). Object keys are numbers in one
 * dictionary of the JVM (records have few distinct keys; past {@value #MAX_KEYS} keys, keys are written out), numbers
 * varints, and the order of keys is kept. {@link #unpack} gives back an equal tree, int and long nodes as they were.
 */
final class PackedJson {

    static final int MAX_KEYS = 4096;

    private static final byte NULL = 0;
    private static final byte FALSE = 1;
    private static final byte TRUE = 2;
    private static final byte INT = 3;
    private static final byte LONG = 4;
    private static final byte DOUBLE = 5;
    private static final byte BIG = 6;
    private static final byte STRING = 7;
    private static final byte ARRAY = 8;
    private static final byte OBJECT = 9;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, Integer> KEY_IDS = new HashMap<>();
    private static volatile String[] keys = new String[0];

    private PackedJson() {
    }

    static byte[] pack(JsonNode node) {
        Out out = new Out();
        write(out, node);
        return out.bytes();
    }

    static ObjectNode unpackObject(byte[] packed) {
        return (ObjectNode) unpack(packed);
    }

    static JsonNode unpack(byte[] packed) {
        return new In(packed).node();
    }

    private static void write(Out out, JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            out.b(NULL);
        } else if (n.isBoolean()) {
            out.b(n.asBoolean() ? TRUE : FALSE);
        } else if (n.isInt()) {
            out.b(INT).zigzag(n.asLong());
        } else if (n.isIntegralNumber() && n.canConvertToLong() && !n.isBigInteger()) {
            out.b(LONG).zigzag(n.asLong());
        } else if (n.isDouble() || n.isFloat()) {
            out.b(DOUBLE).zigzag(Double.doubleToRawLongBits(n.asDouble()));
        } else if (n.isNumber()) {
            out.b(BIG).string(n.isBigInteger() ? n.bigIntegerValue().toString() : n.decimalValue().toString());
            out.b(n.isBigInteger() ? (byte) 1 : (byte) 0);
        } else if (n.isString()) {
            out.b(STRING).string(n.asString());
        } else if (n.isArray()) {
            out.b(ARRAY).varint(n.size());
            for (JsonNode item : n) {
                write(out, item);
            }
        } else if (n.isObject()) {
            out.b(OBJECT).varint(n.size());
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                int id = keyId(e.getKey());
                out.varint(id + 1L);
                if (id < 0) {
                    out.string(e.getKey());
                }
                write(out, e.getValue());
            }
        } else { // binary and POJO nodes never occur in records; keep their text
            out.b(STRING).string(n.asString(""));
        }
    }

    /** The key's number, made on first use; -1 once the dictionary is full (the key is then written out). */
    private static int keyId(String key) {
        synchronized (KEY_IDS) {
            Integer id = KEY_IDS.get(key);
            if (id != null) {
                return id;
            }
            if (KEY_IDS.size() >= MAX_KEYS) {
                return -1;
            }
            int made = KEY_IDS.size();
            KEY_IDS.put(key, made);
            String[] grown = Arrays.copyOf(keys, made + 1);
            grown[made] = key;
            keys = grown;
            return made;
        }
    }

    /** A growable byte buffer. */
    private static final class Out {
        private byte[] buf = new byte[256];
        private int len;

        Out b(byte v) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, len * 2);
            }
            buf[len++] = v;
            return this;
        }

        Out varint(long v) {
            while ((v & ~0x7FL) != 0) {
                b((byte) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            return b((byte) v);
        }

        Out zigzag(long v) {
            return varint((v << 1) ^ (v >> 63));
        }

        Out string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            if (len + utf8.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + utf8.length));
            }
            System.arraycopy(utf8, 0, buf, len, utf8.length);
            len += utf8.length;
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Reads what {@link Out} wrote. */
    private static final class In {
        private final byte[] buf;
        private final String[] dictionary = keys;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        JsonNode node() {
            byte tag = buf[pos++];
            switch (tag) {
                case NULL:
                    return NODES.nullNode();
                case FALSE:
                    return NODES.booleanNode(false);
                case TRUE:
                    return NODES.booleanNode(true);
                case INT:
                    return NODES.numberNode((int) zigzag());
                case LONG:
                    return NODES.numberNode(zigzag());
                case DOUBLE:
                    return NODES.numberNode(Double.longBitsToDouble(zigzag()));
                case BIG: {
                    String text = string();
                    return buf[pos++] == 1 ? NODES.numberNode(new BigInteger(text))
                            : NODES.numberNode(new BigDecimal(text));
                }
                case STRING:
                    return NODES.stringNode(string());
                case ARRAY: {
                    int n = (int) varint();
                    ArrayNode a = NODES.arrayNode(n);
                    for (int i = 0; i < n; i++) {
                        a.add(node());
                    }
                    return a;
                }
                case OBJECT: {
                    int n = (int) varint();
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < n; i++) {
                        int id = (int) varint() - 1;
                        String key = id < 0 ? string() : (id < dictionary.length ? dictionary : keys)[id];
                        o.set(key, node());
                    }
                    return o;
                }
                default:
                    throw new IllegalStateException("not a packed tree (tag " + tag + ")");
            }
        }

        long varint() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        String string() {
            int n = (int) varint();
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
    }
}
