package dev.peregrine.exporter.pt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.pt.PickleGlobal.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Razorvine's unpickler with every opcode that can name or call code replaced, so that a checkpoint can only ever
 * produce data.
 *
 * <p>What razorvine does by itself, and why it is not used for those opcodes: GLOBAL / STACK_GLOBAL / INST look the
 * name up in a JVM-wide static constructor registry (mutable by any code through {@code registerConstructor}) and fall
 * back to a dictionary constructor for every unknown name, so a malicious global would be silently accepted; REDUCE /
 * NEWOBJ / OBJ call whatever constructor is on the stack; BUILD calls a {@code __setstate__} method found by
 * reflection on the target object; EMPTY_DICT / SETITEMS use {@code HashMap}s, losing the registration order of
 * modules; length-prefixed opcodes allocate the declared length before reading. Here: globals go through
 * {@link GlobalAllowList} (anything else is refused with its name), calls are interpreted from the global's kind (no
 * reflection, no Java class lookup), BUILD only merges a dict into an attribute bag, dicts and sets keep insertion
 * order, and every declared length is checked against the bytes that are left. The remaining opcodes (numbers,
 * strings, tuples, lists, memo, marks) are razorvine's.
 *
 * <p>Torch storages arrive as persistent ids {@code ('storage', <storage class>, key, location, numel)} and become
 * {@link TensorStorage}s whose bytes are attached later. One instance reads one pickle; not thread-safe.
 */
final class SafeUnpickler extends Unpickler {
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern ENUM_MEMBER = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final int MAX_LONG_TEXT = 64;
    private static final int MAX_LONG4_BYTES = 64;

    private final String label;
    private final Map<String, TensorStorage> storages = new LinkedHashMap<>();
    private final Set<String> globals = new TreeSet<>();
    private BoundedInput in;

    /** @param label how messages name the file, e.g. {@code checkpoint yolov8n.pt} */
    SafeUnpickler(String label) {
        this.label = label;
    }

    /** Unpickles {@code data.pkl}; the result holds {@link RawObject}s, maps, lists, tuples and tensors. */
    Object unpickle(byte[] pickle) throws PeregrineException {
        in = new BoundedInput(pickle);
        try {
            return load(in);
        } catch (Rejected r) {
            throw r.error;
        } catch (IOException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new PeregrineException(ErrorCode.BAD_INPUT, label + ": data.pkl is not a valid pickle (" + detail
                    + " near byte " + in.position() + " of " + pickle.length + ")", e);
        } finally {
            memo.clear();
            if (stack != null) {
                stack.clear();
            }
        }
    }

    /** Storages referenced by the pickle, by key, in first-reference order. */
    Map<String, TensorStorage> storages() {
        return Collections.unmodifiableMap(storages);
    }

    /** Every global the pickle named ({@code module.name} as written), allowed or not. */
    Set<String> globals() {
        return Collections.unmodifiableSet(globals);
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL: {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL: {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw corrupt("STACK_GLOBAL needs two strings, got " + Values.describe(module) + " and "
                            + Values.describe(name));
                }
                stack.add(global((String) module, (String) name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST: {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                PickleGlobal g = global(module, name);
                stack.add(call(g, stack.pop_all_since_marker().toArray()));
                return NO_RETURN_VALUE;
            }
            case Opcodes.OBJ: {
                List<Object> items = stack.pop_all_since_marker();
                if (items.isEmpty()) {
                    throw corrupt("OBJ without a class");
                }
                stack.add(call(items.get(0), items.subList(1, items.size()).toArray()));
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE:
            case Opcodes.NEWOBJ: {
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, tuple(args)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.NEWOBJ_EX: {
                Object kwargs = stack.pop();
                Object args = stack.pop();
                Object cls = stack.pop();
                if (!(kwargs instanceof Map) || !((Map<?, ?>) kwargs).isEmpty()) {
                    throw corrupt("NEWOBJ_EX with keyword arguments is not supported");
                }
                stack.add(call(cls, tuple(args)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD: {
                Object state = stack.pop();
                build(stack.peek(), state);
                return NO_RETURN_VALUE;
            }
            case Opcodes.EXT1:
            case Opcodes.EXT2:
            case Opcodes.EXT4:
                throw reject("uses the copyreg extension registry (EXT opcodes), which names globals indirectly");
            case Opcodes.PERSID:
                throw reject("uses a text persistent id, which torch.save never writes");
            case Opcodes.EMPTY_DICT:
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            case Opcodes.DICT: {
                Map<Object, Object> map = new LinkedHashMap<>();
                putPairs(map, stack.pop_all_since_marker());
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEM: {
                Object value = stack.pop();
                Object k = stack.pop();
                targetMap().put(hashable(k), value);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS: {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(targetMap(), items);
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_SET:
                stack.add(new LinkedHashSet<>());
                return NO_RETURN_VALUE;
            case Opcodes.ADDITEMS: {
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                if (!(target instanceof Set)) {
                    throw corrupt("ADDITEMS on " + Values.describe(target));
                }
                addAll(asSet(target), items);
                return NO_RETURN_VALUE;
            }
            case Opcodes.FROZENSET: {
                Set<Object> set = new LinkedHashSet<>();
                addAll(set, stack.pop_all_since_marker());
                stack.add(set);
                return NO_RETURN_VALUE;
            }
            case Opcodes.LONG: {
                int len = in.peekLineLength();
                if (len < 0 || len > MAX_LONG_TEXT) {
                    throw corrupt("LONG literal longer than " + MAX_LONG_TEXT + " digits");
                }
                return super.dispatch(key);
            }
            case Opcodes.LONG4:
                checkLength(4, MAX_LONG4_BYTES, "LONG4");
                return super.dispatch(key);
            case Opcodes.BINSTRING:
            case Opcodes.BINBYTES:
            case Opcodes.BINUNICODE:
                checkLength(4, Long.MAX_VALUE, "length-prefixed string");
                return super.dispatch(key);
            case Opcodes.BINUNICODE8:
            case Opcodes.BINBYTES8:
            case Opcodes.BYTEARRAY8:
                checkLength(8, Long.MAX_VALUE, "length-prefixed string");
                return super.dispatch(key);
            default:
                return super.dispatch(key);
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        Object[] t = pid instanceof Object[] ? (Object[]) pid : null;
        if (t == null || (t.length != 5 && !(t.length == 6 && t[5] == null)) || !"storage".equals(t[0])) {
            throw reject("has a persistent id that is not a torch storage reference: " + Values.describe(pid));
        }
        if (!(t[1] instanceof PickleGlobal) || ((PickleGlobal) t[1]).kind() != Kind.STORAGE_TYPE) {
            throw reject("has a storage reference whose type is " + Values.describe(t[1])
                    + ", not a torch storage class");
        }
        if (!(t[2] instanceof String) || !STORAGE_KEY.matcher((String) t[2]).matches()) {
            throw reject("has a storage reference with an invalid key " + Values.describe(t[2]));
        }
        long numel = integer(t[4], "storage element count");
        DType dtype = ((PickleGlobal) t[1]).dtype();
        if (numel < 0 || numel > Long.MAX_VALUE / 8) {
            throw reject("has a storage reference with an invalid element count " + numel);
        }
        String key = (String) t[2];
        TensorStorage existing = storages.get(key);
        if (existing == null) {
            existing = new TensorStorage(key, dtype, numel);
            storages.put(key, existing);
        } else if (existing.dtype() != dtype || existing.numel() != numel) {
            throw reject("references storage '" + key + "' both as " + existing.dtype() + " x " + existing.numel()
                    + " and as " + dtype + " x " + numel);
        }
        return existing;
    }

    /** Resolves a global through the allow-list, recording its name. */
    private PickleGlobal global(String module, String name) {
        globals.add(module + "." + name);
        PickleGlobal g = GlobalAllowList.resolve(module, name);
        if (g == null) {
            throw new Rejected(new PeregrineException(ErrorCode.BAD_INPUT, label + " references disallowed global '"
                    + module + "." + name + "' (near byte " + in.position() + " of data.pkl); a checkpoint may only"
                    + " name Ultralytics, torch.nn and torchvision classes and torch tensor helpers, so this file"
                    + " was not written by Ultralytics and may be malicious"));
        }
        return g;
    }

    /** What calling an allow-listed global produces; never runs code. */
    private Object call(Object callable, Object[] args) {
        if (!(callable instanceof PickleGlobal)) {
            throw corrupt("calls " + Values.describe(callable) + ", which is not a callable global");
        }
        PickleGlobal g = (PickleGlobal) callable;
        switch (g.kind()) {
            case OBJECT_CLASS:
            case ENUM_CLASS:
                return new RawObject(g, new ArrayList<>(Arrays.asList(args)));
            case ORDERED_DICT: {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (args.length == 1 && args[0] instanceof Map) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) args[0]).entrySet()) {
                        map.put(hashable(e.getKey()), e.getValue());
                    }
                } else if (args.length == 1) {
                    for (Object pair : elements(args[0], "OrderedDict items")) {
                        Object[] kv = tuple(pair);
                        if (kv.length != 2) {
                            throw corrupt("OrderedDict item is not a pair");
                        }
                        map.put(hashable(kv[0]), kv[1]);
                    }
                } else if (args.length != 0) {
                    throw corrupt("OrderedDict called with " + args.length + " arguments");
                }
                return map;
            }
            case SET: {
                Set<Object> set = new LinkedHashSet<>();
                if (args.length == 1) {
                    addAll(set, elements(args[0], "set items"));
                } else if (args.length != 0) {
                    throw corrupt("set called with " + args.length + " arguments");
                }
                return set;
            }
            case TORCH_SIZE: {
                if (args.length != 1) {
                    throw corrupt("torch.Size called with " + args.length + " arguments");
                }
                List<Object> dims = new ArrayList<>();
                for (Object d : elements(args[0], "torch.Size")) {
                    dims.add(integer(d, "torch.Size dimension"));
                }
                return Collections.unmodifiableList(dims);
            }
            case REBUILD_TENSOR_V2:
                return rebuildTensor(args, false);
            case REBUILD_TENSOR_V3:
                return rebuildTensor(args, true);
            case REBUILD_PARAMETER:
            case REBUILD_PARAMETER_WITH_STATE:
                if (args.length < 1 || !(args[0] instanceof TorchTensor)) {
                    throw corrupt(g.name() + " without a tensor");
                }
                return args[0];
            case GETATTR:
                return enumMember(args);
            case CODECS_ENCODE:
                if (args.length == 2 && args[0] instanceof String
                        && ("latin1".equals(args[1]) || "latin-1".equals(args[1]))) {
                    return ((String) args[0]).getBytes(StandardCharsets.ISO_8859_1);
                }
                throw reject("calls _codecs.encode with arguments other than (str, 'latin1')");
            default:
                throw reject("calls " + g.qualifiedName() + ", which is only allowed as a value");
        }
    }

    /** {@code getattr(<enum class>, 'MEMBER')}, the way Python 3.11 pickles enum members; nothing else. */
    private Object enumMember(Object[] args) {
        if (args.length == 2 && args[0] instanceof PickleGlobal && ((PickleGlobal) args[0]).kind() == Kind.ENUM_CLASS
                && args[1] instanceof String && ENUM_MEMBER.matcher((String) args[1]).matches()) {
            return new RawObject((PickleGlobal) args[0], new ArrayList<>(List.of(args[1])));
        }
        String target = args.length == 2 ? Values.describe(args[0]) + " attribute " + Values.describe(args[1])
                : args.length + " arguments";
        throw reject("calls builtins.getattr on " + target
                + "; getattr is only allowed to name a member of an allow-listed enum class");
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])} and v3. */
    private TorchTensor rebuildTensor(Object[] a, boolean v3) {
        int min = v3 ? 7 : 6;
        if (a.length < min || a.length > min + 1) {
            throw corrupt("tensor rebuild with " + a.length + " arguments");
        }
        if (!(a[0] instanceof TensorStorage)) {
            throw corrupt("tensor rebuild on " + Values.describe(a[0]) + " instead of a storage");
        }
        TensorStorage storage = (TensorStorage) a[0];
        DType dtype = storage.dtype();
        if (v3) {
            if (!(a[6] instanceof PickleGlobal) || ((PickleGlobal) a[6]).kind() != Kind.DTYPE) {
                throw corrupt("_rebuild_tensor_v3 dtype is " + Values.describe(a[6]));
            }
            dtype = ((PickleGlobal) a[6]).dtype();
            if (storage.dtype() != dtype && storage.dtype() != DType.UINT8) {
                throw corrupt("_rebuild_tensor_v3 views a " + storage.dtype() + " storage as " + dtype);
            }
        }
        long offset = integer(a[1], "storage offset");
        long[] shape = longs(a[2], "tensor size");
        long[] strides = longs(a[3], "tensor stride");
        boolean requiresGrad = Boolean.TRUE.equals(a[4]);
        try {
            return TorchTensor.view(storage, dtype, offset, shape, strides, requiresGrad);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw reject("has an invalid tensor: " + e.getMessage());
        }
    }

    /** BUILD: merges a {@code __dict__} (or {@code (dict, slots)}) into an attribute bag; nothing is invoked. */
    private void build(Object target, Object state) {
        if (target instanceof RawObject) {
            RawObject o = (RawObject) target;
            if (state instanceof Object[] && ((Object[]) state).length == 2) {
                Object[] pair = (Object[]) state;
                mergeState(o, pair[0]);
                mergeState(o, pair[1]);
            } else {
                mergeState(o, state);
            }
            return;
        }
        if (target instanceof Map && (state == null || state instanceof Map && ((Map<?, ?>) state).isEmpty())) {
            return; // an OrderedDict with an empty instance __dict__
        }
        throw corrupt("BUILD on " + Values.describe(target) + " with " + Values.describe(state));
    }

    private void mergeState(RawObject o, Object state) {
        if (state == null) {
            return;
        }
        if (!(state instanceof Map)) {
            throw corrupt("state of " + o.global().qualifiedName() + " is " + Values.describe(state) + ", not a dict");
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) state).entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw corrupt("attribute name of " + o.global().qualifiedName() + " is " + Values.describe(e.getKey()));
            }
            o.state().put((String) e.getKey(), e.getValue());
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetMap() {
        Object target = stack.peek();
        if (!(target instanceof Map)) {
            throw corrupt("SETITEM on " + Values.describe(target));
        }
        return (Map<Object, Object>) target;
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> asSet(Object o) {
        return (Set<Object>) o;
    }

    private void putPairs(Map<Object, Object> map, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw corrupt("dict items are not key/value pairs");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(hashable(items.get(i)), items.get(i + 1));
        }
    }

    private void addAll(Set<Object> set, Collection<?> items) {
        for (Object o : items) {
            set.add(hashable(o));
        }
    }

    /**
     * Refuses what Python could not use as a dict key or set element (lists, dicts, sets): besides being
     * malformed, such keys could make Java's structural hashCode recurse without end on a self-containing list.
     */
    private Object hashable(Object k) {
        return hashable(k, 0);
    }

    private Object hashable(Object k, int depth) {
        if (k instanceof List || k instanceof Map || k instanceof Set || depth > 32) {
            throw corrupt("unhashable dict key or set element " + Values.describe(k));
        }
        if (k instanceof Object[]) {
            for (Object e : (Object[]) k) {
                hashable(e, depth + 1);
            }
        }
        return k;
    }

    private Object[] tuple(Object o) {
        if (o instanceof Object[]) {
            return (Object[]) o;
        }
        throw corrupt("expected a tuple of arguments, got " + Values.describe(o));
    }

    private Collection<?> elements(Object o, String what) {
        if (o instanceof Object[]) {
            return Arrays.asList((Object[]) o);
        }
        if (o instanceof Collection) {
            return (Collection<?>) o;
        }
        throw corrupt(what + " is " + Values.describe(o) + ", not a sequence");
    }

    private long integer(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        throw corrupt(what + " is " + Values.describe(o) + ", not an int");
    }

    private long[] longs(Object o, String what) {
        Collection<?> items = elements(o, what);
        long[] out = new long[items.size()];
        int i = 0;
        for (Object e : items) {
            out[i++] = integer(e, what);
        }
        return out;
    }

    private void checkLength(int width, long max, String what) {
        long len = in.peekLength(width);
        long left = in.remaining() - width;
        if (len < 0 || len > left || len > max) {
            throw corrupt(what + " declares " + len + " bytes but " + Math.max(left, 0) + " are left");
        }
    }

    private Rejected reject(String what) {
        return new Rejected(new PeregrineException(ErrorCode.BAD_INPUT, label + " " + what + " (near byte "
                + in.position() + " of data.pkl)"));
    }

    private Rejected corrupt(String what) {
        return new Rejected(new PeregrineException(ErrorCode.BAD_INPUT, label + ": data.pkl is not a valid"
                + " checkpoint pickle: " + what + " (near byte " + in.position() + ")"));
    }

    /** Carries a {@link PeregrineException} out of razorvine's unchecked dispatch loop. */
    private static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient PeregrineException error;

        Rejected(PeregrineException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }
}
