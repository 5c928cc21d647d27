package dev.peregrine.engines.trt;

import dev.peregrine.engines.PeregrineException;
import java.lang.reflect.InvocationTargetException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds out, once per class loader, whether TensorRT can be used, and hands out the native {@link TrtBackend}.
 *
 * <p>Why by name: the engines module must load and register its providers on CPU-only class paths where the
 * bytedeco TensorRT/CUDA jars are absent (they are optional dependencies, see docs/GPU.md). So nothing outside the
 * native classes refers to them; this class checks that the bindings exist, then instantiates the backend
 * reflectively and turns every linkage failure into a {@link TrtAvailability} with a clear message.
 */
public final class TrtNatives {
    static final String BACKEND_CLASS = "dev.peregrine.engines.trt.NativeTrtBackend";
    private static final String[] BINDING_CLASSES = {"org.bytedeco.tensorrt.global.nvinfer", "org.bytedeco.cuda.global.cudart"};

    private static Result cached;

    private TrtNatives() {
    }

    /** Result of one probe: the availability, and the backend when available. */
    record Result(TrtAvailability availability, TrtBackend backend) {
    }

    /** Whether TensorRT can be used here. Probes (loading native libraries) on first call; cheap afterwards. */
    public static TrtAvailability availability() {
        return result().availability();
    }

    /**
     * The backend.
     *
     * @throws PeregrineException UNAVAILABLE with {@link TrtAvailability#message()} when TensorRT cannot be used
     */
    public static TrtBackend backend() throws PeregrineException {
        Result r = result();
        if (!r.availability().isAvailable()) {
            throw r.availability().toException();
        }
        return r.backend();
    }

    /**
     * Throws the UNAVAILABLE exception when TensorRT cannot be used; call it before touching any TensorRT class.
     */
    public static void require() throws PeregrineException {
        backend();
    }

    private static synchronized Result result() {
        if (cached == null) {
            cached = probe(TrtNatives.class.getClassLoader());
        }
        return cached;
    }

    /** Probes with {@code loader}: bindings present, backend class loads, natives load, a device exists. */
    static Result probe(ClassLoader loader) {
        for (String name : BINDING_CLASSES) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return new Result(new TrtAvailability(TrtAvailability.Status.NO_BINDINGS, name + " not found"), null);
            }
        }
        TrtBackend backend;
        try {
            backend = (TrtBackend) Class.forName(BACKEND_CLASS, true, loader).getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            return new Result(nativeFailure(e.getCause()), null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Result(nativeFailure(e), null);
        }
        int devices = backend.deviceCount();
        if (devices < 1) {
            return new Result(new TrtAvailability(TrtAvailability.Status.NO_DEVICE, "cudaGetDeviceCount found none"), null);
        }
        return new Result(TrtAvailability.available(), backend);
    }

    /** Maps what loading the backend threw: linkage errors are missing natives; a PeregrineException is CUDA's answer. */
    static TrtAvailability nativeFailure(Throwable t) {
        if (t instanceof PeregrineException pe) {
            return new TrtAvailability(TrtAvailability.Status.NO_DEVICE, pe.getMessage());
        }
        return new TrtAvailability(TrtAvailability.Status.NO_NATIVES, rootMessage(t));
    }

    /**
     * The innermost cause's class and first message line: loader errors nest (ExceptionInInitializerError, ...).
     * When a class's static initialiser failed earlier, the JVM only keeps a description of the original error
     * ({@code Exception java.lang.UnsatisfiedLinkError: ... [in thread "main"]}); that is unwrapped to the same
     * text the first failure gave.
     */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        Matcher m = RECORDED_INIT_FAILURE.matcher(msg);
        if (root instanceof ExceptionInInitializerError && m.matches()) {
            String cls = m.group(1);
            return cls.substring(cls.lastIndexOf('.') + 1) + (m.group(2) == null ? "" : ": " + m.group(2));
        }
        return root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    private static final Pattern RECORDED_INIT_FAILURE =
            Pattern.compile("Exception ([\\w.$]+)(?:: (.*?))?(?: \\[in thread \".*\"\\])?");
}
