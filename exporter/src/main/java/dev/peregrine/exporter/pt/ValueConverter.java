package dev.peregrine.exporter.pt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the unpickler's raw graph into the public value types: {@code Long}, {@code Double}, {@code Boolean},
 * {@code String}, {@code byte[]}, {@code null}, unmodifiable {@code List}s (list, tuple, set, {@code torch.Size}) and
 * {@code Map}s (dict, OrderedDict), {@link TorchTensor}, {@link ModuleNode} and {@link PickledObject}.
 *
 * <p>Containers are converted once per object (shared and self-referencing containers stay shared); modules are
 * built once per position so that every node knows its torch path, with a budget against pickles that share one
 * module from many places to blow the tree up, and a refusal of modules that contain themselves.
 */
final class ValueConverter {
    private final String label;
    private final PtLimits limits;
    private final Map<Object, Object> converted = new IdentityHashMap<>();
    private final Set<Object> modulesInProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private int moduleNodes;
    private int depth;

    ValueConverter(String label, PtLimits limits) {
        this.label = label;
        this.limits = limits;
    }

    /** Converts a value found at {@code path} (the torch path of the module it belongs to, or ""). */
    Object convert(Object raw, String path) throws PeregrineException {
        if (raw == null || raw instanceof String || raw instanceof Boolean || raw instanceof Long
                || raw instanceof Double || raw instanceof TorchTensor || raw instanceof byte[]) {
            return raw;
        }
        if (raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Float) {
            return ((Float) raw).doubleValue();
        }
        if (raw instanceof BigInteger) {
            BigInteger b = (BigInteger) raw;
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (raw instanceof RawObject && ((RawObject) raw).isModule()) {
            return module((RawObject) raw, path);
        }
        Object done = converted.get(raw);
        if (done != null) {
            return done;
        }
        enter(path);
        try {
            if (raw instanceof Map) {
                Map<Object, Object> out = new LinkedHashMap<>();
                Map<Object, Object> view = Collections.unmodifiableMap(out);
                converted.put(raw, view);
                for (Map.Entry<?, ?> e : ((Map<?, ?>) raw).entrySet()) {
                    out.put(convert(e.getKey(), path), convert(e.getValue(), path));
                }
                return view;
            }
            if (raw instanceof Object[] || raw instanceof Collection) {
                Collection<?> items = raw instanceof Object[] ? List.of() : (Collection<?>) raw;
                List<Object> out = new ArrayList<>();
                List<Object> view = Collections.unmodifiableList(out);
                converted.put(raw, view);
                if (raw instanceof Object[]) {
                    for (Object o : (Object[]) raw) {
                        out.add(convert(o, path));
                    }
                } else {
                    for (Object o : items) {
                        out.add(convert(o, path));
                    }
                }
                return view;
            }
            if (raw instanceof RawObject) {
                RawObject o = (RawObject) raw;
                Map<String, Object> state = new LinkedHashMap<>();
                List<Object> args = new ArrayList<>();
                PickledObject p = new PickledObject(o.global().qualifiedName(), Collections.unmodifiableMap(state),
                        Collections.unmodifiableList(args));
                converted.put(raw, p);
                for (Map.Entry<String, Object> e : o.state().entrySet()) {
                    state.put(e.getKey(), convert(e.getValue(), path));
                }
                for (Object a : o.args()) {
                    args.add(convert(a, path));
                }
                return p;
            }
            if (raw instanceof PickleGlobal) {
                PickledObject p = new PickledObject(((PickleGlobal) raw).qualifiedName(), Map.of(), List.of());
                converted.put(raw, p);
                return p;
            }
            if (raw instanceof TensorStorage) {
                throw error("holds a bare storage '" + ((TensorStorage) raw).key() + "' outside a tensor"
                        + where(path));
            }
            throw error("holds an unsupported value " + Values.describe(raw) + where(path));
        } finally {
            depth--;
        }
    }

    /** Builds the node of a module object at {@code path}. */
    ModuleNode module(RawObject raw, String path) throws PeregrineException {
        if (!modulesInProgress.add(raw)) {
            throw error("has a module that contains itself" + where(path));
        }
        if (++moduleNodes > limits.maxModuleNodes()) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, label + " expands to more than "
                    + limits.maxModuleNodes() + " module nodes (shared modules repeated); refusing to build it");
        }
        enter(path);
        try {
            Map<String, Object> attributes = new LinkedHashMap<>();
            Map<String, ModuleNode> children = new LinkedHashMap<>();
            Map<String, TorchTensor> parameters = new LinkedHashMap<>();
            Map<String, TorchTensor> buffers = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : raw.state().entrySet()) {
                String key = e.getKey();
                Object value = e.getValue();
                switch (key) {
                    case "_modules":
                        for (Map.Entry<String, Object> c : entries(value, key, path).entrySet()) {
                            if (c.getValue() == null) {
                                continue;
                            }
                            if (!(c.getValue() instanceof RawObject) || !((RawObject) c.getValue()).isModule()) {
                                throw error("has child '" + c.getKey() + "' that is " + Values.describe(c.getValue())
                                        + ", not a module" + where(path));
                            }
                            children.put(c.getKey(), module((RawObject) c.getValue(), join(path, c.getKey())));
                        }
                        break;
                    case "_parameters":
                    case "_buffers":
                        Map<String, TorchTensor> target = key.equals("_parameters") ? parameters : buffers;
                        for (Map.Entry<String, Object> t : entries(value, key, path).entrySet()) {
                            if (t.getValue() == null) {
                                continue;
                            }
                            if (!(t.getValue() instanceof TorchTensor)) {
                                throw error("has " + key.substring(1, key.length() - 1) + " '" + t.getKey()
                                        + "' that is " + Values.describe(t.getValue()) + ", not a tensor"
                                        + where(path));
                            }
                            target.put(t.getKey(), (TorchTensor) t.getValue());
                        }
                        break;
                    default:
                        if (!isHookState(key)) {
                            attributes.put(key, convert(value, join(path, key)));
                        }
                }
            }
            return new ModuleNode(raw.global().qualifiedName(), path, attributes, children, parameters, buffers);
        } finally {
            depth--;
            modulesInProgress.remove(raw);
        }
    }

    /**
     * Hook registries ({@code _forward_hooks}, {@code _backward_pre_hooks}, {@code _forward_hooks_with_kwargs},
     * {@code _is_full_backward_hook}, ...): torch bookkeeping that says nothing about the network.
     */
    static boolean isHookState(String key) {
        return key.startsWith("_") && key.contains("hook");
    }

    private Map<String, Object> entries(Object value, String key, String path) throws PeregrineException {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw error("has " + key + " that is " + Values.describe(value) + ", not a dict" + where(path));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw error("has a " + key + " name that is " + Values.describe(e.getKey()) + where(path));
            }
            out.put((String) e.getKey(), e.getValue());
        }
        return out;
    }

    private void enter(String path) throws PeregrineException {
        if (++depth > limits.maxNesting()) {
            depth--;
            throw new PeregrineException(ErrorCode.TOO_LARGE, label + " nests objects deeper than "
                    + limits.maxNesting() + " levels" + where(path));
        }
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : " (at " + path + ")";
    }

    private PeregrineException error(String what) {
        return new PeregrineException(ErrorCode.BAD_INPUT, label + " " + what);
    }
}
