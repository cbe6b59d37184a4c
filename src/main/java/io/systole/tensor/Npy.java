package io.systole.tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} format, versions 1.0 to 3.0 read, 1.0 written: a magic string, a Python
 * dict header ({@code descr}, {@code fortran_order}, {@code shape}) and the raw little-endian
 * C-order data. Only float32, int8 and int32 are accepted; anything else is refused by name.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads one array; {@code where} names the source in error messages. */
    public static Tensor read(InputStream in, String where) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(magic, 6), MAGIC)) {
            throw new IOException(where + ": not an .npy file (bad magic string)");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] b = in.readNBytes(2);
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = in.readNBytes(4);
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(where + ": unsupported .npy version " + major + "." + magic[7]);
        }
        byte[] hb = in.readNBytes(headerLen);
        if (hb.length != headerLen) {
            throw new IOException(where + ": truncated .npy header");
        }
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeM = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeM.find()) {
            throw new IOException(where + ": malformed .npy header: " + header.strip());
        }
        DType dtype;
        try {
            dtype = DType.ofNumpy(descr.group(1));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
        if (fortran.group(1).equals("True")) {
            throw new IOException(where + ": Fortran-order arrays are not supported; save with C order");
        }
        int[] shape = parseShape(shapeM.group(1), where);
        long n = Tensor.count(shape);
        if (n * dtype.bytes() > Integer.MAX_VALUE) {
            throw new IOException(where + ": array of " + n + " elements is too large");
        }
        byte[] raw = in.readNBytes((int) n * dtype.bytes());
        if (raw.length != n * dtype.bytes()) {
            throw new IOException(where + ": truncated data: expected " + n * dtype.bytes()
                    + " bytes for shape " + java.util.Arrays.toString(shape) + ", found " + raw.length);
        }
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case F32 -> {
                float[] f = new float[(int) n];
                bb.asFloatBuffer().get(f);
                yield Tensor.of(f, shape);
            }
            case I8 -> Tensor.of(raw, shape);
            case I32 -> {
                int[] v = new int[(int) n];
                bb.asIntBuffer().get(v);
                yield Tensor.of(v, shape);
            }
        };
    }

    private static int[] parseShape(String s, String where) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
            } catch (NumberFormatException e) {
                throw new IOException(where + ": bad shape entry '" + p + "' in .npy header");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes atomically: a temporary file beside {@code file}, then a rename. */
    public static void write(Path file, Tensor t) throws IOException {
        AtomicFiles.write(file, out -> write(out, t));
    }

    public static void write(OutputStream out, Tensor t) throws IOException {
        // numpy's tuple syntax: (), (3,), (2, 3)
        String dims = java.util.Arrays.stream(t.shape()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        String shape = "(" + dims + (t.rank() == 1 ? ",)" : ")");
        String dict = "{'descr': '" + t.dtype().numpy() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write(header.length() >>> 8);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        ByteBuffer bb = ByteBuffer.allocate(t.size() * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> bb.asFloatBuffer().put(t.floats());
            case I8 -> bb.put(t.bytes());
            case I32 -> bb.asIntBuffer().put(t.ints());
        }
        out.write(bb.array());
    }
}
