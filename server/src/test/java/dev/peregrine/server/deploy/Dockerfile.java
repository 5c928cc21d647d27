package dev.peregrine.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a Dockerfile, read the way BuildKit reads them for the subset our Dockerfiles use: comments and
 * parser directives skipped, backslash continuations joined (comment lines inside a continuation dropped),
 * {@code --flag=value} options split off, exec-form arguments read as JSON arrays, and {@code ${VAR}} / {@code $VAR}
 * expanded from {@code ARG} defaults. No Java library parses Dockerfiles, and this subset is small enough to read
 * here; heredocs and escape directives are not supported (none of our files use them).
 */
final class Dockerfile {
    private static final Pattern FLAG = Pattern.compile("--([a-z-]+)(?:=(\\S*))?");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One instruction.
     *
     * @param keyword upper-case keyword ({@code FROM}, {@code COPY}, ...)
     * @param flags   leading {@code --name=value} options ({@code --from}, {@code --chown}, {@code --platform}...)
     * @param args    the rest of the line, continuations joined
     * @param stage   index of the build stage it belongs to (-1 before the first FROM)
     * @param line    1-based line of the keyword, for messages
     */
    record Instruction(String keyword, Map<String, String> flags, String args, int stage, int line) {
        /** True when the arguments are a JSON array (exec form). */
        boolean isExecForm() {
            return args.startsWith("[");
        }

        /** The exec-form arguments; fails when the instruction is in shell form. */
        List<String> execForm() {
            if (!isExecForm()) {
                throw new IllegalStateException(keyword + " on line " + line + " is not in exec form: " + args);
            }
            try {
                return JSON.readValue(args, new TypeReference<List<String>>() { });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(keyword + " on line " + line + " is not a JSON array: " + args, e);
            }
        }

        /** Whitespace-separated words of the arguments (shell form; quotes are not interpreted). */
        List<String> words() {
            return List.of(args.trim().split("\\s+"));
        }
    }

    /**
     * One {@code COPY}.
     *
     * @param from    the {@code --from} stage or image, or empty for the build context
     * @param sources source paths as written
     * @param dest    destination path
     * @param stage   the stage the COPY belongs to
     * @param line    1-based line
     */
    record Copy(Optional<String> from, List<String> sources, String dest, int stage, int line) {
    }

    /**
     * One build stage.
     *
     * @param image the base image (ARG references expanded with their defaults)
     * @param name  the {@code AS} name, or empty
     */
    record Stage(String image, Optional<String> name) {
    }

    private final Path file;
    private final List<Instruction> instructions;
    private final Map<String, String> argDefaults;

    private Dockerfile(Path file, List<Instruction> instructions, Map<String, String> argDefaults) {
        this.file = file;
        this.instructions = instructions;
        this.argDefaults = argDefaults;
    }

    /** Reads {@code file}. */
    static Dockerfile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Instruction> out = new ArrayList<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        int stage = -1;
        for (int i = 0; i < lines.size(); i++) {
            String first = lines.get(i).strip();
            if (first.isEmpty() || first.startsWith("#")) {
                continue;
            }
            int startLine = i + 1;
            StringBuilder joined = new StringBuilder();
            String current = first;
            while (current.endsWith("\\")) {
                joined.append(current, 0, current.length() - 1).append(' ');
                // Comment lines inside a continuation are removed by the Dockerfile parser, not ended on.
                do {
                    i++;
                    current = i < lines.size() ? lines.get(i).strip() : "";
                } while (current.startsWith("#") && i < lines.size() - 1);
            }
            joined.append(current);
            String text = joined.toString().strip();
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String rest = space < 0 ? "" : text.substring(space + 1).strip();
            Map<String, String> flags = new LinkedHashMap<>();
            Matcher m = FLAG.matcher(rest);
            while (m.lookingAt()) {
                flags.put(m.group(1), m.group(2) == null ? "" : m.group(2));
                rest = rest.substring(m.end()).strip();
                m = FLAG.matcher(rest);
            }
            if (keyword.equals("FROM")) {
                stage++;
            }
            int eq = rest.indexOf('=');
            if (keyword.equals("ARG") && eq > 0) {
                // The first default wins: a stage's bare "ARG NAME" re-declares a global ARG and keeps its default.
                defaults.putIfAbsent(rest.substring(0, eq).strip(), unquote(rest.substring(eq + 1)));
            }
            out.add(new Instruction(keyword, Map.copyOf(flags), rest, stage, startLine));
        }
        return new Dockerfile(file, List.copyOf(out), Map.copyOf(defaults));
    }

    /** The file this was read from. */
    Path file() {
        return file;
    }

    /** Every instruction, in order. */
    List<Instruction> instructions() {
        return instructions;
    }

    /** Instructions with {@code keyword}. */
    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The last instruction with {@code keyword} (the one that takes effect), if any. */
    Optional<Instruction> last(String keyword) {
        List<Instruction> found = all(keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The build stages, in order. */
    List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        for (Instruction from : all("FROM")) {
            List<String> w = from.words();
            Optional<String> name = w.size() >= 3 && w.get(1).equalsIgnoreCase("AS")
                    ? Optional.of(w.get(2)) : Optional.empty();
            stages.add(new Stage(expand(w.get(0)), name));
        }
        return stages;
    }

    /** The index of the final stage (the image that is built). */
    int finalStage() {
        return stages().size() - 1;
    }

    /** Every COPY, with {@code ARG} references expanded. */
    List<Copy> copies() {
        List<Copy> copies = new ArrayList<>();
        for (Instruction c : all("COPY")) {
            List<String> parts = c.isExecForm() ? c.execForm() : c.words();
            List<String> expanded = parts.stream().map(this::expand).toList();
            copies.add(new Copy(Optional.ofNullable(c.flags().get("from")), expanded.subList(0, expanded.size() - 1),
                    expanded.get(expanded.size() - 1), c.stage(), c.line()));
        }
        return copies;
    }

    /** The default of {@code ARG name}, or empty when the file declares no such ARG. */
    Optional<String> argDefault(String name) {
        return Optional.ofNullable(argDefaults.get(name));
    }

    /**
     * Expands {@code ${NAME}} and {@code $NAME} with the ARG defaults; BuildKit's automatic platform ARGs
     * ({@code BUILDPLATFORM}, {@code TARGETARCH}...) and unknown names are left as written.
     */
    String expand(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = argDefaults.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String unquote(String value) {
        String v = value.strip();
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
