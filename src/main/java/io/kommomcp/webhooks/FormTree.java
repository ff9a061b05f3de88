package io.kommomcp.webhooks;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body decoded into the nested tree PHP builds from bracket keys.
 *
 * <p>Why: Kommo does not post webhooks as JSON. It posts a PHP {@code http_build_query} of a nested array
 * (API.md §20.2, §22 item 19): {@code leads[status][0][id]=123&leads[status][0][custom_fields][0][values][0][value]=x
 * &account[subdomain]=acme}, every value a string. To read it as the structure Kommo meant, keys are split the way PHP
 * splits them and the pairs are folded into maps and lists.
 *
 * <p>Rules:
 * <ul>
 * <li>Pairs are separated by {@code &}; empty pairs are skipped; a pair without {@code =} has the value {@code ""}.
 * Keys and values are percent-decoded as UTF-8, {@code +} is a space. A {@code %} not followed by two hex digits, or
 * escaped bytes that are not UTF-8, make the whole body malformed (PHP would keep them literally; a webhook with them
 * did not come from Kommo).</li>
 * <li>A key is {@code name} followed by zero or more {@code [segment]}s: {@code a[b][0][c]}. The name may not be
 * empty; a segment may not contain {@code [} or {@code ]}; nothing may follow the last {@code ]}. PHP quietly mangles
 * such keys; here they are malformed.</li>
 * <li>An empty segment ({@code a[]}) appends: it takes the next index after the largest integer key seen so far at
 * that level (0 when none), as PHP does.</li>
 * <li>A level whose keys are all canonical non-negative integers ({@code 0}, {@code 7}, not {@code 07} or {@code -1};
 * at most 18 digits) becomes a {@link List} ordered by index, sparse indices closed up ({@code a[5]=x&a[2]=y} gives
 * {@code [y, x]}). Any other level becomes a {@link Map} in first-seen order, integer keys kept as strings.</li>
 * <li>A later pair replaces an earlier one at the same key, scalar or not ({@code a=1&a[b]=2} gives {@code a={b=2}}),
 * as in PHP.</li>
 * </ul>
 *
 * <p>Limits, so that a hostile body cannot make the tree expensive: the body's length in characters, the number of
 * pairs, and the number of segments in a key. A body over a limit is refused before its tree is built.
 *
 * <p>Immutable and thread-safe; the trees it returns are unmodifiable.
 */
public final class FormTree {

    /** Default most pairs in a body. Kommo's own deliveries hold a few hundred at most. */
    public static final int DEFAULT_MAX_PAIRS = 10_000;
    /** Default most bracket segments in a key; Kommo's deepest known key has 7 ({@code leads[status][0][custom_fields][0][values][0][value]}). */
    public static final int DEFAULT_MAX_DEPTH = 10;
    /** Default longest body, in characters (2 MiB). */
    public static final int DEFAULT_MAX_LENGTH = 2 * 1024 * 1024;

    /** Keys longer than this are shown cut short in error messages. */
    private static final int PREVIEW = 60;

    private final int maxPairs;
    private final int maxDepth;
    private final int maxLength;

    /** With the default limits. */
    public FormTree() {
        this(DEFAULT_MAX_PAIRS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH);
    }

    /**
     * @param maxPairs  most {@code key=value} pairs in a body (at least 1)
     * @param maxDepth  most {@code [segment]}s in a key (at least 0; 0 allows only plain names)
     * @param maxLength most characters in a body (at least 1)
     */
    public FormTree(int maxPairs, int maxDepth, int maxLength) {
        if (maxPairs < 1 || maxDepth < 0 || maxLength < 1) {
            throw new IllegalArgumentException("limits must be positive: maxPairs=" + maxPairs + ", maxDepth="
                    + maxDepth + ", maxLength=" + maxLength);
        }
        this.maxPairs = maxPairs;
        this.maxDepth = maxDepth;
        this.maxLength = maxLength;
    }

    public int maxPairs() {
        return maxPairs;
    }

    public int maxDepth() {
        return maxDepth;
    }

    public int maxLength() {
        return maxLength;
    }

    /**
     * The tree of a body: top-level names to a {@link String}, a {@link List} or a {@link Map} (of the same three
     * kinds, recursively). An empty body gives an empty map.
     *
     * @throws MalformedForm when the body is over a limit, has a bad escape or bytes that are not UTF-8, or a key
     *                       that does not follow the bracket syntax; the message says which, briefly
     */
    public Map<String, Object> decode(String body) throws MalformedForm {
        if (body == null || body.isEmpty()) {
            return Map.of();
        }
        if (body.length() > maxLength) {
            throw new MalformedForm("body longer than " + maxLength + " characters");
        }
        List<int[]> pairs = split(body);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Branch root = new Branch();
        List<String> segments = new ArrayList<>();
        for (int[] p : pairs) {
            int start = p[0];
            int end = p[1];
            int keyEnd = start;
            while (keyEnd < end && body.charAt(keyEnd) != '=') {
                keyEnd++;
            }
            String key = unescape(body, start, keyEnd, utf8);
            String value = keyEnd == end ? "" : unescape(body, keyEnd + 1, end, utf8);
            segments.clear();
            String name = parseKey(key, segments);
            insert(root, name, segments, value);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) root.finish(true);
        return tree;
    }

    /** The [start, end) offsets of the non-empty pairs, refusing more than {@link #maxPairs}. */
    private List<int[]> split(String body) throws MalformedForm {
        List<int[]> pairs = new ArrayList<>();
        int start = 0;
        int n = body.length();
        while (start <= n) {
            int amp = body.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                if (pairs.size() == maxPairs) {
                    throw new MalformedForm("more than " + maxPairs + " pairs");
                }
                pairs.add(new int[] {start, end});
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return pairs;
    }

    /**
     * Percent-decoding of {@code s[from, to)}: runs of {@code %XX} are collected as bytes and decoded strictly as
     * UTF-8 (a character's bytes are always one run); {@code +} is a space; other characters stay as they are.
     */
    private static String unescape(String s, int from, int to, CharsetDecoder utf8) throws MalformedForm {
        int firstSpecial = -1;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+') {
                firstSpecial = i;
                break;
            }
        }
        if (firstSpecial < 0) {
            return s.substring(from, to);
        }
        StringBuilder out = new StringBuilder(to - from);
        out.append(s, from, firstSpecial);
        byte[] run = null;
        int i = firstSpecial;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%') {
                int runLength = 0;
                while (i < to && s.charAt(i) == '%') {
                    if (i + 3 > to) {
                        throw new MalformedForm("truncated percent escape at offset " + i);
                    }
                    if (!isAsciiHex(s.charAt(i + 1)) || !isAsciiHex(s.charAt(i + 2))) {
                        throw new MalformedForm("bad percent escape at offset " + i);
                    }
                    int hi = Character.digit(s.charAt(i + 1), 16);
                    int lo = Character.digit(s.charAt(i + 2), 16);
                    if (run == null) {
                        run = new byte[Math.max(16, (to - i) / 3 + 1)];
                    } else if (runLength == run.length) {
                        run = Arrays.copyOf(run, run.length * 2);
                    }
                    run[runLength++] = (byte) ((hi << 4) | lo);
                    i += 3;
                }
                try {
                    CharBuffer decoded = utf8.reset().decode(ByteBuffer.wrap(run, 0, runLength));
                    out.append(decoded);
                } catch (CharacterCodingException e) {
                    throw new MalformedForm("percent-escaped bytes that are not UTF-8 before offset " + i);
                }
            } else {
                out.append(c == '+' ? ' ' : c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** The name of a decoded key; its bracket segments go to {@code segments}. */
    private String parseKey(String key, List<String> segments) throws MalformedForm {
        int open = key.indexOf('[');
        String name = open < 0 ? key : key.substring(0, open);
        if (name.isEmpty()) {
            throw new MalformedForm("malformed key " + preview(key) + ": no name before '['");
        }
        if (name.indexOf(']') >= 0) {
            throw new MalformedForm("malformed key " + preview(key) + ": ']' without '['");
        }
        int i = open;
        while (i >= 0 && i < key.length()) {
            if (key.charAt(i) != '[') {
                throw new MalformedForm("malformed key " + preview(key) + ": text after ']'");
            }
            int close = key.indexOf(']', i + 1);
            if (close < 0) {
                throw new MalformedForm("malformed key " + preview(key) + ": '[' without ']'");
            }
            String segment = key.substring(i + 1, close);
            if (segment.indexOf('[') >= 0) {
                throw new MalformedForm("malformed key " + preview(key) + ": '[' inside brackets");
            }
            if (segments.size() == maxDepth) {
                throw new MalformedForm("key nested deeper than " + maxDepth + " levels: " + preview(key));
            }
            segments.add(segment);
            i = close + 1;
        }
        return name;
    }

    private static void insert(Branch root, String name, List<String> segments, String value) {
        Branch node = root;
        String key = name;
        for (String segment : segments) {
            Object child = node.children.get(key);
            Branch branch;
            if (child instanceof Branch b) {
                branch = b;
            } else {
                branch = new Branch();
                node.put(key, branch);
            }
            node = branch;
            key = segment.isEmpty() ? Long.toString(node.nextIndex) : segment;
        }
        node.put(key, value);
    }

    /** The key as it may appear in a message: quoted, control characters replaced, cut short when long. */
    static String preview(String key) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(key.length(), PREVIEW);
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        if (key.length() > PREVIEW) {
            b.append('…');
        }
        return b.append('\'').toString();
    }

    /** A canonical non-negative integer of at most 18 digits (so that {@code index + 1} cannot overflow), or -1. */
    static long index(String key) {
        int n = key.length();
        if (n == 0 || n > 18 || (n > 1 && key.charAt(0) == '0')) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** A level of the tree while it is built. */
    private static final class Branch {
        final LinkedHashMap<String, Object> children = new LinkedHashMap<>();
        long nextIndex;

        void put(String key, Object child) {
            children.put(key, child);
            long i = index(key);
            if (i >= nextIndex) {
                nextIndex = i + 1;
            }
        }

        /** The finished, unmodifiable level: a list when every key is an index (never at the root). */
        Object finish(boolean root) {
            boolean allIndices = !root && !children.isEmpty();
            if (allIndices) {
                for (String k : children.keySet()) {
                    if (index(k) < 0) {
                        allIndices = false;
                        break;
                    }
                }
            }
            if (allIndices) {
                List<Map.Entry<String, Object>> entries = new ArrayList<>(children.entrySet());
                entries.sort((a, b) -> Long.compare(index(a.getKey()), index(b.getKey())));
                List<Object> list = new ArrayList<>(entries.size());
                for (Map.Entry<String, Object> e : entries) {
                    list.add(finished(e.getValue()));
                }
                return Collections.unmodifiableList(list);
            }
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : children.entrySet()) {
                map.put(e.getKey(), finished(e.getValue()));
            }
            return Collections.unmodifiableMap(map);
        }

        private static Object finished(Object child) {
            return child instanceof Branch b ? b.finish(false) : child;
        }
    }

    /** A body that is not a well-formed form within the limits. The message is short and says why. */
    public static final class MalformedForm extends Exception {

        private static final long serialVersionUID = 1L;

        public MalformedForm(String reason) {
            super(reason);
        }
    }
}
