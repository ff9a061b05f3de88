package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Packed records come back equal, key order and int/long kinds kept. */
class PackedJsonTest {

    @Test
    void aRecordComesBackEqualWithItsKeyOrder() {
        JsonNode tree = Problems.JSON.readTree("{\"id\":12345678901,\"small\":7,\"neg\":-3,\"name\":\"Zoë \\u2603\","
                + "\"price\":0,\"nothing\":null,\"yes\":true,\"no\":false,\"ratio\":1.5,"
                + "\"big\":123456789012345678901234567890,\"dec\":0.1000000000000000055511151231257827,"
                + "\"cfs\":[{\"values\":[{\"value\":\"12\",\"enum_id\":5}]}],\"empty\":[],\"obj\":{}}");
        JsonNode back = PackedJson.unpack(PackedJson.pack(tree));
        assertEquals(tree, back);
        assertEquals(tree.toString(), back.toString());
        assertTrue(back.get("small").isInt());
        assertTrue(back.get("id").isLong());
        List<String> keys = new ArrayList<>();
        back.properties().forEach(e -> keys.add(e.getKey()));
        assertEquals(List.of("id", "small", "neg", "name", "price", "nothing", "yes", "no", "ratio", "big", "dec",
                "cfs", "empty", "obj"), keys);
    }

    @Test
    void aSeededLeadPacksSmall() {
        TestAccount t = new TestAccount();
        EntityStore.Row row = t.account.leads.rows().get(0);
        assertEquals(t.account.leads.get(row.id()), row.node());
        assertTrue(row.packed().length < row.node().toString().length() / 2, row.packed().length + " bytes");
    }
}
