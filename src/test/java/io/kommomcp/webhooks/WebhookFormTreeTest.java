package io.kommomcp.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WebhookFormTreeTest {

    private final FormTree form = new FormTree();

    private Map<String, Object> decode(String body) throws FormTree.MalformedForm {
        return form.decode(body);
    }

    private String refused(FormTree f, String body) {
        return assertThrows(FormTree.MalformedForm.class, () -> f.decode(body)).getMessage();
    }

    @Test
    void bracketKeysBecomeMapsAndLists() throws Exception {
        Map<String, Object> tree = decode("leads[status][0][id]=123"
                + "&leads[status][0][custom_fields][0][values][0][value]=x&account[subdomain]=acme");
        assertEquals(Map.of(
                "leads", Map.of("status", List.of(Map.of("id", "123",
                        "custom_fields", List.of(Map.of("values", List.of(Map.of("value", "x"))))))),
                "account", Map.of("subdomain", "acme")), tree);
    }

    @Test
    void percentEscapesPlusAndEncodedBrackets() throws Exception {
        Map<String, Object> tree = decode("a=hello+w%C3%B6rld%21+%E2%82%AC+%F0%9F%98%80&b%5Bc%5D%5B0%5D=1&d=%2B%26%3D");
        assertEquals("hello wörld! € \uD83D\uDE00", tree.get("a"));
        assertEquals(Map.of("c", List.of("1")), tree.get("b"));
        assertEquals("+&=", tree.get("d"));
    }

    @Test
    void unescapedNonAsciiIsKept() throws Exception {
        assertEquals(Map.of("name", "Сделка ü"), decode("name=Сделка ü"));
    }

    @Test
    void emptyBracketsAppendAfterTheLargestIndex() throws Exception {
        assertEquals(Map.of("a", List.of("x", "y", "z", "w")), decode("a[]=x&a[]=y&a[5]=z&a[]=w"));
        assertEquals(Map.of("a", Map.of("b", List.of("1", "2"))), decode("a[b][]=1&a[b][]=2"));
        assertEquals(Map.of("a", List.of(Map.of("id", "1"), Map.of("id", "2"))), decode("a[][id]=1&a[][id]=2"),
                "every [] is a new item, as in PHP");
    }

    @Test
    void sparseIndicesKeepIndexOrder() throws Exception {
        assertEquals(Map.of("a", List.of("y", "x", "z")), decode("a[5]=x&a[2]=y&a[100000000000]=z"));
    }

    @Test
    void nonIndexKeysMakeAMapInFirstSeenOrder() throws Exception {
        Map<String, Object> tree = decode("a[0]=x&a[b]=y&c[07]=z&d[-1]=w");
        assertEquals(Map.of("0", "x", "b", "y"), tree.get("a"));
        assertEquals(List.of("0", "b"), List.copyOf(((Map<?, ?>) tree.get("a")).keySet()));
        assertEquals(Map.of("07", "z"), tree.get("c"));
        assertEquals(Map.of("-1", "w"), tree.get("d"));
        assertEquals(Map.of("1234567890123456789", "v"), decode("e[1234567890123456789]=v").get("e"),
                "19 digits are a name, so that appending cannot overflow");
    }

    @Test
    void laterPairsReplaceEarlierOnes() throws Exception {
        assertEquals(Map.of("a", Map.of("b", "2")), decode("a=1&a[b]=2"));
        assertEquals(Map.of("a", "1"), decode("a[b]=2&a=1"));
        assertEquals(Map.of("a", "2"), decode("a=1&a=2"));
    }

    @Test
    void emptyPairsAndMissingValues() throws Exception {
        assertEquals(Map.of("a", "", "b", "", "c", "x=y"), decode("&a&&b=&c=x=y&"));
        assertEquals(Map.of(), decode(""));
        assertEquals(Map.of(), decode("&&&"));
    }

    @Test
    void treesAreUnmodifiable() throws Exception {
        Map<String, Object> tree = decode("a[0]=x&b[c]=y");
        assertThrows(UnsupportedOperationException.class, () -> tree.put("z", "z"));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) tree.get("a")).add("q"));
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) tree.get("b");
        assertThrows(UnsupportedOperationException.class, () -> b.clear());
    }

    @Test
    void badEscapesAreRefusedWithTheirOffset() {
        assertEquals("truncated percent escape at offset 2", refused(form, "a=%4"));
        assertEquals("truncated percent escape at offset 2", refused(form, "a=%"));
        assertEquals("truncated percent escape at offset 2", refused(form, "a=%4&b=1"));
        assertEquals("bad percent escape at offset 2", refused(form, "a=%zz"));
        assertEquals("bad percent escape at offset 2", refused(form, "a=%٣٣"), "only ASCII hex digits");
        assertTrue(refused(form, "a=%FF").startsWith("percent-escaped bytes that are not UTF-8"));
        assertTrue(refused(form, "a=%C0%AF").startsWith("percent-escaped bytes that are not UTF-8"),
                "overlong encoding");
        assertTrue(refused(form, "a=%E2%82").startsWith("percent-escaped bytes that are not UTF-8"),
                "truncated sequence");
        assertTrue(refused(form, "a%5=1").contains("percent escape"), "keys are checked too");
    }

    @Test
    void keysOutsideTheBracketSyntaxAreRefused() {
        assertEquals("malformed key '[a]': no name before '['", refused(form, "[a]=1"));
        assertEquals("malformed key 'a[b': '[' without ']'", refused(form, "a[b=1"));
        assertEquals("malformed key 'a[b]c': text after ']'", refused(form, "a[b]c=1"));
        assertEquals("malformed key 'a[b[c]]': '[' inside brackets", refused(form, "a[b[c]]=1"));
        assertEquals("malformed key 'a]': ']' without '['", refused(form, "a]=1"));
        assertEquals("malformed key 'a[b': '[' without ']'", refused(form, "a%5Bb=1"), "after decoding");
    }

    @Test
    void messagesQuoteOnlyAShortSanitisedPieceOfTheKey() {
        String key = "\u0007" + "x".repeat(500) + "[";
        String message = refused(form, key + "=1");
        assertTrue(message.startsWith("malformed key '?xxx"), message);
        assertTrue(message.length() < 120, message);
    }

    @Test
    void limitsArePairsDepthAndLength() throws Exception {
        FormTree small = new FormTree(3, 2, 40);
        assertEquals(3, small.decode("a=1&b=2&&c=3&").size(), "empty pairs do not count");
        assertEquals("more than 3 pairs", refused(small, "a=1&b=2&c=3&d=4"));
        assertEquals(Map.of("a", Map.of("b", Map.of("c", "1"))), small.decode("a[b][c]=1"));
        assertEquals("key nested deeper than 2 levels: 'a[b][c][d]'", refused(small, "a[b][c][d]=1"));
        assertEquals("body longer than 40 characters", refused(small, "a=" + "x".repeat(39)));
        assertEquals("more than 10000 pairs", refused(form, "a[]=1&".repeat(10_001)));
        assertEquals(10_000, ((List<?>) decode("a[]=1&".repeat(10_000)).get("a")).size());
        assertTrue(refused(form, "a" + "[b]".repeat(50) + "=1").startsWith("key nested deeper than 10 levels"));
        assertEquals("body longer than 2097152 characters", refused(form, "a=" + "x".repeat(2 * 1024 * 1024)));
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new FormTree(0, 10, 100));
        assertThrows(IllegalArgumentException.class, () -> new FormTree(10, -1, 100));
        assertThrows(IllegalArgumentException.class, () -> new FormTree(10, 10, 0));
    }
}
