package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.systole.model.Accounting;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Network;
import io.systole.model.Window;
import io.systole.model.Zoo;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImplicitGemmTest {

    @Test
    void shapesOfTheGemm() {
        ImplicitGemm g = new ImplicitGemm("c", 2, 6, 9, 9, 9, 3, new Window(3, 2, 2, 1, 1, 0, 1, 2));
        assertEquals(5, g.outH());
        assertEquals(7, g.outW());
        assertEquals(2 * 5 * 7, g.m());
        assertEquals(2 * 3 * 2, g.k());
        assertEquals(3, g.n());
        assertEquals((long) g.m() * g.k() * g.n() * 3, g.macs());
        assertThrows(IllegalArgumentException.class,
                () -> new ImplicitGemm("bad", 1, 5, 9, 9, 7, 2, new Window(3, 3, 1, 1, 0, 0, 1, 1)));
    }

    /**
     * Every X[m][k] reached through the zero-padded input (window start plus reduction offset, per
     * group) is the input element {@code inputIndex} names, or a padding element where it says -1.
     */
    @Test
    void thePaddedInputAddressesEveryElementOfX() {
        for (ImplicitGemm g : new ImplicitGemm[] {
            new ImplicitGemm("c", 2, 6, 9, 9, 9, 3, new Window(3, 2, 2, 1, 1, 0, 1, 2)),
            new ImplicitGemm("d", 3, 4, 7, 10, 6, 2, new Window(2, 3, 1, 2, 2, 3, 3, 1))}) {
            int hp = g.paddedH();
            int wp = g.paddedW();
            // the input index of every padded element, -1 on padding
            int[] source = new int[g.batch() * g.inC() * hp * wp];
            for (int e = 0; e < source.length; e++) {
                int y = e / wp % hp - g.window().ph();
                int x = e % wp - g.window().pw();
                boolean in = y >= 0 && y < g.inH() && x >= 0 && x < g.inW();
                source[e] = in ? (e / (hp * wp) * g.inH() + y) * g.inW() + x : -1;
            }
            for (int grp = 0; grp < g.groups(); grp++) {
                long groupStart = (long) grp * g.inC() / g.groups() * hp * wp;
                for (int m = 0; m < g.m(); m++) {
                    for (int k = 0; k < g.k(); k++) {
                        int e = Math.toIntExact(groupStart + g.windowStart(m) + g.reductionOffset(k));
                        assertEquals(g.inputIndex(grp, m, k), source[e], g.name() + " group " + grp + " m " + m + " k " + k);
                    }
                }
            }
        }
    }

    @Test
    void macsMatchTheModelAccounting() {
        for (String name : new String[] {"lenet5", "lenet5-28", "alexnet", "tiny"}) {
            Network net = Zoo.get(name);
            Accounting acc = Accounting.of(net);
            for (Network.Node node : net.nodes()) {
                long macs = switch (node.layer()) {
                    case Conv2d c -> ImplicitGemm.of(c, net.shapeOf(node.inputs().getFirst()), 1).macs();
                    case Dense d -> ImplicitGemm.of(d, 1).macs();
                    default -> 0;
                };
                assertEquals(acc.row(node.name()).macs(), macs, name + " " + node.name());
            }
        }
    }

    @Test
    void elementIndexAndTapCountsAgreeWithBruteForce() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 40; trial++) {
            int groups = 1 + rnd.nextInt(2);
            int inC = groups * (1 + rnd.nextInt(3));
            Window w = new Window(1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2),
                    rnd.nextInt(2), rnd.nextInt(2), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2));
            ImplicitGemm g = new ImplicitGemm("t", 1 + rnd.nextInt(2), inC, 5 + rnd.nextInt(5), 5 + rnd.nextInt(5),
                    groups, groups, w);
            int[] idx = new int[g.k()];
            ImplicitGemm.Taps taps = g.taps();
            int m0 = rnd.nextInt(g.m());
            int count = 1 + rnd.nextInt(g.m() - m0);
            int k0 = rnd.nextInt(g.k());
            int r = 1 + rnd.nextInt(g.k() - k0);
            long brute = 0;
            for (int grp = 0; grp < groups; grp++) {
                for (int m = 0; m < g.m(); m++) {
                    g.inputIndex(grp, m, idx);
                    for (int k = 0; k < g.k(); k++) {
                        assertEquals(idx[k], g.inputIndex(grp, m, k));
                        if (grp == 0 && m >= m0 && m < m0 + count && k >= k0 && k < k0 + r && idx[k] >= 0) {
                            brute++;
                        }
                    }
                }
            }
            assertEquals(brute, taps.count(m0, count, k0, r), "trial " + trial + " " + g);
        }
    }
}
