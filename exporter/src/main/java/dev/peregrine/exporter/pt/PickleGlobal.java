package dev.peregrine.exporter.pt;

/**
 * An allow-listed Python global (GLOBAL / STACK_GLOBAL / INST) as it sits on the unpickling stack: its name and what
 * the reader does when the pickle calls it. No Java class is looked up from the name; the kind alone decides.
 *
 * @param module the module as written in the pickle (e.g. {@code __builtin__})
 * @param name the attribute name
 * @param kind the behaviour the allow-list assigned
 * @param dtype the element type for storage classes and {@code torch.<dtype>} globals, else {@code null}
 */
record PickleGlobal(String module, String name, Kind kind, DType dtype) {

    /** What calling (REDUCE, NEWOBJ, OBJ, INST) this global does. */
    enum Kind {
        /** A class whose instances become attribute bags ({@link RawObject}). */
        OBJECT_CLASS,
        /** An enum class: instances only through {@code getattr(cls, 'MEMBER')} or {@code cls(value)}. */
        ENUM_CLASS,
        /** {@code collections.OrderedDict}: an ordered map. */
        ORDERED_DICT,
        /** {@code set} / {@code frozenset}: an insertion-ordered set. */
        SET,
        /** {@code torch.Size}: a list of ints. */
        TORCH_SIZE,
        /** {@code torch._utils._rebuild_tensor_v2}. */
        REBUILD_TENSOR_V2,
        /** {@code torch._utils._rebuild_tensor_v3} (explicit dtype over an untyped storage). */
        REBUILD_TENSOR_V3,
        /** {@code torch._utils._rebuild_parameter}. */
        REBUILD_PARAMETER,
        /** {@code torch._utils._rebuild_parameter_with_state}. */
        REBUILD_PARAMETER_WITH_STATE,
        /** {@code torch.HalfStorage} etc.: only valid inside a storage persistent id. */
        STORAGE_TYPE,
        /** {@code torch.float16} etc.: a dtype value. */
        DTYPE,
        /** {@code builtins.getattr}: only {@code getattr(<enum class>, 'MEMBER')}. */
        GETATTR,
        /** {@code _codecs.encode(str, 'latin1')}: how protocol 2 pickles {@code bytes}. */
        CODECS_ENCODE
    }

    /** {@code module.name} as written in the pickle. */
    String qualifiedName() {
        return module + "." + name;
    }
}
