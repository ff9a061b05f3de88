package io.kommomcp.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The image is built on an Open Liberty release named by its version, and one that carries the fixes for
 * CVE-2026-14981, -15064, -15325 and -15328 (26.0.0.9; 17.0.0.3 to 26.0.0.8 are affected).
 */
class DockerfileTest {

    static final String IMAGE = "icr.io/appcafe/open-liberty";
    static final int[] PATCHED = {26, 0, 0, 9};

    /** The official image's tags: {@code <version>-<kernel-slim|full>-<java>-<openj9|ibmjava>-<ubi|ubi-minimal>}. */
    private static final Pattern TAG = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)-[a-z0-9-]+");

    @Test
    void theBaseImageIsAPatchedOpenLibertyRelease() throws IOException {
        List<String> from = fromLines(Files.readString(Path.of("Dockerfile")));
        assertEquals(1, from.size(), "one FROM: " + from);
        assertNull(baseImageProblem(from.get(0)), from.get(0));
        assertTrue(from.get(0).endsWith("-kernel-slim-java17-openj9-ubi-minimal"),
                "the kernel-slim Java 17 image on UBI minimal, as before: " + from.get(0));
    }

    @Test
    void floatingOrOlderBaseImagesAreRejected() {
        assertNull(baseImageProblem(IMAGE + ":26.0.0.9-kernel-slim-java17-openj9-ubi-minimal"));
        assertNull(baseImageProblem(IMAGE + ":26.0.0.12-kernel-slim-java17-openj9-ubi-minimal"));
        assertNull(baseImageProblem(IMAGE + ":27.0.0.1-full-java21-openj9-ubi-minimal AS runtime"));

        assertNotNull(baseImageProblem(IMAGE + ":kernel-slim-java17-openj9-ubi-minimal"), "no version");
        assertNotNull(baseImageProblem(IMAGE + ":latest"), "latest");
        assertNotNull(baseImageProblem(IMAGE), "no tag");
        assertNotNull(baseImageProblem(IMAGE + ":26.0.0.8-kernel-slim-java17-openj9-ubi-minimal"), "26.0.0.8");
        assertNotNull(baseImageProblem(IMAGE + ":26.0.0.3-kernel-slim-java17-openj9-ubi-minimal"), "26.0.0.3");
        assertNotNull(baseImageProblem(IMAGE + ":25.0.0.12-kernel-slim-java17-openj9-ubi-minimal"), "25.0.0.12");
        assertNotNull(baseImageProblem("openliberty/open-liberty:26.0.0.9-kernel-slim-java17-openj9-ubi"),
                "another registry");
    }

    /** The image references of the Dockerfile's FROM instructions, with any "AS name". */
    static List<String> fromLines(String dockerfile) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?im)^\\s*FROM\\s+(?:--platform=\\S+\\s+)?(.+?)\\s*$").matcher(dockerfile);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Null when {@code from} is the official Open Liberty image at an explicit version of at least 26.0.0.9. */
    static String baseImageProblem(String from) {
        String image = from.split("\\s+")[0];
        if (!image.startsWith(IMAGE + ":")) {
            return image + " is not " + IMAGE + " with a tag";
        }
        Matcher tag = TAG.matcher(image.substring(IMAGE.length() + 1));
        if (!tag.matches()) {
            return image + " names no Open Liberty version: pin one, e.g. "
                    + "26.0.0.9-kernel-slim-java17-openj9-ubi-minimal";
        }
        for (int i = 0; i < PATCHED.length; i++) {
            int part = Integer.parseInt(tag.group(i + 1));
            if (part != PATCHED[i]) {
                return part > PATCHED[i] ? null
                        : image + " is older than 26.0.0.9, which fixes CVE-2026-14981, -15064, -15325 and -15328";
            }
        }
        return null;
    }
}
