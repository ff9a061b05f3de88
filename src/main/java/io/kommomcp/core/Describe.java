package io.kommomcp.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a record component for the generated JSON schema: the text a model reads, whether it is required, and
 * numeric bounds (checked by the registry before the tool runs). Leave the text out when the name and the schema say
 * it all ({@code @Describe(required = true, min = 1) Long leadId}): every text is paid for on every turn.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Describe {

    /** The text a model reads; empty (the default): no description in the schema. */
    String value() default "";

    boolean required() default false;

    long min() default Long.MIN_VALUE;

    long max() default Long.MAX_VALUE;
}
