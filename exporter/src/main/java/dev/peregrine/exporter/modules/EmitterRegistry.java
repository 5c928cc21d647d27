package dev.peregrine.exporter.modules;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Module emitters by class simple name ({@link dev.peregrine.exporter.pt.ModuleNode#simpleName()}). {@link #standard()}
 * holds every built-in emitter; other heads (segment, pose, OBB, classify) are added with {@link #register}.
 */
public final class EmitterRegistry {
    private final Map<String, ModuleEmitter> emitters = new TreeMap<>();

    /** An empty registry. */
    public EmitterRegistry() {
    }

    /** A registry with every built-in emitter (see {@link StandardEmitters}). */
    public static EmitterRegistry standard() {
        EmitterRegistry r = new EmitterRegistry();
        StandardEmitters.registerAll(r);
        return r;
    }

    /** Registers (or replaces) the emitter of the module class with simple name {@code simpleName}. */
    public EmitterRegistry register(String simpleName, ModuleEmitter emitter) {
        emitters.put(simpleName, emitter);
        return this;
    }

    /** The emitter for {@code simpleName}. */
    public Optional<ModuleEmitter> find(String simpleName) {
        return Optional.ofNullable(emitters.get(simpleName));
    }

    /** The supported module names, sorted. */
    public SortedSet<String> supported() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(emitters.keySet()));
    }
}
