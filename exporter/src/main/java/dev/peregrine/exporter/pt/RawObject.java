package dev.peregrine.exporter.pt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An instance of an allow-listed class while the pickle is being read: the class, the constructor arguments and the
 * {@code __dict__} that BUILD opcodes merge into it. Converted into a {@link ModuleNode} or {@link PickledObject}
 * afterwards.
 */
final class RawObject {
    private final PickleGlobal global;
    private final List<Object> args;
    private final Map<String, Object> state = new LinkedHashMap<>();

    RawObject(PickleGlobal global, List<Object> args) {
        this.global = global;
        this.args = args;
    }

    PickleGlobal global() {
        return global;
    }

    List<Object> args() {
        return args;
    }

    Map<String, Object> state() {
        return state;
    }

    /** True when the state looks like an {@code nn.Module} {@code __dict__}. */
    boolean isModule() {
        return state.containsKey("_modules") || state.containsKey("_parameters") || state.containsKey("_buffers");
    }
}
