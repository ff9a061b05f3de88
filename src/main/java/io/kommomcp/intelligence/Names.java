package io.kommomcp.intelligence;

/** Names for the ids a lead's history holds, from the account's schema. */
public interface Names {

    /** The user's name, or null when the account does not list that user (deleted, or beyond the first 250). */
    String user(long id);

    /** The stage's name, or null when the pipeline or the stage is unknown. */
    String stage(long pipelineId, long stageId);

    /** The pipeline's name, or null. */
    String pipeline(long pipelineId);

    /** The lead custom field's name, or null. */
    String field(long fieldId);

    /** "Qualification (Sales pipeline)", or the ids when the schema does not know them. */
    default String stageLabel(Long pipelineId, Long stageId) {
        if (stageId == null) {
            return null;
        }
        String stage = pipelineId == null ? null : stage(pipelineId, stageId);
        String pipeline = pipelineId == null ? null : pipeline(pipelineId);
        return (stage == null ? "stage " + stageId : stage) + " (" + (pipeline == null ? "pipeline " + pipelineId
                : pipeline) + ")";
    }

    /**
     * Who a user id is in words: the name; "Kommo (robot or integration)" for 0, which Kommo writes for changes
     * made by no user; "user N (not among the account's users)" for an id the account does not list.
     */
    default String userLabel(Long id) {
        if (id == null) {
            return null;
        }
        if (id == 0) {
            return "Kommo (robot or integration)";
        }
        String name = user(id);
        return name != null ? name : "user " + id + " (not among the account's users)";
    }
}
