package io.systole.tensor;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of (Fashion-)MNIST, plain or gzip-compressed: two zero bytes, a type code, the
 * rank, big-endian int32 dimensions, big-endian data. Unsigned and signed bytes, shorts and ints
 * read as int32 tensors; floats as float32.
 */
public final class Idx {
    private Idx() {
    }

    public static Tensor read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(new DataInputStream(new BufferedInputStream(in, 1 << 16)), file.toString());
        }
    }

    private static Tensor read(DataInputStream in, String where) throws IOException {
        int magic = in.readInt();
        if ((magic >>> 16) != 0) {
            throw new IOException(where + ": not an IDX file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readInt();
            if (shape[i] < 0) {
                throw new IOException(where + ": negative dimension " + shape[i] + " on axis " + i);
            }
        }
        int n = Math.toIntExact(Tensor.count(shape));
        int width = switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            default -> throw new IOException(where + ": unsupported IDX type code 0x" + Integer.toHexString(type)
                    + " (expected 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int or 0x0D float)");
        };
        byte[] raw = new byte[n * width];
        try {
            in.readFully(raw);
        } catch (java.io.EOFException e) {
            throw new IOException(where + ": truncated IDX data: expected " + raw.length + " bytes", e);
        }
        ByteBuffer bb = ByteBuffer.wrap(raw);
        if (type == 0x0D) {
            float[] f = new float[n];
            bb.asFloatBuffer().get(f);
            return Tensor.of(f, shape);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case 0x08 -> raw[i] & 0xff;
                case 0x09 -> raw[i];
                case 0x0B -> bb.getShort(2 * i);
                default -> bb.getInt(4 * i);
            };
        }
        return Tensor.of(v, shape);
    }
}
