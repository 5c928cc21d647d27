package dev.peregrine.engines;

/**
 * Checked failure of a Peregrine library call. The message names what was wrong (file, layer, option, value)
 * so that it can be shown to a user as is.
 */
public class PeregrineException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public PeregrineException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public PeregrineException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What kind of failure this is. */
    public ErrorCode code() {
        return code;
    }

    public static PeregrineException badInput(String message) {
        return new PeregrineException(ErrorCode.BAD_INPUT, message);
    }

    public static PeregrineException unsupported(String message) {
        return new PeregrineException(ErrorCode.UNSUPPORTED, message);
    }

    public static PeregrineException notFound(String message) {
        return new PeregrineException(ErrorCode.NOT_FOUND, message);
    }
}
