package io.kommomcp.tools.common;

import java.text.Normalizer;
import java.util.Locale;

/** How tools compare names that people type: without case, accents or surrounding blanks. */
public final class Names {

    private Names() {
    }

    /** Case- and accent-insensitive form ("Négociation " and "negociation" fold alike). */
    public static String fold(String s) {
        return s == null ? "" : Normalizer.normalize(s.strip(), Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT);
    }
}
