package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.AdmissionRejectedException;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.metrics.ServerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** {@link ModelRegistry} and {@link ServedModel} with fake detectors. Waits are bounded and only guard hangs. */
class ModelRegistryTest {
    private static final long WAIT_S = 10;
    private final List<ModelRegistry> opened = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(r -> r.close(Duration.ZERO));
    }

    private static ModelSpec spec(String name, int maxBatch, int instances) {
        BatchPolicy p = new BatchPolicy(maxBatch, new int[0], Duration.ofMillis(1), 1 << 20, 64,
                Duration.ofSeconds(30));
        return new ModelSpec(name, Path.of(name + ".onnx"), Device.CPU, p, instances);
    }

    private ModelRegistry load(List<ModelSpec> specs, ModelLoader loader, ServerMetrics metrics) throws Exception {
        ModelRegistry r = ModelRegistry.load(specs, loader, metrics);
        opened.add(r);
        r.loaded().get(WAIT_S, TimeUnit.SECONDS);
        return r;
    }

    @Test
    void warmsUpWithAFullBatchBeforeReady() throws Exception {
        AtomicReference<ModelRegistry> registry = new AtomicReference<>();
        CountDownLatch published = new CountDownLatch(1);
        Map<String, ServedModel.State> stateDuringWarmUp = new ConcurrentHashMap<>();
        List<FakeDetector> made = new CopyOnWriteArrayList<>();
        ModelLoader loader = s -> {
            try {
                published.await(WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            FakeDetector d = new FakeDetector(8, events);
            d.onDetect = n -> stateDuringWarmUp.put("state", registry.get().get("m").orElseThrow().state());
            made.add(d);
            return d;
        };
        ModelRegistry r = ModelRegistry.load(List.of(spec("m", 4, 2)), loader, null);
        opened.add(r);
        registry.set(r);
        assertThat(r.allReady()).isFalse();
        assertThat(r.get("m").orElseThrow().state()).isEqualTo(ServedModel.State.LOADING);
        published.countDown();
        r.loaded().get(WAIT_S, TimeUnit.SECONDS);

        ServedModel m = r.get("m").orElseThrow();
        assertThat(m.state()).isEqualTo(ServedModel.State.READY);
        assertThat(r.allReady()).isTrue();
        assertThat(stateDuringWarmUp).containsEntry("state", ServedModel.State.LOADING);
        // Two instances, each warmed up with one batch of the policy's max size (4), before READY.
        assertThat(made).hasSize(2);
        assertThat(events).containsExactly("detect:4", "detect:4");
        assertThat(made.get(0).preparedSizes).hasSize(1);
        assertThat(m.info()).isEqualTo(FakeDetector.INFO);
        assertThat(m.engineDescription()).contains("FakeDetector").contains("cpu");
        assertThat(m.policy().maxBatch()).isEqualTo(4);
    }

    @Test
    void warmUpImageHasTheModelInputSize() throws Exception {
        byte[] png = WarmUp.greyPng(FakeDetector.INFO);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(96);
        assertThat(img.getHeight()).isEqualTo(64);
        assertThat(img.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0x727272);
    }

    @Test
    void failedLoadGivesFailedStateWithMessageWhileOthersLoad() throws Exception {
        ModelLoader loader = s -> {
            if (s.name().equals("broken")) {
                throw PeregrineException.notFound("model file not found: broken.onnx");
            }
            return new FakeDetector(4, events);
        };
        ServerMetrics metrics = new ServerMetrics();
        ModelRegistry r = load(List.of(spec("broken", 4, 1), spec("good", 4, 1)), loader, metrics);
        ServedModel broken = r.get("broken").orElseThrow();
        assertThat(broken.state()).isEqualTo(ServedModel.State.FAILED);
        assertThat(broken.failure()).hasValue("model file not found: broken.onnx");
        assertThat(r.get("good").orElseThrow().state()).isEqualTo(ServedModel.State.READY);
        assertThat(r.allReady()).isFalse();

        FakeDetector.FakeImage img = new FakeDetector.FakeImage(1, 10);
        PeregrineException e = failure(broken.submit(img, null, null));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("failed to load").contains("broken.onnx");
        assertThat(AdmissionRejectedException.isRefusal(e)).isTrue();
        assertThat(img.closes).as("refused: the caller still owns the image").hasValue(0);
        assertThat(metrics.scrape()).contains("peregrine_rejected_total{model=\"broken\",reason=\"not_ready\"} 1.0");
    }

    @Test
    void warmUpFailureFailsTheModelAndClosesItsDetectors() throws Exception {
        List<FakeDetector> made = new CopyOnWriteArrayList<>();
        ModelLoader loader = s -> {
            FakeDetector d = new FakeDetector(4, events);
            d.failDetect = new PeregrineException(ErrorCode.ENGINE_FAILURE, "CUDA out of memory");
            made.add(d);
            return d;
        };
        ModelRegistry r = load(List.of(spec("m", 4, 2)), loader, null);
        ServedModel m = r.get("m").orElseThrow();
        assertThat(m.state()).isEqualTo(ServedModel.State.FAILED);
        assertThat(m.failure()).hasValue("warm-up failed: CUDA out of memory");
        assertThat(made).hasSize(2).allSatisfy(d -> assertThat(d.closes).hasValue(1));
    }

    @Test
    void loaderExceptionsAndNullsAreReportedNotThrown() throws Exception {
        ModelRegistry r = load(List.of(spec("a", 1, 1), spec("b", 1, 1)), s -> {
            if (s.name().equals("a")) {
                throw new IllegalStateException("bug");
            }
            return null;
        }, null);
        assertThat(r.get("a").orElseThrow().failure()).hasValueSatisfying(m -> assertThat(m).contains("bug"));
        assertThat(r.get("b").orElseThrow().failure())
                .hasValueSatisfying(m -> assertThat(m).contains("returned no detector"));
    }

    @Test
    void submitRunsThroughTheBatcherAndClosesEachImageOnce() throws Exception {
        ModelRegistry r = load(List.of(spec("m", 4, 1)), s -> new FakeDetector(4, events), null);
        ServedModel m = r.get("m").orElseThrow();
        List<FakeDetector.FakeImage> images = new ArrayList<>();
        List<CompletableFuture<List<Detection>>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            FakeDetector.FakeImage img = (FakeDetector.FakeImage) m.detector().prepare(new byte[]{1, 2, 3});
            images.add(img);
            DetectOptions opts = DetectOptions.defaults().withConf(i % 2 == 0 ? 0.25f : 0.5f);
            fs.add(m.submit(img, opts, null));
        }
        for (int i = 0; i < 6; i++) {
            List<Detection> d = fs.get(i).get(WAIT_S, TimeUnit.SECONDS);
            assertThat(d).hasSize(1);
            assertThat(d.get(0).classId()).as("result belongs to its own image").isEqualTo(images.get(i).id);
            assertThat(d.get(0).score()).as("its own options applied").isEqualTo(i % 2 == 0 ? 0.25f : 0.5f);
            assertThat(images.get(i).closes).hasValue(1);
        }
        assertThat(m.stats().items()).isZero();
    }

    @Test
    void metricsFollowServedTraffic() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        ModelRegistry r = load(List.of(spec("m", 2, 1)), s -> new FakeDetector(2, events), metrics);
        ServedModel m = r.get("m").orElseThrow();
        CompletableFuture<List<Detection>> f1 = m.submit(new FakeDetector.FakeImage(1, 100), null, null);
        CompletableFuture<List<Detection>> f2 = m.submit(new FakeDetector.FakeImage(2, 100), null, null);
        f1.get(WAIT_S, TimeUnit.SECONDS);
        f2.get(WAIT_S, TimeUnit.SECONDS);
        String text = metrics.scrape();
        assertThat(text)
                .contains("peregrine_queue_latency_seconds_count{model=\"m\"} 2")
                .contains("peregrine_batch_size_bucket{model=\"m\",le=\"2.0\"}")
                .contains("peregrine_engine_busy_seconds_total{instance=\"0\",model=\"m\"}")
                .contains("peregrine_queue_items{model=\"m\"} 0.0")
                .contains("peregrine_queue_bytes{model=\"m\"} 0.0");
    }

    @Test
    void maxBatchIsLoweredToTheEngineLimit() throws Exception {
        ModelRegistry r = load(List.of(spec("m", 8, 1)), s -> new FakeDetector(2, events), null);
        assertThat(r.get("m").orElseThrow().policy().maxBatch()).isEqualTo(2);
        assertThat(events).containsExactly("detect:2");
    }

    @Test
    void closeStopsAdmissionDrainsThenClosesDetectors() throws Exception {
        CountDownLatch inEngine = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        List<FakeDetector> made = new CopyOnWriteArrayList<>();
        ModelRegistry r = load(List.of(spec("m", 1, 1)), s -> {
            FakeDetector d = new FakeDetector(1, events);
            made.add(d);
            return d;
        }, null);
        ServedModel m = r.get("m").orElseThrow();
        made.get(0).onDetect = n -> {
            inEngine.countDown();
            try {
                letGo.await(WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        FakeDetector.FakeImage first = new FakeDetector.FakeImage(1, 10);
        FakeDetector.FakeImage second = new FakeDetector.FakeImage(2, 10);
        CompletableFuture<List<Detection>> f1 = m.submit(first, null, null);
        assertThat(inEngine.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<List<Detection>> f2 = m.submit(second, null, null);

        Thread closer = new Thread(() -> r.close(Duration.ofSeconds(WAIT_S)));
        closer.start();
        // Admission stops before anything else: wait (bounded) until the model reports STOPPING.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (m.state() != ServedModel.State.STOPPING && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(m.state()).isEqualTo(ServedModel.State.STOPPING);
        FakeDetector.FakeImage late = new FakeDetector.FakeImage(3, 10);
        assertThat(failure(m.submit(late, null, null)).code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(late.closes).hasValue(0);
        assertThat(made.get(0).closes).as("detector stays open while a batch runs").hasValue(0);

        letGo.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertThat(closer.isAlive()).isFalse();
        assertThat(f1.get()).hasSize(1);
        assertThat(f2.get()).as("queued work drained within grace").hasSize(1);
        assertThat(first.closes).hasValue(1);
        assertThat(second.closes).hasValue(1);
        // warm-up, the two requests, then close: the detector closes only after the last batch.
        assertThat(events).containsExactly("detect:1", "detect:1", "detect:1", "close");
        r.close();
        assertThat(made.get(0).closes).as("idempotent").hasValue(1);
    }

    @Test
    void badSpecsAreBadInput() {
        assertThatThrownBy(() -> ModelRegistry.load(List.of(), s -> null))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT));
        assertThatThrownBy(() -> ModelRegistry.load(List.of(spec("x", 1, 1), spec("x", 2, 1)), s -> null))
                .hasMessageContaining("'x' is used twice");
        assertThatThrownBy(() -> ModelSpec.of("bad name", Path.of("a.onnx"), Device.CPU, BatchPolicy.defaults(1), 1))
                .isInstanceOfSatisfying(PeregrineException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("bad name");
    }

    @Test
    void specNamedAfterItsFile() throws Exception {
        ModelSpec s = ModelSpec.forFile(Path.of("/models/yolo v8n.onnx"), Device.CPU, BatchPolicy.defaults(1), 1);
        assertThat(s.name()).isEqualTo("yolo_v8n");
    }

    private static PeregrineException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (PeregrineException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            fail("not completed");
        }
        fail("expected failure");
        return null;
    }
}
