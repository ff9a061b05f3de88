package io.kommomcp.analytics;

import java.util.Locale;

/**
 * Which leads a figure counts: by their current pipeline, current responsible user and current tags (a tag name,
 * ignoring case). Null fields do not filter.
 */
public record LeadFilter(Long pipelineId, Long responsibleUserId, String tag) {

    public static final LeadFilter ALL = new LeadFilter(null, null, null);

    public LeadFilter {
        tag = tag == null || tag.isBlank() ? null : tag.strip().toLowerCase(Locale.ROOT);
    }

    public boolean all() {
        return pipelineId == null && responsibleUserId == null && tag == null;
    }

    /** Whether the filter restricts the leads beyond what Kommo's own list filters can (the tag). */
    public boolean byTag() {
        return tag != null;
    }
}
