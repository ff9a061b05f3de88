package io.kommomcp.tools.pipelines;

import java.util.List;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolSet;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@ToolSet
@ApplicationScoped
public class PipelineTools {

    @Inject
    KommoMetadata metadata;

    public record StageView(long id, String name, long sort, String kind, String color) {
    }

    public record PipelineView(long id, String name, boolean mainPipeline, boolean archived, List<StageView> stages) {
    }

    public record PipelineList(List<PipelineView> pipelines) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder();
            for (PipelineView p : pipelines) {
                sb.append("Pipeline ").append(p.id()).append(" \"").append(p.name()).append('"')
                        .append(p.mainPipeline() ? " (main)" : "").append(p.archived() ? " (archived)" : "")
                        .append(":\n");
                p.stages().forEach(s -> sb.append("  - ").append(s.id()).append(" ").append(s.name())
                        .append(" [").append(s.kind()).append("]\n"));
            }
            return sb.isEmpty() ? "No pipelines." : sb.toString().stripTrailing();
        }
    }

    @Tool(name = "pipelines_list", title = "List pipelines and stages", role = Roles.READER, readOnly = true,
            description = "The sales pipelines with their stages in order, each unsorted (incoming leads), open, won"
                    + " (142) or lost (143).")
    public PipelineList list(Caller caller) {
        // an explicit listing reads Kommo and refreshes the tenant's cache
        return new PipelineList(metadata.freshPipelines(caller).stream().map(PipelineTools::view).toList());
    }

    static PipelineView view(Pipeline p) {
        return new PipelineView(p.id(), p.name(), p.isMain(), Boolean.TRUE.equals(p.isArchive()),
                p.stages().stream().map(s -> new StageView(s.id(), s.name(), s.sort() == null ? 0 : s.sort(),
                        kind(s), s.color())).toList());
    }

    public static String kind(Pipeline.Stage s) {
        if (s.id() == Pipeline.Stage.WON) {
            return "won";
        }
        if (s.id() == Pipeline.Stage.LOST) {
            return "lost";
        }
        return s.type() == 1 ? "unsorted" : "open";
    }
}
