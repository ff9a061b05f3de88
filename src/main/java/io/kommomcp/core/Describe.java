package io.kommomcp.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a record component for the generated JSON schema: the text a model reads, whether it is required, and
 * numeric bounds (checked by the registry before the tool runs).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Describe {

    String value();

    boolean required() default false;

    long min() default Long.MIN_VALUE;

    long max() default Long.MAX_VALUE;
}
