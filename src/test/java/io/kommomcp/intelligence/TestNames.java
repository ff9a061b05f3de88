package io.kommomcp.intelligence;

import java.util.Map;

/** Names for the tests: Boris (7) and Clara (8); one pipeline, 100 "Sales", stages 11 to 14; a field 55 "Seats". */
final class TestNames implements Names {

    static final Map<Long, String> USERS = Map.of(7L, "Boris Sales", 8L, "Clara Sales");
    static final Map<Long, String> STAGES = Map.of(11L, "Initial contact", 12L, "Qualification", 13L, "Proposal",
            14L, "Negotiation", 142L, "Closed - won", 143L, "Closed - lost");

    @Override
    public String user(long id) {
        return USERS.get(id);
    }

    @Override
    public String stage(long pipelineId, long stageId) {
        return pipelineId == 100 ? STAGES.get(stageId) : null;
    }

    @Override
    public String pipeline(long pipelineId) {
        return pipelineId == 100 ? "Sales" : null;
    }

    @Override
    public String field(long fieldId) {
        return fieldId == 55 ? "Seats" : null;
    }
}
