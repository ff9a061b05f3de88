package io.kommomcp.kommo;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.Set;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Counts for the consequences of a plan ("12 leads will move", "erases values on 340 leads"). Kommo gives no totals
 * for leads, contacts or companies, so these page through them, up to {@code kommo.governance.count-max-pages} pages
 * of 250; beyond that a count is a lower bound and says so.
 */
@ApplicationScoped
public class KommoCounts {

    @Inject
    KommoGateway gateway;

    @Inject
    @ConfigProperty(name = "kommo.governance.count-max-pages", defaultValue = "20")
    int maxPages;

    /** A count, exact unless {@code atLeast}. */
    public record Count(long n, boolean atLeast) {

        @Override
        public String toString() {
            return (atLeast ? "at least " : "") + n;
        }

        public boolean none() {
            return n == 0 && !atLeast;
        }
    }

    /** Leads in a pipeline, or in one of its stages when {@code stageId} is given. */
    public Count leads(Caller caller, long pipelineId, Long stageId) {
        return count(caller, "leads", () -> stageId != null
                ? Query.of().add("filter[statuses][0][pipeline_id]", pipelineId)
                        .add("filter[statuses][0][status_id]", stageId)
                : Query.of().add("filter[pipeline_id]", pipelineId), "leads", e -> true);
    }

    /** Leads in a stage without a value of the field (all of them when {@code fieldId} is null, a new field). */
    public Count leadsWithout(Caller caller, long pipelineId, long stageId, Long fieldId) {
        return count(caller, "leads", () -> Query.of().add("filter[statuses][0][pipeline_id]", pipelineId)
                .add("filter[statuses][0][status_id]", stageId), "leads", e -> {
                    if (fieldId == null) {
                        return true;
                    }
                    for (JsonNode cf : e.path("custom_fields_values")) {
                        if (cf.path("field_id").asLong() != fieldId) {
                            continue;
                        }
                        for (JsonNode v : cf.path("values")) {
                            JsonNode value = v.path("value");
                            boolean blank = value.isNull() || value.isMissingNode() || (value.isBoolean()
                                    && !value.asBoolean()) || value.asString("").isBlank();
                            if (!blank) {
                                return false; // a checkbox left false counts as missing, as check_missing_fields
                            }
                        }
                    }
                    return true;
                });
    }

    /** Leads, contacts or companies that hold a value of the field (one of {@code optionIds} when given). */
    public Count withValue(Caller caller, EntityType entity, long fieldId, Set<Long> optionIds) {
        return count(caller, entity.path(), Query::of, entity.path(), e -> {
            for (JsonNode cf : e.path("custom_fields_values")) {
                if (cf.path("field_id").asLong() != fieldId) {
                    continue;
                }
                if (optionIds == null) {
                    return true;
                }
                for (JsonNode v : cf.path("values")) {
                    if (optionIds.contains(v.path("enum_id").asLong())) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    private Count count(Caller caller, String resource, Supplier<Query> filter, String key,
            Predicate<JsonNode> matches) {
        long n = 0;
        for (int page = 1; page <= maxPages; page++) {
            Optional<JsonNode> doc = gateway.client(caller).get(resource, filter.get().add("page", page)
                    .add("limit", KommoCrm.MAX_PAGE_SIZE));
            if (doc.isEmpty()) {
                return new Count(n, false);
            }
            for (JsonNode e : doc.get().path("_embedded").path(key)) {
                if (matches.test(e)) {
                    n++;
                }
            }
            if (!WireValues.hasNext(doc.get())) {
                return new Count(n, false);
            }
        }
        return new Count(n, true);
    }
}
