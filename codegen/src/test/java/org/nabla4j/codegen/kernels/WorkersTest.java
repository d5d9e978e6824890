package org.nabla4j.codegen.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The workers run every part exactly once, pass exceptions back, and never make callers wait for each other. */
class WorkersTest {
    @Test
    void everyPartRunsExactlyOnce() {
        for (int parts : new int[] {0, 1, 2, 3, 17, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(parts, 1));
            for (int round = 0; round < 50; round++) Workers.run(parts, runs::incrementAndGet);
            for (int i = 0; i < parts; i++) assertEquals(50, runs.get(i), "part " + i + " of " + parts);
        }
    }

    @Test
    void aPartsExceptionReachesTheCaller() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        var e = assertThrows(IllegalArgumentException.class, () -> Workers.run(8, i -> {
            if (i == 5) throw boom;
        }));
        assertSame(boom, e);
        AtomicLong sum = new AtomicLong();
        Workers.run(8, sum::addAndGet); // still usable afterwards
        assertEquals(28, sum.get());
    }

    @Test
    void concurrentAndNestedCallsEachGetAllTheirParts() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicLong total = new AtomicLong();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 200; round++) {
                    Workers.run(4, outer -> Workers.run(3, inner -> total.addAndGet(1)));
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(8L * 200 * 4 * 3, total.get());
    }
}
