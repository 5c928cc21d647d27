package dev.peregrine.exporter.pt;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip container of a {@code torch.save} checkpoint: {@code <prefix>/data.pkl}, {@code <prefix>/data/<key>} per
 * storage, {@code <prefix>/version}, and from torch 2.x on {@code byteorder}, {@code .format_version},
 * {@code .storage_alignment} and {@code .data/...} records, which are tolerated. The prefix is whatever single folder
 * holds {@code data.pkl} ({@code archive}, or the file stem given to {@code torch.save}); record order does not
 * matter.
 *
 * <p>{@link ZipFile} is enough here: it reads sizes from the central directory, so the data descriptors torch writes
 * (general purpose bit 3) are no problem, and it gives random access by name. What it does not do is guard against
 * hostile sizes; {@link #read} checks every declared size against the file, the limits and the bytes actually
 * inflated before allocating. Files that are not zips are identified (legacy torch format, TorchScript, plain pickle,
 * Git LFS pointer) so that the error says what to do.
 */
final class PtArchive implements AutoCloseable {
    /** torch.save's legacy magic number 0x1950a86a20f9469cfc6c pickled as a LONG1 with protocol 2. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    private static final long RATIO_CHECK_FROM = 1L << 20;

    private final ZipFile zip;
    private final String label;
    private final String prefix;
    private final long fileSize;
    private final PtLimits limits;
    private long inflated;

    private PtArchive(ZipFile zip, String label, String prefix, long fileSize, PtLimits limits) {
        this.zip = zip;
        this.label = label;
        this.prefix = prefix;
        this.fileSize = fileSize;
        this.limits = limits;
    }

    /** Opens the archive after checking that the file is a zip, and finds the record prefix. */
    static PtArchive open(Path file, String label, PtLimits limits) throws PeregrineException {
        long size;
        try {
            if (!Files.exists(file)) {
                throw PeregrineException.notFound(label + " does not exist");
            }
            if (!Files.isRegularFile(file)) {
                throw PeregrineException.badInput(label + " is not a regular file");
            }
            size = Files.size(file);
            sniff(file, label, size);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, label + " cannot be read: " + e.getMessage(), e);
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, label + " is a truncated or corrupt zip archive ("
                    + e.getMessage() + "); re-download or re-save the checkpoint", e);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, label + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return new PtArchive(zip, label, findPrefix(zip, label), size, limits);
        } catch (PeregrineException | RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /** Identifies files that are not zip archives from their first bytes. */
    private static void sniff(Path file, String label, long size) throws IOException, PeregrineException {
        if (size == 0) {
            throw PeregrineException.badInput(label + " is empty (0 bytes)");
        }
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6)) {
            return;
        }
        if (startsWith(head, n, LEGACY_MAGIC)) {
            throw PeregrineException.unsupported(label + " uses the legacy (non-zip) torch.save format; re-save it"
                    + " with torch>=1.6 (torch.save(torch.load(f), f)) or with Ultralytics YOLO(f).save(f)");
        }
        if (n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            throw PeregrineException.unsupported(label + " uses the legacy tar-based torch.save format (torch<0.4);"
                    + " re-save it with torch>=1.6");
        }
        if ((head[0] & 0xff) == 0x80) {
            throw PeregrineException.unsupported(label + " is a bare pickle stream, not a torch.save zip archive;"
                    + " save the model with Ultralytics YOLO(...).save() or torch.save()");
        }
        String text = new String(head, 0, Math.min(n, 64), StandardCharsets.US_ASCII);
        if (text.startsWith("version https://git-lfs")) {
            throw PeregrineException.badInput(label + " is a Git LFS pointer, not the checkpoint; fetch it with"
                    + " git lfs pull");
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(n, 4); i++) {
            hex.append(String.format("%02x ", head[i] & 0xff));
        }
        throw PeregrineException.badInput(label + " is not a PyTorch checkpoint: expected a zip archive (torch.save"
                + " >= 1.6, first bytes 50 4b 03 04), found " + hex.toString().trim());
    }

    private static boolean startsWith(byte[] head, int n, byte[] magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String findPrefix(ZipFile zip, String label) throws PeregrineException {
        List<String> prefixes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean torchScript = false;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
            String name = en.nextElement().getName();
            names.add(name);
            int slash = name.indexOf('/');
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.endsWith("/data.pkl")) {
                prefixes.add(name.substring(0, slash + 1));
            }
            torchScript |= name.endsWith("/constants.pkl") || name.contains("/code/");
        }
        if (prefixes.size() == 1) {
            return prefixes.get(0);
        }
        if (prefixes.size() > 1) {
            throw PeregrineException.badInput(label + " holds several pickles " + prefixes + "; expected one"
                    + " <name>/data.pkl");
        }
        if (torchScript) {
            throw PeregrineException.unsupported(label + " is a TorchScript archive (torch.jit.save), not a"
                    + " torch.save checkpoint; export from the original Ultralytics .pt instead");
        }
        throw PeregrineException.badInput(label + " is a zip archive without a <name>/data.pkl record, so not a"
                + " torch.save checkpoint (records: " + summary(names) + ")");
    }

    private static String summary(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> head = names.subList(0, Math.min(names.size(), 8));
        return String.join(", ", head) + (names.size() > head.size() ? ", ... " + names.size() + " in all" : "");
    }

    /** The record folder including its slash, e.g. {@code yolov8n/} or {@code archive/}. */
    String prefix() {
        return prefix;
    }

    /** Whether the archive has {@code <prefix><record>}. */
    boolean has(String record) {
        return zip.getEntry(prefix + record) != null;
    }

    /** The pickle, {@code <prefix>data.pkl}. */
    byte[] readPickle() throws PeregrineException {
        return read(prefix + "data.pkl", limits.maxPickleBytes(), -1);
    }

    /** The bytes of storage {@code key}, which must be exactly {@code expectedBytes} long. */
    byte[] readStorage(String key, long expectedBytes) throws PeregrineException {
        String name = prefix + "data/" + key;
        if (zip.getEntry(name) == null) {
            throw PeregrineException.badInput(label + " is missing tensor storage record '" + name + "' that the"
                    + " pickle references; the archive is incomplete");
        }
        return read(name, limits.maxRecordBytes(), expectedBytes);
    }

    /** The byte order of the storages ({@code byteorder} record; little-endian when absent, as torch assumes). */
    ByteOrder byteOrder() throws PeregrineException {
        if (!has("byteorder")) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        String v = new String(read(prefix + "byteorder", 64, -1), StandardCharsets.US_ASCII).trim();
        switch (v) {
            case "little":
                return ByteOrder.LITTLE_ENDIAN;
            case "big":
                return ByteOrder.BIG_ENDIAN;
            default:
                throw PeregrineException.badInput(label + " has byteorder record '" + v + "'; expected little or big");
        }
    }

    /** A short description of the writer, from the records present (e.g. torch 1.x vs 2.x layouts). */
    String versionHint() throws PeregrineException {
        String version = null;
        for (String r : new String[] {"version", ".data/version"}) {
            if (has(r)) {
                version = new String(read(prefix + r, 64, -1), StandardCharsets.US_ASCII).trim();
                break;
            }
        }
        String format = version == null ? "zip format" : "zip format, record version " + version;
        if (has(".format_version") || has(".storage_alignment") || has(".data/serialization_id")) {
            return "torch 2.x (" + format + ", with .format_version/.data records)";
        }
        if (has("byteorder")) {
            return "torch 2.x (" + format + ", with byteorder record)";
        }
        return "torch 1.6-1.13 (" + format + ", no byteorder record)";
    }

    /**
     * Reads one record, checking its declared size against the file, the limit and the running total before
     * allocating, and the bytes actually produced against the declared size.
     */
    private byte[] read(String name, long max, long expected) throws PeregrineException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw PeregrineException.badInput(label + " has no record '" + name + "'");
        }
        long size = e.getSize();
        long csize = e.getCompressedSize();
        if (size < 0 || csize < 0 || csize > fileSize) {
            throw PeregrineException.badInput(label + " record '" + name + "' has an invalid size in the zip"
                    + " directory (" + size + " bytes, " + csize + " compressed, file " + fileSize + ")");
        }
        if (expected >= 0 && size != expected) {
            throw PeregrineException.badInput(label + " record '" + name + "' holds " + size + " bytes but the"
                    + " pickle declares " + expected + "; the archive is inconsistent");
        }
        if (size > max) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, label + " record '" + name + "' is " + size
                    + " bytes, over the limit of " + max);
        }
        if (e.getMethod() == ZipEntry.STORED && size != csize) {
            throw PeregrineException.badInput(label + " record '" + name + "' is stored with " + csize
                    + " bytes but declares " + size);
        }
        if (e.getMethod() != ZipEntry.STORED && size >= RATIO_CHECK_FROM
                && size / Math.max(csize, 1) > limits.maxCompressionRatio()) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, label + " record '" + name + "' inflates " + csize
                    + " bytes to " + size + " (ratio over " + limits.maxCompressionRatio() + "): refusing a"
                    + " likely zip bomb");
        }
        if (inflated + size > limits.maxTotalBytes()) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, label + " inflates to more than "
                    + limits.maxTotalBytes() + " bytes in total; refusing it");
        }
        byte[] out = new byte[(int) size];
        try (InputStream in = zip.getInputStream(e)) {
            int n = in.readNBytes(out, 0, out.length);
            if (n < out.length) {
                throw PeregrineException.badInput(label + " record '" + name + "' is truncated: " + n + " of "
                        + size + " bytes");
            }
            if (in.read() >= 0) {
                throw new PeregrineException(ErrorCode.TOO_LARGE, label + " record '" + name + "' inflates beyond"
                        + " its declared " + size + " bytes: refusing a likely zip bomb");
            }
        } catch (EOFException ex) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, label + " record '" + name + "' is truncated ("
                    + ex.getMessage() + ")", ex);
        } catch (IOException ex) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, label + " record '" + name + "' cannot be read ("
                    + ex.getMessage() + "); the archive is corrupt", ex);
        }
        inflated += size;
        return out;
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile z) {
        try {
            z.close();
        } catch (IOException ignored) {
            // Read-only file: nothing to flush, nothing to report.
        }
    }
}
