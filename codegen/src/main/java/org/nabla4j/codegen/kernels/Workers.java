package org.nabla4j.codegen.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The threads that run parallel parts of compiled code: one daemon worker per core besides the
 * caller. A worker that finishes a job spins for a short while before it parks, so the next job
 * of a training step or a loop reaches it in about a microsecond; waking a parked thread (as a
 * fork-join pool does for every submission once its workers are idle) took 65-200 µs on this
 * machine, more than many of the parts themselves.
 *
 * <p>One job runs at a time. A caller that finds the workers busy (another thread's job, or a part
 * asking for parts of its own) runs all its parts itself, so calls never wait for each other and
 * never deadlock.
 */
public final class Workers {
    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 300_000;
    private static final int WORKERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static volatile Job current;
    private static final Worker[] POOL = new Worker[WORKERS];

    static {
        for (int i = 0; i < WORKERS; i++) {
            POOL[i] = new Worker();
            Thread t = Thread.ofPlatform().daemon().name("nabla4j-worker-" + i).unstarted(POOL[i]);
            POOL[i].thread = t;
            t.start();
        }
    }

    private Workers() {}

    /** The number of threads a job can use: the caller and the workers. */
    public static int threads() {
        return WORKERS + 1;
    }

    /**
     * Runs {@code part.accept(i)} for every i in [0, parts), on the caller and the workers, and
     * returns when all are done. A part's exception is rethrown here (the first one, as the cause
     * of an IllegalStateException unless it is unchecked).
     */
    public static void run(int parts, IntConsumer part) {
        if (parts <= 1 || WORKERS == 0 || !BUSY.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) part.accept(i);
            return;
        }
        Job job = new Job(parts, part);
        try {
            current = job;
            for (Worker w : POOL) {
                if (w.parked) {
                    w.parked = false;
                    LockSupport.unpark(w.thread);
                }
            }
            job.work();
            while (job.done.get() < parts) Thread.onSpinWait();
        } finally {
            current = null;
            BUSY.set(false);
        }
        Throwable error = job.error;
        if (error instanceof RuntimeException r) throw r;
        if (error instanceof Error e) throw e;
        if (error != null) throw new IllegalStateException("a parallel part failed", error);
    }

    /** One call's parts, taken by whoever is free until none are left. */
    private static final class Job {
        final int parts;
        final IntConsumer part;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable error;

        Job(int parts, IntConsumer part) {
            this.parts = parts;
            this.part = part;
        }

        void work() {
            for (int i = next.getAndIncrement(); i < parts; i = next.getAndIncrement()) {
                try {
                    part.accept(i);
                } catch (Throwable t) {
                    if (error == null) error = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Worker implements Runnable {
        Thread thread;
        volatile boolean parked;

        @Override
        public void run() {
            Job last = null;
            long idleSince = System.nanoTime();
            while (true) {
                Job job = current;
                if (job != null && job != last) {
                    last = job;
                    job.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // Dekker with run(): publish "parked", then look for a job once more before parking.
                    parked = true;
                    job = current;
                    if (job == null || job == last) LockSupport.park(this);
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
