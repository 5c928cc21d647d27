package dev.peregrine.engines.trt;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * A class loader that behaves like a CPU-only class path: the bytedeco TensorRT and CUDA classes do not exist, and
 * this package's classes are defined afresh (child-first, from the engines classes folder) so that their static
 * state (the natives probe) starts empty. Everything else comes from the test class path.
 */
final class HidingClassLoader extends URLClassLoader {
    private static final String OWN = "dev.peregrine.engines.trt.";

    HidingClassLoader(URL enginesClasses, ClassLoader parent) {
        super(new URL[] {enginesClasses}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("org.bytedeco.tensorrt.") || name.startsWith("org.bytedeco.cuda.")) {
            throw new ClassNotFoundException(name + " (hidden: CPU-only class path)");
        }
        synchronized (getClassLoadingLock(name)) {
            if (name.startsWith(OWN)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
            return super.loadClass(name, resolve);
        }
    }

    @Override
    public URL getResource(String name) {
        if (name.startsWith("org/bytedeco/tensorrt/") || name.startsWith("org/bytedeco/cuda/")) {
            return null;
        }
        return super.getResource(name);
    }
}
