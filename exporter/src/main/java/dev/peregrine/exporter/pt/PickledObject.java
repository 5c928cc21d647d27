package dev.peregrine.exporter.pt;

import java.util.List;
import java.util.Map;

/**
 * An allow-listed Python object that is not a {@code torch.nn.Module}: its class name, the arguments it was
 * constructed with (REDUCE/NEWOBJ) and its {@code __dict__} state (BUILD). Nothing of the class is executed; this is
 * an attribute bag. Examples: torchvision transforms, {@code IterableSimpleNamespace} (train args of an un-stripped
 * checkpoint), enum members such as {@code InterpolationMode.BILINEAR} (args {@code ["BILINEAR"]}), and references to
 * an allowed class itself (no args, no state).
 */
public final class PickledObject {
    private final String className;
    private final Map<String, Object> state;
    private final List<Object> args;

    PickledObject(String className, Map<String, Object> state, List<Object> args) {
        this.className = className;
        this.state = state;
        this.args = args;
    }

    /** The full pickled global, e.g. {@code torchvision.transforms.transforms.Resize}. */
    public String className() {
        return className;
    }

    /** The class name without its module, e.g. {@code Resize}. */
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** The {@code __dict__} entries set by BUILD, in pickle order (unmodifiable; values converted). */
    public Map<String, Object> state() {
        return state;
    }

    /** The constructor arguments (unmodifiable; values converted). */
    public List<Object> args() {
        return args;
    }

    @Override
    public String toString() {
        return "PickledObject[" + className + (args.isEmpty() ? "" : " args=" + args) + (state.isEmpty() ? "" : " state=" + state.keySet()) + "]";
    }
}
