package io.systole.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named reference networks: architectures with deterministic He-uniform weights (seed 0), and
 * trained models shipped with systole ({@code models/} in the source tree, class-path resources
 * at run time).
 */
public final class Zoo {
    /** A zoo entry: name, one-line description, factory. */
    public record Entry(String name, String description, Supplier<Network> factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        untrained("lenet5", "LeNet-5, classic 32x32x1 input, average pooling", Zoo::lenet5);
        untrained("lenet5-28", "LeNet-5 for 28x28x1 inputs (Fashion-MNIST), max pooling", Zoo::lenet5For28);
        trained("lenet5-fashion", "lenet5-28 trained on Fashion-MNIST: 89.57% top-1 on its test set");
        untrained("alexnet", "AlexNet, single tower, 227x227x3", Zoo::alexnet);
        untrained("vgg16", "VGG-16, 224x224x3", Zoo::vgg16);
        untrained("tiny", "tiny network with awkward sizes: 9x9 input, 3->5->7 channels, stride 2, groups, dilation",
                Zoo::tiny);
        untrained("tied-mlp", "an MLP applying one shared hidden layer three times (weight tying)", Zoo::tiedMlp);
    }

    private Zoo() {
    }

    private static void untrained(String name, String description, Supplier<Network> factory) {
        ENTRIES.put(name, new Entry(name, description, () -> factory.get().initialise(0)));
    }

    private static void trained(String name, String description) {
        ENTRIES.put(name, new Entry(name, description, () -> {
            try {
                return ModelFile.loadResource("models/" + name);
            } catch (java.io.IOException e) {
                throw new ModelException("zoo model '" + name + "' could not be read from the class path: "
                        + e.getMessage(), e);
            }
        }));
    }

    public static List<Entry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    public static boolean has(String name) {
        return ENTRIES.containsKey(name);
    }

    /** The named network: trained weights, or seed-0 weights for an architecture. */
    public static Network get(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new ModelException("no model '" + name + "' in the zoo; known: " + String.join(", ", ENTRIES.keySet()));
        }
        return e.factory().get();
    }

    static Conv2d conv(String name, int in, int out, int k, int stride, int pad) {
        return Conv2d.builder().setName(name).setInChannels(in).setOutChannels(out).setKernel(k)
                .optStride(stride).optPadding(pad).build();
    }

    static Dense dense(String name, int in, int out) {
        return Dense.builder().setName(name).setInFeatures(in).setOutFeatures(out).build();
    }

    static MaxPool2d maxPool(String name, int k, int stride) {
        return MaxPool2d.builder().setName(name).setKernel(k).optStride(stride).build();
    }

    static Network lenet5() {
        return Network.builder("lenet5", Shape.chw(1, 32, 32))
                .add(conv("conv1", 1, 6, 5, 1, 0)).add(new ReLU("relu1"))
                .add(AvgPool2d.builder().setName("pool1").setKernel(2).build())
                .add(conv("conv2", 6, 16, 5, 1, 0)).add(new ReLU("relu2"))
                .add(AvgPool2d.builder().setName("pool2").setKernel(2).build())
                .add(conv("conv3", 16, 120, 5, 1, 0)).add(new ReLU("relu3"))
                .add(new Flatten("flatten"))
                .add(dense("fc1", 120, 84)).add(new ReLU("relu4"))
                .add(dense("fc2", 84, 10)).add(new Softmax("softmax"))
                .build();
    }

    static Network lenet5For28() {
        return Network.builder("lenet5-28", Shape.chw(1, 28, 28))
                .add(conv("conv1", 1, 6, 5, 1, 0)).add(new ReLU("relu1")).add(maxPool("pool1", 2, 2))
                .add(conv("conv2", 6, 16, 5, 1, 0)).add(new ReLU("relu2")).add(maxPool("pool2", 2, 2))
                .add(new Flatten("flatten"))
                .add(dense("fc1", 256, 120)).add(new ReLU("relu3"))
                .add(dense("fc2", 120, 84)).add(new ReLU("relu4"))
                .add(dense("fc3", 84, 10)).add(new Softmax("softmax"))
                .build();
    }

    static Network alexnet() {
        return Network.builder("alexnet", Shape.chw(3, 227, 227))
                .add(conv("conv1", 3, 96, 11, 4, 0)).add(new ReLU("relu1")).add(maxPool("pool1", 3, 2))
                .add(conv("conv2", 96, 256, 5, 1, 2)).add(new ReLU("relu2")).add(maxPool("pool2", 3, 2))
                .add(conv("conv3", 256, 384, 3, 1, 1)).add(new ReLU("relu3"))
                .add(conv("conv4", 384, 384, 3, 1, 1)).add(new ReLU("relu4"))
                .add(conv("conv5", 384, 256, 3, 1, 1)).add(new ReLU("relu5")).add(maxPool("pool5", 3, 2))
                .add(new Flatten("flatten"))
                .add(dense("fc6", 256 * 6 * 6, 4096)).add(new ReLU("relu6"))
                .add(dense("fc7", 4096, 4096)).add(new ReLU("relu7"))
                .add(dense("fc8", 4096, 1000)).add(new Softmax("softmax"))
                .build();
    }

    static Network vgg16() {
        Network.Builder b = Network.builder("vgg16", Shape.chw(3, 224, 224));
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        int in = 3;
        for (int s = 0; s < blocks.length; s++) {
            for (int i = 0; i < blocks[s].length; i++) {
                String id = (s + 1) + "_" + (i + 1);
                b.add(conv("conv" + id, in, blocks[s][i], 3, 1, 1)).add(new ReLU("relu" + id));
                in = blocks[s][i];
            }
            b.add(maxPool("pool" + (s + 1), 2, 2));
        }
        return b.add(new Flatten("flatten"))
                .add(dense("fc6", 512 * 7 * 7, 4096)).add(new ReLU("relu6"))
                .add(dense("fc7", 4096, 4096)).add(new ReLU("relu7"))
                .add(dense("fc8", 4096, 1000)).add(new Softmax("softmax"))
                .build();
    }

    static Network tiny() {
        return Network.builder("tiny", Shape.chw(3, 9, 9))
                .add(conv("conv1", 3, 5, 3, 1, 1)).add(new ReLU("relu1"))
                .add(MaxPool2d.builder().setName("pool1").setKernel(3).optStride(2).optPadding(1).build())
                .add(conv("conv2", 5, 7, 3, 2, 1)).add(new ReLU("relu2"))
                .add(Conv2d.builder().setName("conv3").setInChannels(7).setOutChannels(7).setKernel(2)
                        .optGroups(7).optDilation(2).optPadding(1).build())
                .add(AvgPool2d.builder().setName("pool2").setKernel(2).optStride(1).build())
                .add(new Flatten("flatten"))
                .add(dense("fc", 28, 5)).add(new Softmax("softmax"))
                .build();
    }

    static Network tiedMlp() {
        Dense hidden = dense("hidden", 16, 16);
        ReLU relu = new ReLU("relu");
        return Network.builder("tied-mlp", Shape.flat(16))
                .add(dense("fc_in", 16, 16)).add(relu)
                .add(hidden).add(relu)
                .add(hidden).add(relu)
                .add(hidden).add(relu)
                .add(dense("fc_out", 16, 4)).add(new Softmax("softmax"))
                .build();
    }
}
