package dev.peregrine.bench.peer;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * DJL's own pre-processing for YOLO (image to NDArray, bilinear resize to the input size, HWC uint8 to CHW float
 * in 0..1, as {@code YoloV8Translator} does) and the raw model call. The output is only copied to the heap
 * (its float count is returned), not decoded: this is the stage where DJL's result does not depend on its YOLO
 * decoder.
 */
final class RawOutputTranslator implements Translator<Image, Integer> {
    private final int width;
    private final int height;

    RawOutputTranslator(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        NDArray array = input.toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
        array = NDImageUtils.resize(array, width, height);
        return new NDList(NDImageUtils.toTensor(array));
    }

    @Override
    public Integer processOutput(TranslatorContext ctx, NDList list) {
        return list.get(0).toFloatArray().length;
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
