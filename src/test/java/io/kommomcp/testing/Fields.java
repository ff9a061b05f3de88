package io.kommomcp.testing;

import java.lang.reflect.Field;

/** Sets an injected field of a bean built by hand in a test (what the container would inject). */
public final class Fields {

    private Fields() {
    }

    public static <T> T set(T bean, String name, Object value) {
        try {
            Field f = bean.getClass().getDeclaredField(name);
            f.setAccessible(true);
            f.set(bean, value);
            return bean;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no field " + name + " in " + bean.getClass(), e);
        }
    }
}
