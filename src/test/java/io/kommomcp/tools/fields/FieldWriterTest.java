package io.kommomcp.tools.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.FieldValue.Value;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.FieldDef.Option;

class FieldWriterTest {

    private static FieldDef def(long id, String name, String type, String code, String... options) {
        List<Option> opts = new java.util.ArrayList<>();
        for (int i = 0; i < options.length; i++) {
            opts.add(new Option(id * 100 + i, options[i], i));
        }
        return new FieldDef(id, name, type, code, 1, opts, null, List.of(), false, true, false, List.of());
    }

    private static final FieldDef SOURCE = def(1, "Lead source", "select", "LEAD_SOURCE", "Website", "Referral",
            "Trade show");
    private static final FieldDef CITY = def(2, "Ciudad", "radiobutton", null, "Bogotá", "Medellín");
    private static final FieldDef PRODUCTS = def(3, "Products", "multiselect", null, "Hardware", "Software");
    private static final FieldDef SEATS = def(4, "Seats", "numeric", null);
    private static final FieldDef BUDGET = def(5, "Budget confirmed", "checkbox", null);
    private static final FieldDef CLOSE = def(6, "Expected close date", "date", null);
    private static final FieldDef MEETING = def(7, "Decision meeting", "date_time", null);
    private static final FieldDef SITE = def(8, "Website", "url", null);
    private static final FieldDef PHONE = def(9, "Phone", "multitext", "PHONE", "WORK", "MOB");
    private static final FieldDef NOTE = def(10, "Next step", "text", null);
    private static final FieldDef LEGAL = def(11, "Legal entity", "legal_entity", null);
    private static final List<FieldDef> ALL = List.of(SOURCE, CITY, PRODUCTS, SEATS, BUDGET, CLOSE, MEETING, SITE,
            PHONE, NOTE, LEGAL);

    @Test
    void fieldsAreFoundByIdCodeOrNameIgnoringCaseAndAccents() {
        assertEquals(SOURCE, FieldWriter.resolve(ALL, "lead", "1"));
        assertEquals(SOURCE, FieldWriter.resolve(ALL, "lead", "lead_source"));
        assertEquals(SOURCE, FieldWriter.resolve(ALL, "lead", "  LEAD SOURCE "));
        assertEquals(CITY, FieldWriter.resolve(ALL, "lead", "ciudad"));
        ToolException unknown = assertThrows(ToolException.class, () -> FieldWriter.resolve(ALL, "lead", "Budget"));
        assertTrue(unknown.getMessage().contains("Budget confirmed"), "lists the fields: " + unknown.getMessage());
        List<FieldDef> twins = List.of(def(20, "Region", "text", null), def(21, "región", "text", null));
        ToolException ambiguous = assertThrows(ToolException.class, () -> FieldWriter.resolve(twins, "lead",
                "REGION"));
        assertTrue(ambiguous.getMessage().contains("id 20") && ambiguous.getMessage().contains("id 21"));
    }

    @Test
    void optionsMatchByTextIgnoringCaseAndAccentsOrById() {
        assertEquals(List.of(Value.option(101L)), FieldWriter.write(SOURCE, "referral").values());
        assertEquals(List.of(Value.option(200L)), FieldWriter.write(CITY, "BOGOTA").values());
        assertEquals(List.of(Value.option(201L)), FieldWriter.write(CITY, 201).values());
        assertEquals(List.of(Value.option(300L), Value.option(301L)),
                FieldWriter.write(PRODUCTS, List.of("hardware", "Software", "HARDWARE")).values());
        ToolException bad = assertThrows(ToolException.class, () -> FieldWriter.write(SOURCE, "Cold call"));
        assertTrue(bad.getMessage().contains("Website, Referral, Trade show"), bad.getMessage());
        assertThrows(ToolException.class, () -> FieldWriter.write(SOURCE, List.of("Website", "Referral")),
                "a select takes one option");
    }

    @Test
    void eachTypeIsCheckedAndWrittenInKommosShape() {
        assertEquals(List.of(Value.of("12.5")), FieldWriter.write(SEATS, "12.50").values());
        assertEquals(List.of(Value.of("40")), FieldWriter.write(SEATS, 40).values());
        assertThrows(ToolException.class, () -> FieldWriter.write(SEATS, "forty"));
        assertEquals(List.of(Value.of(true)), FieldWriter.write(BUDGET, "yes").values());
        assertEquals(List.of(Value.of(false)), FieldWriter.write(BUDGET, false).values());
        assertThrows(ToolException.class, () -> FieldWriter.write(BUDGET, "maybe"));
        assertEquals(List.of(Value.of(1_798_761_600L)), FieldWriter.write(CLOSE, "2027-01-01").values());
        assertEquals(List.of(Value.of(1_798_797_600L)),
                FieldWriter.write(MEETING, "2027-01-01T12:00:00+02:00").values());
        assertThrows(ToolException.class, () -> FieldWriter.write(CLOSE, "next week"));
        assertEquals(List.of(Value.of("https://globex.example")),
                FieldWriter.write(SITE, "https://globex.example").values());
        assertThrows(ToolException.class, () -> FieldWriter.write(SITE, "not a site"));
        assertEquals(List.of(Value.coded("+1 555 0100", "MOB"), Value.coded("+1 555 0101", "WORK")),
                FieldWriter.write(PHONE, List.of(Map.of("value", "+1 555 0100", "kind", "mob"), "+1 555 0101"))
                        .values());
        ToolException kind = assertThrows(ToolException.class, () -> FieldWriter.write(PHONE, List.of(Map.of("value",
                "1", "kind", "PAGER"))));
        assertTrue(kind.getMessage().contains("WORK, MOB"));
        assertEquals(List.of(Value.of("Send the quote")), FieldWriter.write(NOTE, " Send the quote ")
                .values());
        assertThrows(ToolException.class, () -> FieldWriter.write(NOTE, Map.of("a", 1)));
        ToolException legal = assertThrows(ToolException.class, () -> FieldWriter.write(LEGAL, "ACME"));
        assertTrue(legal.getMessage().contains("does not write"));
    }

    @Test
    void emptyClearsTheField() {
        for (Object empty : new Object[] {null, "", "  ", List.of()}) {
            FieldValue w = FieldWriter.write(SOURCE, empty);
            assertNull(w.values(), "no values: the field is cleared");
            assertEquals(1L, w.fieldId());
            assertEquals("Lead source", w.name());
        }
    }
}
