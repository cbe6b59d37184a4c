package io.systole.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFilesTest {
    @TempDir
    Path dir;

    static Tensor random(DType t, SplittableRandom r, int... shape) {
        Tensor x = Tensor.zeros(t, shape);
        for (int i = 0; i < x.size(); i++) {
            switch (t) {
                case F32 -> x.floats()[i] = Float.intBitsToFloat(r.nextInt());
                case I8 -> x.bytes()[i] = (byte) r.nextInt();
                case I32 -> x.ints()[i] = r.nextInt();
            }
        }
        return x;
    }

    @Test
    void npyRoundTripsEveryDtypeAndRank() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        int[][] shapes = {{7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 5}, {0, 4}};
        for (DType t : DType.values()) {
            for (int[] s : shapes) {
                Tensor x = random(t, r, s);
                Path f = dir.resolve(t + "-" + s.length + ".npy");
                Npy.write(f, x);
                assertEquals(x, Npy.read(f));
            }
        }
    }

    @Test
    void npyHeaderIsNumpyCompatible() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.write(f, Tensor.of(new float[] {1, 2, 3}, 3));
        byte[] b = Files.readAllBytes(f);
        String header = new String(b, 10, (b[8] & 0xff) | (b[9] & 0xff) << 8, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertEquals(0, (10 + header.length()) % 64);
        assertTrue(header.endsWith("\n"));
    }

    private Path npyWithHeader(String dict, int dataBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        String h = dict + "\n";
        out.write(h.length());
        out.write(0);
        out.write(h.getBytes(StandardCharsets.ISO_8859_1));
        out.write(new byte[dataBytes]);
        Path f = dir.resolve("bad" + System.nanoTime() + ".npy");
        Files.write(f, out.toByteArray());
        return f;
    }

    @Test
    void npyErrorsNameFileAndProblem() throws IOException {
        Path f64 = npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
        String m = assertThrows(IOException.class, () -> Npy.read(f64)).getMessage();
        assertTrue(m.contains(f64.toString()) && m.contains("'<f8'"), m);

        Path be = npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8);
        assertTrue(assertThrows(IOException.class, () -> Npy.read(be)).getMessage().contains("'>f4'"));

        Path fortran = npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16);
        assertTrue(assertThrows(IOException.class, () -> Npy.read(fortran)).getMessage().contains("Fortran"));

        Path truncated = npyWithHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }", 20);
        String t = assertThrows(IOException.class, () -> Npy.read(truncated)).getMessage();
        assertTrue(t.contains("truncated") && t.contains("24 bytes"), t);

        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "hello world, not numpy");
        assertTrue(assertThrows(IOException.class, () -> Npy.read(notNpy)).getMessage().contains("bad magic"));
    }

    @Test
    void npzRoundTripKeepsNamesAndOrder() throws IOException {
        SplittableRandom r = new SplittableRandom(2);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("conv1.weight", random(DType.F32, r, 6, 1, 5, 5));
        m.put("labels", random(DType.I32, r, 10));
        m.put("q", random(DType.I8, r, 3, 3));
        Path f = dir.resolve("m.npz");
        Npz.write(f, m);
        Map<String, Tensor> back = Npz.read(f);
        assertEquals(m.keySet().stream().toList(), back.keySet().stream().toList());
        assertEquals(m, back);
    }

    @Test
    void npzRejectsNonArchive() throws IOException {
        Path f = dir.resolve("bad.npz");
        Files.writeString(f, "not a zip");
        String m = assertThrows(IOException.class, () -> Npz.read(f)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains(".npz"), m);
    }

    private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(type << 8 | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    @Test
    void idxReadsPlainAndGzipUnsignedBytes() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 11);
        }
        byte[] file = idx(0x08, new int[] {2, 3, 4}, pixels);
        Path plain = dir.resolve("images-idx3-ubyte");
        Files.write(plain, file);
        Path gz = dir.resolve("images-idx3-ubyte.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(file);
        }
        for (Path p : new Path[] {plain, gz}) {
            Tensor t = Idx.read(p);
            assertArrayEquals(new int[] {2, 3, 4}, t.shape());
            assertEquals(DType.I32, t.dtype());
            assertEquals(253, t.ints()[23]);
            assertEquals(0, t.ints()[0]);
        }
    }

    @Test
    void idxReadsFloatsAndRejectsUnknownTypesAndTruncation() throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2f);
        Path f = dir.resolve("f.idx");
        Files.write(f, idx(0x0D, new int[] {2}, bb.array()));
        assertArrayEquals(new float[] {1.5f, -2f}, Idx.read(f).floats());

        Path dbl = dir.resolve("d.idx");
        Files.write(dbl, idx(0x0E, new int[] {1}, new byte[8]));
        assertTrue(assertThrows(IOException.class, () -> Idx.read(dbl)).getMessage().contains("0xe"));

        Path cut = dir.resolve("cut.idx");
        Files.write(cut, idx(0x08, new int[] {10}, new byte[4]));
        String m = assertThrows(IOException.class, () -> Idx.read(cut)).getMessage();
        assertTrue(m.contains(cut.toString()) && m.contains("truncated"), m);
    }

    @Test
    void writtenFilesAreReadableByOthers() throws IOException {
        Path f = dir.resolve("shared.npy");
        Npy.write(f, Tensor.of(new int[] {1}, 1));
        assertTrue(java.nio.file.Files.getPosixFilePermissions(f)
                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
    }

    @Test
    void failedWriteLeavesNoPartialFile() {
        Path f = dir.resolve("never.npy");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full");
        }));
        assertTrue(Files.notExists(f));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void tensorChecksShapeAndDtype() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        Tensor t = Tensor.of(new int[6], 2, 3);
        assertThrows(IllegalStateException.class, t::floats);
        assertArrayEquals(new int[] {3, 2}, t.reshape(3, 2).shape());
        assertEquals(Tensor.of(new int[3], 1, 3), t.slice(1, 2));
    }
}
