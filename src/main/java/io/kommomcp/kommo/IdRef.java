package io.kommomcp.kommo;

/**
 * An id a write needs: known already, or the id of an object an earlier write of the same change creates (the
 * contact created by write 0, linked by write 1). Plans show the latter as a reference; the writer resolves it.
 */
public record IdRef(Long id, int write, int index) {

    public static IdRef of(long id) {
        return new IdRef(id, -1, -1);
    }

    /** The {@code index}-th object created by the change's write number {@code write}. */
    public static IdRef created(int write, int index) {
        return new IdRef(null, write, index);
    }

    boolean known() {
        return id != null;
    }

    /** This reference with its id, as {@code ids} gives it. */
    IdRef resolve(java.util.function.Function<IdRef, Object> ids) {
        return known() ? this : of(((Number) ids.apply(this)).longValue());
    }

    @Override
    public String toString() {
        return known() ? String.valueOf(id) : "{id created by step " + (write + 1) + "}";
    }
}
