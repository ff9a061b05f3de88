package io.kommomcp.kommo;

/** What {@link KommoMetadata} caches per tenant, as a key: a kind, and for fields and groups the entity type. */
public record MetadataKey(Kind kind, EntityType entity) {

    public enum Kind {
        PIPELINES, FIELDS, FIELD_GROUPS, USERS, LOSS_REASONS, TASK_TYPES
    }

    public static final MetadataKey PIPELINES = new MetadataKey(Kind.PIPELINES, null);
    public static final MetadataKey USERS = new MetadataKey(Kind.USERS, null);
    public static final MetadataKey LOSS_REASONS = new MetadataKey(Kind.LOSS_REASONS, null);
    public static final MetadataKey TASK_TYPES = new MetadataKey(Kind.TASK_TYPES, null);

    public static MetadataKey fields(EntityType entity) {
        return new MetadataKey(Kind.FIELDS, entity);
    }

    public static MetadataKey fieldGroups(EntityType entity) {
        return new MetadataKey(Kind.FIELD_GROUPS, entity);
    }
}
