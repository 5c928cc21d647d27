package dev.peregrine.exporter.pt;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Prints how long {@link PtCheckpoint#read} takes (not a test: speed is reported, never asserted). Run from the
 * worktree root after {@code mvn -B -o -q -pl exporter -am package -DskipTests}:
 *
 * <pre>
 * mvn -B -o -q -pl exporter dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp exporter/target/classes:exporter/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.peregrine.exporter.pt.PtReadBenchmark ../shared/fixtures/full/yolov8n.pt
 * </pre>
 */
public final class PtReadBenchmark {
    private PtReadBenchmark() {
    }

    /**
     * Reads each file once cold, then 20 times. Prints wall time and the reading thread's CPU time: on a shared
     * machine the wall time mostly measures the other processes.
     */
    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // Logging is set up by any application before it reads a checkpoint; keep its start-up out of the figure.
        org.slf4j.LoggerFactory.getLogger(PtCheckpoint.class).info("pt read benchmark");
        for (String a : args) {
            Path file = Path.of(a);
            long t0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            PtCheckpoint first = PtCheckpoint.read(file);
            long cold = System.nanoTime() - t0;
            long coldCpu = mx.getCurrentThreadCpuTime() - c0;
            long tc = System.nanoTime();
            long cc = mx.getCurrentThreadCpuTime();
            long values = floatsOfAllParameters(first.model());
            long convert = System.nanoTime() - tc;
            long convertCpu = mx.getCurrentThreadCpuTime() - cc;
            int n = 20;
            long[] warm = new long[n];
            long[] warmCpu = new long[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                long c = mx.getCurrentThreadCpuTime();
                PtCheckpoint.read(file);
                warm[i] = System.nanoTime() - t;
                warmCpu[i] = mx.getCurrentThreadCpuTime() - c;
            }
            Arrays.sort(warm);
            Arrays.sort(warmCpu);
            System.out.printf("%s: first read %.1f ms wall / %.1f ms cpu (JVM cold); warm median %.1f ms wall /"
                    + " %.1f ms cpu; %d parameter values converted to float32 in %.1f ms wall / %.1f ms cpu (first time)%n",
                    file, cold / 1e6, coldCpu / 1e6, warm[n / 2] / 1e6, warmCpu[n / 2] / 1e6, values, convert / 1e6,
                    convertCpu / 1e6);
        }
    }

    private static long floatsOfAllParameters(ModuleNode model) {
        long n = 0;
        for (ModuleNode m : model.walk()) {
            for (TorchTensor t : m.parameters().values()) {
                n += t.toFloats().length;
            }
        }
        return n;
    }
}
