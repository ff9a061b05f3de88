package io.kommomcp.testing;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.KommoRequest;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.Written;
import tools.jackson.databind.JsonNode;

/** A Kommo write for tests of the layers above Kommo: a note added (text) or removed (no text). */
public record NoteWrite(long leadId, String text) implements KommoWrite {

    @Override
    public List<KommoRequest> requests(Function<IdRef, Object> ids) {
        return List.of(text == null ? new KommoRequest("DELETE", "leads/" + leadId + "/notes/1", null)
                : new KommoRequest("POST", "leads/" + leadId + "/notes", List.of(Map.of("text", text))));
    }

    @Override
    public Result result(List<JsonNode> answers) {
        return new Result(List.of(77L), List.of(new Written("note", "77", null, Map.of("text", String.valueOf(
                text)))));
    }
}
