package io.kommomcp.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.keyword.UnknownKeywordFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The YAML documents of {@code deploy/} and the Kubernetes JSON schemas they are checked against, offline: the schemas
 * are test resources (kubernetes-schemas/README.md), and their {@code https://kubernetes.io/api/} ids resolve to them.
 */
final class Manifests {

    /** The Kubernetes version the manifests are validated for (strict schemas: unknown fields are errors). */
    static final String SCHEMA_DIR = "kubernetes-schemas/v1.32.0-local-strict/";

    static final Path DEPLOY = Path.of("deploy");

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /**
     * JSON Schema 2020-12, where Kubernetes' own x-kubernetes-* keywords (list types, patch strategies) only describe
     * and never validate, and where https://kubernetes.io/api/... is read from the vendored files.
     */
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(
            Dialect.builder(Dialects.getDraft202012())
                    .unknownKeywordFactory((keyword, context) -> keyword.startsWith("x-kubernetes-")
                            ? new NonValidationKeyword(keyword)
                            : UnknownKeywordFactory.getInstance().getKeyword(keyword, context))
                    .build(),
            b -> b.schemaIdResolvers(ids -> ids.mapPrefix("https://kubernetes.io/api/", "classpath:" + SCHEMA_DIR)));

    private static final Map<String, Schema> BY_FILE = new ConcurrentHashMap<>();

    /** One YAML document of a file. */
    record Manifest(Path file, int index, JsonNode node) {

        String kind() {
            return node.path("kind").asString("");
        }

        String name() {
            return node.path("metadata").path("name").asString("");
        }

        @Override
        public String toString() {
            return file + "#" + index + " (" + kind() + " " + name() + ")";
        }
    }

    private Manifests() {
    }

    /** Every YAML file under deploy/, in a stable order. */
    static List<Path> files() {
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document of every YAML file under deploy/. */
    static List<Manifest> all() {
        List<Manifest> out = new ArrayList<>();
        for (Path file : files()) {
            try {
                out.addAll(parse(file, Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The documents of one YAML text (several, separated by "---"). */
    static List<Manifest> parse(Path file, String yaml) {
        List<Manifest> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    out.add(new Manifest(file, index, doc));
                }
                index++;
            }
        }
        return out;
    }

    /** The only document of {@code kind} named {@code name}, among {@code manifests}. */
    static JsonNode one(List<Manifest> manifests, String kind, String name) {
        List<JsonNode> found = manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .map(Manifest::node)
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " " + name + " in deploy/, found "
                    + found.size());
        }
        return found.get(0);
    }

    /**
     * The schema file of a Kubernetes object, named as kubernetes-validate names them: kind, the first part of the API
     * group (none for the core group) and the version, e.g. {@code deployment-apps-v1.json}.
     */
    static String schemaFile(JsonNode object) {
        String apiVersion = object.path("apiVersion").asString("");
        String kind = object.path("kind").asString("");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String groupPart = group.isEmpty() ? "" : "-" + group.split("\\.")[0];
        return kind.toLowerCase(Locale.ROOT) + groupPart + "-" + version + ".json";
    }

    /** What is wrong with a Kubernetes object against its API schema; empty when it is valid. */
    static List<String> schemaProblems(JsonNode object) {
        return schemaProblems(object, schemaFile(object));
    }

    /** What is wrong with an object against the schema in {@code file}. */
    static List<String> schemaProblems(JsonNode object, String file) {
        Schema schema = BY_FILE.computeIfAbsent(file, Manifests::load);
        if (schema == null) {
            return List.of("no schema vendored for " + object.path("apiVersion").asString("?") + " "
                    + object.path("kind").asString("?") + " (" + file + "): add it to"
                    + " scripts/vendor-kubernetes-schemas");
        }
        return schema.validate(object).stream()
                .map(e -> (e.getInstanceLocation().toString().isEmpty() ? "/" : e.getInstanceLocation().toString())
                        + ": " + e.getMessage())
                .toList();
    }

    private static Schema load(String file) {
        try (InputStream in = Manifests.class.getClassLoader().getResourceAsStream(SCHEMA_DIR + file)) {
            return in == null ? null : SCHEMAS.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
