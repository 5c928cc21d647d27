package dev.peregrine.exporter.pt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code torch.nn.Module} of a checkpoint, read from its pickled {@code __dict__}: the class it was pickled as,
 * its plain attributes, its child modules, parameters and buffers. Nothing of the Python class runs; consumers decide
 * what a module means from {@link #simpleName()} and its attributes and tensors.
 *
 * <p>A module object that several parents share (Ultralytics' default activation is one {@code SiLU} instance used
 * by every {@code Conv}) appears as one node per position, so that {@link #path()} is always the torch name of that
 * position; the nodes share their tensors. Immutable.
 *
 * <p>Accessors that look something up throw {@link CheckpointStructureException} naming the path when it is absent
 * or of another type.
 */
public final class ModuleNode {
    private final String className;
    private final String path;
    private final Map<String, Object> attributes;
    private final Map<String, ModuleNode> children;
    private final Map<String, TorchTensor> parameters;
    private final Map<String, TorchTensor> buffers;

    ModuleNode(String className, String path, Map<String, Object> attributes, Map<String, ModuleNode> children,
            Map<String, TorchTensor> parameters, Map<String, TorchTensor> buffers) {
        this.className = className;
        this.path = path;
        this.attributes = Collections.unmodifiableMap(attributes);
        this.children = Collections.unmodifiableMap(children);
        this.parameters = Collections.unmodifiableMap(parameters);
        this.buffers = Collections.unmodifiableMap(buffers);
    }

    /** The full pickled class, e.g. {@code ultralytics.nn.modules.conv.Conv} (older files: {@code ultralytics.nn.modules.Conv}). */
    public String className() {
        return className;
    }

    /** The class name without its module ({@code Conv}); stable across Ultralytics' module moves. */
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /**
     * The torch name of this module inside the selected model, as in {@code named_modules()}:
     * {@code model.22.cv2.0.1}; the empty string for the model itself.
     */
    public String path() {
        return path;
    }

    /**
     * The {@code __dict__} entries other than {@code _modules}, {@code _parameters}, {@code _buffers} and the hook
     * dictionaries, in pickle order. Values: {@code Long}, {@code Double}, {@code Boolean}, {@code String},
     * {@code null}, {@code byte[]}, {@code List<Object>} (list, tuple, set, {@code torch.Size}),
     * {@code Map<Object,Object>} (dict, OrderedDict), {@link TorchTensor}, {@link ModuleNode}, {@link PickledObject}.
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Child modules in registration order ({@code None} children skipped). */
    public Map<String, ModuleNode> children() {
        return children;
    }

    /** Parameters in registration order ({@code None} entries such as a missing conv bias skipped). */
    public Map<String, TorchTensor> parameters() {
        return parameters;
    }

    /** Buffers in registration order ({@code None} entries skipped). */
    public Map<String, TorchTensor> buffers() {
        return buffers;
    }

    /** Whether a child module of that name exists. */
    public boolean hasChild(String name) {
        return children.containsKey(name);
    }

    /** The child module {@code name}. */
    public ModuleNode child(String name) {
        ModuleNode c = children.get(name);
        if (c == null) {
            throw missing("child module", name, children.keySet());
        }
        return c;
    }

    /** Whether a parameter of that name exists (and is not {@code None}). */
    public boolean hasParam(String name) {
        return parameters.containsKey(name);
    }

    /** The parameter {@code name} (e.g. {@code weight}). */
    public TorchTensor param(String name) {
        TorchTensor t = parameters.get(name);
        if (t == null) {
            throw missing("parameter", name, parameters.keySet());
        }
        return t;
    }

    /** Whether a buffer of that name exists (and is not {@code None}). */
    public boolean hasBuffer(String name) {
        return buffers.containsKey(name);
    }

    /** The buffer {@code name} (e.g. {@code running_mean}). */
    public TorchTensor buffer(String name) {
        TorchTensor t = buffers.get(name);
        if (t == null) {
            throw missing("buffer", name, buffers.keySet());
        }
        return t;
    }

    /** Whether the attribute exists (its value may be {@code null} for Python {@code None}). */
    public boolean hasAttr(String name) {
        return attributes.containsKey(name);
    }

    /** The attribute value ({@code null} for {@code None}). */
    public Object attr(String name) {
        if (!attributes.containsKey(name)) {
            throw missing("attribute", name, attributes.keySet());
        }
        return attributes.get(name);
    }

    /** An integer attribute (Python {@code int}; {@code bool} is refused). */
    public long intAttr(String name) {
        Object v = attr(name);
        if (v instanceof Long) {
            return (Long) v;
        }
        throw wrongType(name, "an int", v);
    }

    /** A number attribute (Python {@code float} or {@code int}). */
    public double doubleAttr(String name) {
        Object v = attr(name);
        if (v instanceof Double || v instanceof Long) {
            return ((Number) v).doubleValue();
        }
        throw wrongType(name, "a number", v);
    }

    /** A boolean attribute. */
    public boolean boolAttr(String name) {
        Object v = attr(name);
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw wrongType(name, "a bool", v);
    }

    /** A string attribute. */
    public String stringAttr(String name) {
        Object v = attr(name);
        if (v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a str", v);
    }

    /** A tensor attribute (e.g. {@code stride} of a model or Detect head). */
    public TorchTensor tensorAttr(String name) {
        Object v = attr(name);
        if (v instanceof TorchTensor) {
            return (TorchTensor) v;
        }
        throw wrongType(name, "a tensor", v);
    }

    /** A list attribute (list, tuple, set or {@code torch.Size}). */
    @SuppressWarnings("unchecked")
    public List<Object> listAttr(String name) {
        Object v = attr(name);
        if (v instanceof List) {
            return (List<Object>) v;
        }
        throw wrongType(name, "a list or tuple", v);
    }

    /** A dict attribute. */
    @SuppressWarnings("unchecked")
    public Map<Object, Object> mapAttr(String name) {
        Object v = attr(name);
        if (v instanceof Map) {
            return (Map<Object, Object>) v;
        }
        throw wrongType(name, "a dict", v);
    }

    /** This module and all modules below it, depth first in registration order (as {@code named_modules()}). */
    public List<ModuleNode> walk() {
        List<ModuleNode> out = new ArrayList<>();
        collect(this, out);
        return out;
    }

    private static void collect(ModuleNode n, List<ModuleNode> out) {
        out.add(n);
        for (ModuleNode c : n.children.values()) {
            collect(c, out);
        }
    }

    /**
     * The number of parameter elements below and including this module, each tensor counted once (as
     * {@code sum(p.numel() for p in module.parameters())}).
     */
    public long parameterCount() {
        Set<TorchTensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long n = 0;
        for (ModuleNode m : walk()) {
            for (TorchTensor t : m.parameters.values()) {
                if (seen.add(t)) {
                    n += t.numel();
                }
            }
        }
        return n;
    }

    private String where() {
        return path.isEmpty() ? "model (" + simpleName() + ")" : "module " + path + " (" + simpleName() + ")";
    }

    private CheckpointStructureException missing(String what, String name, Set<String> present) {
        return new CheckpointStructureException(where() + " has no " + what + " '" + name + "' (has: "
                + (present.isEmpty() ? "none" : String.join(", ", present)) + ")");
    }

    private CheckpointStructureException wrongType(String name, String expected, Object v) {
        return new CheckpointStructureException(where() + " attribute '" + name + "' is " + Values.describe(v)
                + ", expected " + expected);
    }

    @Override
    public String toString() {
        return "ModuleNode[" + (path.isEmpty() ? "<model>" : path) + " " + className + "]";
    }
}
