package dev.peregrine.exporter.pt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;

/**
 * Thrown by the {@link ModuleNode} accessors when a module lacks the child, tensor or attribute a caller asked for,
 * or holds it with another type. Unchecked so that graph-building code stays readable; the message names the module
 * path and what is there instead. {@link #toPeregrineException()} turns it into the checked error the CLI shows.
 */
public final class CheckpointStructureException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the module path. */
    public CheckpointStructureException(String message) {
        super(message);
    }

    /** The same failure as an {@link ErrorCode#UNSUPPORTED} {@link PeregrineException}. */
    public PeregrineException toPeregrineException() {
        return new PeregrineException(ErrorCode.UNSUPPORTED, getMessage(), this);
    }
}
