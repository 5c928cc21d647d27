package dev.peregrine.bench.peer;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.output.BoundingBox;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.modality.cv.translator.YoloV8TranslatorFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.peregrine.bench.report.Agreement;
import dev.peregrine.bench.report.ComparisonRow;
import dev.peregrine.bench.report.RowStatus;
import dev.peregrine.bench.report.Stage;
import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.bench.run.Peer;
import dev.peregrine.bench.run.PeerContext;
import dev.peregrine.bench.run.PeerFactory;
import dev.peregrine.bench.run.ReferenceCheck;
import dev.peregrine.bench.run.Subject;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ModelInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL 0.36 as the peer: ONNX Runtime engine for the model, PyTorch engine for its NDArray image operations, all
 * from jars on the class path with {@code ai.djl.offline=true} (nothing is downloaded). Three configurations, each
 * on the same ONNX file, images and thread count as Peregrine:
 * <ol>
 *   <li>{@code YoloV8Translator} with the documented arguments (resize to the input size, {@code applyRatio},
 *       Ultralytics' conf and IoU). Its default {@code maxBox} of 8400 assumes a 640x640 model; it is tried once
 *       and its failure, if any, recorded;</li>
 *   <li>the same with {@code maxBox} = anchors + 1, the setting under which its loop reads every anchor: timed end
 *       to end and compared with Ultralytics' detections;</li>
 *   <li>DJL's own pre-processing (image to NDArray, resize, to tensor) and the raw model call, no output
 *       decoding: the stage at which DJL works whatever its decoder does, compared with Peregrine's
 *       decode + letterbox + tensor + run.</li>
 * </ol>
 */
public final class DjlPeer implements Peer {
    /** Variant name of the documented translator configuration. */
    public static final String DOCUMENTED = "YoloV8Translator, documented args";
    /** Variant name of the translator with the maxBox workaround. */
    public static final String WORKAROUND = "YoloV8Translator, maxBox=anchors+1";
    /** Variant name of the raw model call with DJL's pre-processing. */
    public static final String RAW = "DJL Resize+ToTensor + raw model call";

    private final PeerContext ctx;
    private final ModelInfo info;
    private final List<String> notes = new ArrayList<>();
    private final ZooModel<Image, DetectedObjects> documented;
    private final ZooModel<Image, DetectedObjects> workaround;
    private final ZooModel<Image, Integer> raw;
    private final int anchors;
    private int next;
    private boolean closed;

    private DjlPeer(PeerContext ctx) throws ModelNotFoundException, MalformedModelException, IOException {
        this.ctx = ctx;
        this.info = ctx.info();
        this.anchors = anchors(info);
        ZooModel<Image, DetectedObjects> a = null;
        ZooModel<Image, DetectedObjects> b = null;
        try {
            a = translatorCriteria(null).loadModel();
            b = translatorCriteria(anchors + 1).loadModel();
            this.raw = Criteria.builder().setTypes(Image.class, Integer.class).optModelPath(ctx.onnx())
                    .optEngine("OnnxRuntime").optOption("intraOpNumThreads", Integer.toString(ctx.threads()))
                    .optTranslator(new RawOutputTranslator(info.inputWidth(), info.inputHeight())).build()
                    .loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            closeQuietly(a);
            closeQuietly(b);
            throw e;
        }
        this.documented = a;
        this.workaround = b;
    }

    /** The factory the bench command hands to the runner. */
    public static final PeerFactory FACTORY = new PeerFactory() {
        @Override
        public void initialise() {
            System.setProperty("ai.djl.offline", "true");
            ai.djl.engine.Engine.getEngine("OnnxRuntime");
        }

        @Override
        public Peer open(PeerContext ctx) {
            return DjlPeer.open(ctx);
        }
    };

    /**
     * Loads the three configurations. Sets {@code ai.djl.offline=true} first so that DJL never downloads an
     * engine; the PyTorch natives come from the {@code pytorch-native-cpu} jar on the class path.
     *
     * @throws IllegalStateException when DJL cannot load the model (the runner records it)
     */
    public static Peer open(PeerContext ctx) {
        System.setProperty("ai.djl.offline", "true");
        try {
            return new DjlPeer(ctx);
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new IllegalStateException("DJL cannot load " + ctx.onnx() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "djl";
    }

    private Criteria<Image, DetectedObjects> translatorCriteria(Integer maxBox) {
        Criteria.Builder<Image, DetectedObjects> c = Criteria.builder().setTypes(Image.class, DetectedObjects.class)
                .optModelPath(ctx.onnx()).optEngine("OnnxRuntime")
                .optOption("intraOpNumThreads", Integer.toString(ctx.threads()))
                .optArgument("width", info.inputWidth()).optArgument("height", info.inputHeight())
                .optArgument("resize", "true").optArgument("toTensor", "true").optArgument("applyRatio", "true")
                .optArgument("threshold", "0.25").optArgument("nmsThreshold", "0.7")
                .optArgument("synset", String.join(",", info.names()))
                .optTranslatorFactory(new YoloV8TranslatorFactory());
        if (maxBox != null) {
            c.optArgument("maxBox", maxBox.toString());
        }
        return c.build();
    }

    @Override
    public List<ComparisonRow> preflight() {
        return List.of(tryDocumented());
    }

    @Override
    public List<Subject> subjects(int batch) {
        return List.of(
                new Subject("djl", WORKAROUND, Stage.END_TO_END, batch, measured -> {
                    List<Image> imgs = decodeNext(batch);
                    try (Predictor<Image, DetectedObjects> p = workaround.newPredictor()) {
                        p.batchPredict(imgs);
                    }
                    return batch;
                }),
                new Subject("djl", RAW, Stage.PRE_AND_RUN, batch, measured -> {
                    List<Image> imgs = decodeNext(batch);
                    try (Predictor<Image, Integer> p = raw.newPredictor()) {
                        p.batchPredict(imgs);
                    }
                    return batch;
                }));
    }

    /** The next {@code batch} images, decoded by DJL's image factory (part of the timed work). */
    private List<Image> decodeNext(int batch) throws IOException {
        List<Image> imgs = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            imgs.add(decode(nextImage().bytes()));
        }
        return imgs;
    }

    /** One predict with the documented arguments: measured only if it works. */
    private ComparisonRow tryDocumented() {
        EncodedImage first = ctx.images().get(0);
        try (Predictor<Image, DetectedObjects> p = documented.newPredictor()) {
            p.predict(decode(first.bytes()));
            notes.add("DJL " + DOCUMENTED + " ran on " + first.name() + " without error");
            return ComparisonRow.notRun("djl", DOCUMENTED, Stage.END_TO_END, 1, RowStatus.SKIPPED,
                    "works; timed as the maxBox variant, which only differs in maxBox");
        } catch (TranslateException | IOException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String what = root.getClass().getSimpleName() + ": " + root.getMessage();
            notes.add("DJL " + DOCUMENTED + " fails on a " + info.inputWidth() + "x" + info.inputHeight() + " model ("
                    + anchors + " anchors): " + what + ". YoloV8Translator walks rows from the last down to "
                    + "rows - maxBox (default maxBox 8400, i.e. a 640x640 input), so a smaller output is read at "
                    + "negative indices, and with maxBox = rows it skips row 0; maxBox = rows + 1 reads every row");
            return ComparisonRow.notRun("djl", DOCUMENTED, Stage.END_TO_END, 1, RowStatus.FAILED, what);
        }
    }

    @Override
    public List<Agreement> agreements(ReferenceCheck check) {
        String note = "DJL stretches the image to " + info.inputWidth() + "x" + info.inputHeight()
                + " (no letterbox), clamps x1/y1 at 0 without shrinking the box, thresholds with conf "
                + "0.25 / NMS IoU 0.7 as configured";
        List<Agreement> out = new ArrayList<>();
        out.add(check.check("djl " + WORKAROUND, note, bytes -> {
            Image img = decode(bytes);
            try (Predictor<Image, DetectedObjects> p = workaround.newPredictor()) {
                return toDetections(p.predict(img), img.getWidth(), img.getHeight());
            }
        }));
        return out;
    }

    /** DJL's boxes (fractions of the input, which was stretched from the original) in original-image pixels. */
    private List<Detection> toDetections(DetectedObjects objects, int width, int height) {
        List<Detection> out = new ArrayList<>();
        for (Classifications.Classification c : objects.items()) {
            DetectedObjects.DetectedObject o = (DetectedObjects.DetectedObject) c;
            BoundingBox box = o.getBoundingBox();
            Rectangle r = box.getBounds();
            int cls = info.names().indexOf(o.getClassName());
            float x1 = (float) (r.getX() * width);
            float y1 = (float) (r.getY() * height);
            out.add(new Detection(x1, y1, x1 + (float) (r.getWidth() * width), y1 + (float) (r.getHeight() * height),
                    (float) o.getProbability(), cls));
        }
        return out;
    }

    @Override
    public List<String> notes() {
        List<String> out = new ArrayList<>(notes);
        out.add("DJL runs the same ONNX file with ONNX Runtime (intraOpNumThreads " + ctx.threads() + "), images "
                + "decoded by its default ImageFactory (" + ImageFactory.getInstance().getClass().getSimpleName()
                + "), NDArray image ops on PyTorch " + engineVersion("PyTorch") + ", offline (ai.djl.offline=true)");
        return out;
    }

    private static String engineVersion(String name) {
        try {
            return ai.djl.engine.Engine.getEngine(name).getVersion();
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    private EncodedImage nextImage() {
        EncodedImage img = ctx.images().get(next);
        next = (next + 1) % ctx.images().size();
        return img;
    }

    private static Image decode(byte[] bytes) throws IOException {
        return ImageFactory.getInstance().fromInputStream(new ByteArrayInputStream(bytes));
    }

    /** Anchor count of a P3-P5 (strides 8, 16, 32) anchor-free head at the model's input size. */
    static int anchors(ModelInfo info) {
        int n = 0;
        for (int s = 8; s <= 32; s *= 2) {
            n += (info.inputHeight() / s) * (info.inputWidth() / s);
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(raw);
        closeQuietly(workaround);
        closeQuietly(documented);
    }

    private static void closeQuietly(ZooModel<?, ?> m) {
        if (m != null) {
            m.close();
        }
    }
}
