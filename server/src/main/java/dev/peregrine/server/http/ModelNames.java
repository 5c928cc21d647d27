package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import java.util.regex.Pattern;

/**
 * The rule for model names in URLs and on the command line: 1 to 64 characters from {@code [A-Za-z0-9._-]}.
 * Names are only ever used as registry keys, never as file paths, and the rule keeps them safe to echo in logs,
 * metric labels and JSON.
 */
public final class ModelNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private ModelNames() {
    }

    /** True when {@code name} follows the rule. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * Returns {@code name} when valid.
     *
     * @throws PeregrineException BAD_INPUT naming the rule
     */
    public static String require(String name) throws PeregrineException {
        if (!isValid(name)) {
            throw PeregrineException.badInput("invalid model name '" + abbreviate(name)
                    + "': use 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        return name;
    }

    /** Shortens untrusted text before it goes into a message. */
    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
