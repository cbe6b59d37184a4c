package io.systole.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** numpy's {@code .npz}: a zip archive of {@code NAME.npy} members (stored or deflated). */
public final class Npz {
    private Npz() {
    }

    /** Arrays by name (without the {@code .npy} suffix), in archive order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (InputStream fin = Files.newInputStream(file); ZipInputStream zin = new ZipInputStream(fin)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new IOException(file + ": member '" + name + "' is not an .npy array");
                }
                out.put(name.substring(0, name.length() - 4), Npy.read(zin, file + ":" + name));
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not a valid .npz archive: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": not a valid .npz archive (no arrays)");
        }
        return out;
    }

    /** Writes all arrays, deflated, atomically. */
    public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zout = new ZipOutputStream(out);
            for (Map.Entry<String, Tensor> a : arrays.entrySet()) {
                zout.putNextEntry(new ZipEntry(a.getKey() + ".npy"));
                Npy.write(zout, a.getValue());
                zout.closeEntry();
            }
            zout.finish();
        });
    }
}
