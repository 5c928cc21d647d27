package dev.peregrine.engines.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.testing.Fixtures;
import dev.peregrine.testing.OnnxModels;
import dev.peregrine.testing.ReferenceDetections;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching, chunking and bad input through {@link YoloDetector}. */
class YoloDetectorTest {
    @TempDir
    Path dir;

    /** Seven differently sized images: the first seven trained-set validation images. */
    private static List<byte[]> images() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            out.add(Files.readAllBytes(Fixtures.file(String.format("trained/images/val/%06d.jpg", i))));
        }
        return out;
    }

    private static List<List<Detection>> oneByOne(YoloDetector d, List<byte[]> images, DetectOptions o)
            throws Exception {
        List<List<Detection>> out = new ArrayList<>();
        for (byte[] image : images) {
            out.add(d.detect(image, o));
        }
        return out;
    }

    private static List<List<Detection>> batched(YoloDetector d, List<byte[]> images, DetectOptions o)
            throws Exception {
        List<LetterboxedImage> prepared = new ArrayList<>();
        try {
            for (byte[] image : images) {
                prepared.add(d.prepare(image));
            }
            return d.detect(prepared, o);
        } finally {
            prepared.forEach(LetterboxedImage::close);
        }
    }

    @Test
    void dynamicBatchGivesTheSameDetectionsAsOneByOne() throws Exception {
        Path model = OnnxModels.reshapeDetector(dir.resolve("dyn.onnx"), -1, 32, 8);
        List<byte[]> images = images();
        DetectOptions opts = DetectOptions.defaults().withConf(0.5f);
        try (YoloDetector batch4 = YoloDetector.open(new EngineConfig(model, Device.CPU, 4, null));
             YoloDetector single = YoloDetector.open(new EngineConfig(model, Device.CPU, 1, null))) {
            assertThat(batch4.maxBatch()).isEqualTo(4);
            List<List<Detection>> expected = oneByOne(single, images, opts);
            assertThat(expected).allSatisfy(d -> assertThat(d).isNotEmpty());
            assertThat(batched(batch4, images, opts)).isEqualTo(expected); // chunks of 4 + 3
            assertThat(oneByOne(batch4, images, opts)).isEqualTo(expected);
            assertThat(batched(single, images, opts)).isEqualTo(expected); // chunks of 1
        }
    }

    @Test
    void staticBatchOfFourPadsTheLastChunk() throws Exception {
        Path fixed = OnnxModels.reshapeDetector(dir.resolve("b4.onnx"), 4, 32, 8);
        Path dynamic = OnnxModels.reshapeDetector(dir.resolve("dyn.onnx"), -1, 32, 8);
        List<byte[]> images = images().subList(0, 6);
        DetectOptions opts = DetectOptions.defaults().withConf(0.5f);
        try (YoloDetector b4 = YoloDetector.open(EngineConfig.cpu(fixed));
             YoloDetector single = YoloDetector.open(new EngineConfig(dynamic, Device.CPU, 1, null))) {
            assertThat(b4.maxBatch()).isEqualTo(4);
            assertThat(batched(b4, images, opts)).isEqualTo(oneByOne(single, images, opts));
        }
    }

    @Test
    void trainedModelWithADynamicBatchGivesTheSameDetectionsInBatchesOfFour() throws Exception {
        Path dynamic = OnnxModels.withDynamicBatch(Fixtures.file("trained/shapes-yolov8n.onnx"),
                dir.resolve("shapes-dynamic.onnx"));
        List<byte[]> images = images();
        try (YoloDetector batch4 = YoloDetector.open(new EngineConfig(dynamic, Device.CPU, 4, null));
             YoloDetector reference = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")))) {
            assertThat(batch4.maxBatch()).isEqualTo(4);
            assertThat(batch4.info().dynamicBatch()).isTrue();
            List<List<Detection>> expected = oneByOne(reference, images, DetectOptions.defaults());
            assertThat(expected.stream().mapToInt(List::size).sum()).isGreaterThan(10);
            List<List<Detection>> actual = batched(batch4, images, DetectOptions.defaults()); // 4 + 3
            for (int i = 0; i < images.size(); i++) {
                // First a tolerant match, so that a failure says whether batching changed results or only bits.
                ReferenceDetections.match("image " + i, expected.get(i), actual.get(i), 0.9999, 1e-5, 0);
            }
            // ONNX Runtime's CPU kernels loop over the batch with the same per-image code: bit-identical.
            assertThat(actual).isEqualTo(expected);
            assertThat(oneByOne(batch4, images, DetectOptions.defaults())).isEqualTo(expected);
        }
    }

    @Test
    void trainedModelChunkedIntoBatchesOfOneMatchesOneByOne() throws Exception {
        List<byte[]> images = images();
        try (YoloDetector d = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")))) {
            assertThat(d.maxBatch()).isEqualTo(1);
            List<List<Detection>> expected = oneByOne(d, images, DetectOptions.defaults());
            assertThat(expected.stream().mapToInt(List::size).sum()).isGreaterThan(10);
            assertThat(batched(d, images, DetectOptions.defaults())).isEqualTo(expected);
        }
    }

    @Test
    void plainOnnxWithoutMetadataDetectsTheSameWithDefaultNames() throws Exception {
        Path plain = OnnxModels.withoutMetadata(Fixtures.file("tiny/yolov8n.onnx"), dir.resolve("plain.onnx"));
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        try (YoloDetector withMeta = YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n.onnx")));
             YoloDetector without = YoloDetector.open(EngineConfig.cpu(plain))) {
            assertThat(without.info().names()).containsExactly("class0", "class1", "class2", "class3", "class4",
                    "class5", "class6", "class7");
            assertThat(without.info().stride()).isEqualTo(32);
            assertThat(without.info().inputWidth()).isEqualTo(160);
            assertThat(without.info().metadata()).isEmpty();
            assertThat(without.detect(bus, DetectOptions.defaults()))
                    .isEqualTo(withMeta.detect(bus, DetectOptions.defaults())).isNotEmpty();
        }
    }

    /** The server hands request bodies over in direct buffers: the same detections as from the bytes. */
    @Test
    void aDirectBufferPreparesLikeTheBytes() throws Exception {
        Path val = Fixtures.file("trained/images/val");
        try (YoloDetector d = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")))) {
            for (int i = 1; i <= 3; i++) {
                byte[] bytes = Files.readAllBytes(val.resolve(String.format("%06d.jpg", i)));
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 8).position(8);
                direct.put(bytes).flip().position(8);
                Detector asDetector = d;
                try (PreparedImage fromBytes = d.prepare(bytes); PreparedImage fromBuffer = asDetector.prepare(direct)) {
                    assertThat(fromBuffer).isInstanceOf(LetterboxedImage.class);
                    assertThat(d.detect(List.of(fromBuffer), DetectOptions.defaults()))
                            .isEqualTo(d.detect(List.of(fromBytes), DetectOptions.defaults()));
                }
                assertThat(direct.position()).isEqualTo(8);
            }
            assertCode(() -> d.prepare(ByteBuffer.allocateDirect(0)), ErrorCode.BAD_INPUT);
        }
    }

    @Test
    void corruptEmptyAndOversizedImagesAreRejectedByPrepare() throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        try (YoloDetector d = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")))) {
            assertCode(() -> d.prepare(Arrays.copyOf(bus, bus.length / 2)), ErrorCode.BAD_INPUT);
            assertCode(() -> d.prepare("this is not an image".getBytes()), ErrorCode.BAD_INPUT);
            assertCode(() -> d.prepare(new byte[0]), ErrorCode.BAD_INPUT);
            assertCode(() -> d.detect(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}, DetectOptions.defaults()),
                    ErrorCode.BAD_INPUT);
        }
        try (YoloDetector small = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")),
                810 * 1080 - 1)) {
            assertCode(() -> small.prepare(bus), ErrorCode.TOO_LARGE);
        }
    }

    @Test
    void imagesOfAnotherSizeOrClosedAreBadInput() throws Exception {
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        try (YoloDetector d320 = YoloDetector.open(EngineConfig.cpu(Fixtures.file("trained/shapes-yolov8n.onnx")));
             YoloDetector d160 = YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n.onnx")))) {
            try (LetterboxedImage small = d160.prepare(bus)) {
                assertCode(() -> d320.detect(List.of(small), DetectOptions.defaults()), ErrorCode.BAD_INPUT,
                        "160x160");
            }
            LetterboxedImage closed = d320.prepare(bus);
            closed.close();
            assertCode(() -> d320.detect(List.of(closed), DetectOptions.defaults()), ErrorCode.BAD_INPUT, "closed");
            assertThat(d320.detect(List.of(), DetectOptions.defaults())).isEmpty();
        }
    }

    @Test
    void openFailuresAndUseAfterClose() throws Exception {
        assertCode(() -> YoloDetector.open(EngineConfig.cpu(dir.resolve("missing.onnx"))), ErrorCode.NOT_FOUND);
        assertCode(() -> YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n-cls.onnx"))),
                ErrorCode.UNSUPPORTED, "classify");
        assertCode(() -> YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n-cls.onnx"))),
                ErrorCode.UNSUPPORTED, "YoloClassifier");
        YoloDetector d = YoloDetector.open(EngineConfig.cpu(Fixtures.file("tiny/yolov8n.onnx")));
        byte[] bus = Files.readAllBytes(Fixtures.file("images/bus.jpg"));
        try (LetterboxedImage img = d.prepare(bus)) {
            d.close();
            d.close();
            assertCode(() -> d.detect(List.of(img), DetectOptions.defaults()), ErrorCode.ENGINE_FAILURE, "closed");
        }
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PeregrineException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            if (fragments.length > 0) {
                assertThat(e.getMessage()).contains(fragments);
            }
        });
    }
}
