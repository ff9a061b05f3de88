package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Json;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.WireValues;
import tools.jackson.databind.JsonNode;

class WireParsingTest {

    private static JsonNode sample(String name) throws IOException {
        return Json.mapper().readTree(Files.readString(Path.of("src/test/resources/kommo-samples", name)));
    }

    @Test
    void leadWithLossReasonArrayCompaniesAndNullCustomFields() throws IOException {
        Lead lead = Lead.from(sample("lead_get_with_all__ogi4i.json"));
        assertEquals(3912171, lead.id());
        assertEquals(143, lead.statusId());
        assertEquals(List.of(10971463L), lead.companyIds());
        assertEquals("Пропала потребность", lead.lossReasons().get(0).name());
        assertTrue(lead.customFields().isEmpty(), "custom_fields_values: null reads as an empty list");
        assertEquals("тест", lead.tags().get(0).name());
    }

    @Test
    void listPageWithNextLink() throws IOException {
        JsonNode doc = sample("leads_list_page2__docs_via_ogi4i.json");
        List<Lead> leads = WireValues.embedded(doc, "leads", Lead::from);
        assertEquals(2, leads.size());
        assertTrue(WireValues.hasNext(doc));
    }

    @Test
    void pipelinesWithSystemStagesInSortOrder() throws IOException {
        List<Pipeline> pipelines = WireValues.embedded(sample("pipelines_list__docs_via_ogi4i.json"), "pipelines",
                Pipeline::from);
        Pipeline p = pipelines.get(0);
        assertTrue(p.isMain());
        assertEquals(1, p.stages().get(0).type(), "unsorted first");
        assertEquals(143, p.stages().get(p.stages().size() - 1).id());
        assertTrue(p.stage(142).isPresent());
    }

    @Test
    void contactToleratesTheDocsEnumSpelling() throws IOException {
        Contact c = Contact.from(sample("contact_get__docs_via_ogi4i.json"));
        assertFalse(c.customFields().isEmpty());
        boolean anyCode = c.customFields().stream().flatMap(f -> f.values().stream())
                .anyMatch(v -> "WORK".equals(v.enumCode()));
        assertTrue(anyCode, "\"enum\":\"WORK\" is read as the enum code");
    }

    @Test
    void numbersGivenAsStringsAreNumbers() {
        JsonNode n = Json.mapper().readTree("{\"price\":\"1500\",\"sale\":\"999.12\",\"bad\":\"x\",\"nul\":null}");
        assertEquals(1500L, WireValues.longOrNull(n, "price"));
        assertEquals(999L, WireValues.longOrNull(n, "sale"));
        assertNull(WireValues.longOrNull(n, "bad"));
        assertNull(WireValues.longOrNull(n, "nul"));
        assertNull(WireValues.longOrNull(n, "absent"));
    }

    @Test
    void unicodeEscapesDecode() {
        JsonNode n = Json.mapper().readTree("{\"name\":\"\\u0421\\u0434\\u0435\\u043b\\u043a\\u0430\"}");
        assertEquals("Сделка", WireValues.textOrNull(n, "name"));
    }

    @Test
    void queryEncodesBracketFilters() {
        String q = Query.of().add("filter[statuses][0][pipeline_id]", 5).add("query", "a b").add("skip", null)
                .encoded();
        assertEquals("filter%5Bstatuses%5D%5B0%5D%5Bpipeline_id%5D=5&query=a%20b", q);
    }
}
