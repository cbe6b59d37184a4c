package io.systole.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.tensor.Npz;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    private static void assertSameNetwork(Network a, Network b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.inputShape(), b.inputShape());
        assertEquals(a.nodes().size(), b.nodes().size());
        for (int i = 0; i < a.nodes().size(); i++) {
            Network.Node x = a.nodes().get(i);
            Network.Node y = b.nodes().get(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.inputs(), y.inputs());
            assertEquals(x.output(), y.output());
            assertEquals(x.layer().type(), y.layer().type());
            assertEquals(x.layer().name(), y.layer().name());
        }
        List<Parameter> pa = a.parameters();
        List<Parameter> pb = b.parameters();
        assertEquals(pa.size(), pb.size());
        for (int i = 0; i < pa.size(); i++) {
            assertEquals(pa.get(i).name(), pb.get(i).name());
            assertArrayEquals(pa.get(i).shape(), pb.get(i).shape());
            assertArrayEquals(pa.get(i).data(), pb.get(i).data());
        }
    }

    @Test
    void zooNetworksRoundTripExactly() throws IOException {
        for (String name : new String[] {"lenet5", "lenet5-28", "tiny", "tied-mlp"}) {
            Network net = Zoo.get(name);
            Path f = dir.resolve(name + ".json");
            ModelFile.save(net, f);
            assertTrue(Files.exists(dir.resolve(name + ".npz")));
            assertSameNetwork(net, ModelFile.load(f));
        }
    }

    @Test
    void tiedLayersAndParametersStayShared() throws IOException {
        Path f = dir.resolve("t.json");
        ModelFile.save(Zoo.get("tied-mlp"), f);
        Network back = ModelFile.load(f);
        assertSame(back.node("hidden").layer(), back.node("hidden#3").layer());
        assertEquals(6, back.parameters().size());
        assertTrue(Files.readString(f).contains("\"graph\""));

        Parameter w = new Parameter("shared.weight", 2, 2, 1, 1);
        w.data()[0] = 3f;
        Conv2d a = Conv2d.builder().setName("a").setInChannels(2).setOutChannels(2).setKernel(1).optWeight(w).build();
        Conv2d b = Conv2d.builder().setName("b").setInChannels(2).setOutChannels(2).setKernel(1).optWeight(w)
                .optBias(false).build();
        Network net = Network.builder("p", Shape.chw(2, 3, 3)).add(a).add(b).build();
        Path g = dir.resolve("p.json");
        ModelFile.save(net, g);
        Network loaded = ModelFile.load(g);
        Conv2d la = (Conv2d) loaded.node("a").layer();
        Conv2d lb = (Conv2d) loaded.node("b").layer();
        assertSame(la.weight(), lb.weight());
        assertEquals(null, lb.bias());
        assertEquals(3f, lb.weight().data()[0]);
    }

    private String loadError(String json) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, json);
        String m = assertThrows(ModelException.class, () -> ModelFile.load(f)).getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        return m;
    }

    private void weights(Map<String, Tensor> w) throws IOException {
        Npz.write(dir.resolve("w.npz"), w);
    }

    @Test
    void malformedFilesNameFileLayerAndField() throws IOException {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("c.weight", Tensor.of(new float[8], 2, 1, 2, 2));
        w.put("c.bias", Tensor.of(new float[2], 2));
        weights(w);
        String head = "{\"format\": \"systole-model/1\", \"name\": \"m\", \"input\": [1, 4, 4], \"weights\": \"w.npz\", ";
        String conv = "{\"name\": \"c\", \"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 2, "
                + "\"kernel\": [2, 2], \"weight\": \"c.weight\", \"bias\": \"c.bias\"";

        assertTrue(loadError("{not json").contains("not valid JSON"));
        assertTrue(loadError("{\"format\": \"other\"}").contains("field 'format'"));
        assertTrue(loadError(head + "\"layers\": []}").contains("field 'layers'"));
        String m = loadError(head + "\"layers\": [" + conv.replace("\"kernel\": [2, 2]", "\"kernel\": [2]") + "}]}");
        assertTrue(m.contains("layer 'c'") && m.contains("field 'kernel'"), m);
        m = loadError(head + "\"layers\": [" + conv.replace("\"in_channels\": 1", "\"in_channels\": \"one\"") + "}]}");
        assertTrue(m.contains("layer 'c'") && m.contains("field 'in_channels'"), m);
        m = loadError(head + "\"layers\": [" + conv.replace("c.weight\"", "missing\"") + "}]}");
        assertTrue(m.contains("layer 'c'") && m.contains("'missing' is missing"), m);
        m = loadError(head + "\"layers\": [" + conv.replace("\"out_channels\": 2", "\"out_channels\": 3") + "}]}");
        assertTrue(m.contains("layer 'c'") && m.contains("expected F32 [3, 1, 2, 2]"), m);
        m = loadError(head + "\"layers\": [{\"name\": \"x\", \"type\": \"lstm\"}]}");
        assertTrue(m.contains("layer 'x'") && m.contains("unknown value 'lstm'"), m);
        m = loadError(head.replace("[1, 4, 4]", "[1, 1, 1]") + "\"layers\": [" + conv + "}]}");
        assertTrue(m.contains("'c'") && m.contains("larger than the padded input"), m);
        m = loadError(head.replace("w.npz", "gone.npz") + "\"layers\": [" + conv + "}]}");
        assertTrue(m.contains("gone.npz") && m.contains("does not exist"), m);
        m = loadError(head + "\"layers\": [" + conv + "}], \"graph\": [{\"node\": \"n\", \"layer\": \"zz\", \"inputs\": [\"input\"]}]}");
        assertTrue(m.contains("unknown layer 'zz'"), m);
    }

    @Test
    void resolveAcceptsZooNamesAndFilesAndRejectsOthers() throws IOException {
        assertEquals("tiny", ModelFile.resolve("tiny").name());
        Path f = dir.resolve("tiny.json");
        ModelFile.save(Zoo.get("tiny"), f);
        assertEquals("tiny", ModelFile.resolve(f.toString()).name());
        String m = assertThrows(ModelException.class, () -> ModelFile.resolve("no-such-model")).getMessage();
        assertTrue(m.contains("no-such-model") && m.contains("zoo"), m);
    }
}
