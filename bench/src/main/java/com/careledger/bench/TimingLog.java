package com.careledger.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import com.careledger.bench.ServerTiming.Kind;

/**
 * Times of requests by kind, in arrays of a fixed size made before the measurement, so recording a time allocates
 * nothing on the heap the session benchmark measures. Safe for the server's request threads and the client alike.
 */
final class TimingLog {

    private final long[] nanos;
    private final byte[] kinds;
    /** The database transactions a request made, and the nanoseconds they were open (server side only). */
    private final short[] transactions;
    private final long[] transactionNanos;
    private int count;
    private boolean overflowed;

    TimingLog(int capacity) {
        this.nanos = new long[capacity];
        this.kinds = new byte[capacity];
        this.transactions = new short[capacity];
        this.transactionNanos = new long[capacity];
    }

    synchronized void record(Kind kind, long elapsedNanos) {
        record(kind, elapsedNanos, 0, 0);
    }

    synchronized void record(Kind kind, long elapsedNanos, int transactionCount, long inTransactionsNanos) {
        if (count == nanos.length) {
            overflowed = true;
            return;
        }
        nanos[count] = elapsedNanos;
        kinds[count] = (byte) kind.ordinal();
        transactions[count] = (short) Math.min(transactionCount, Short.MAX_VALUE);
        transactionNanos[count] = inTransactionsNanos;
        count++;
        notifyAll();
    }

    /**
     * Waits until the log holds a number of records. The server's filter records a request after its response has
     * gone out, so the client can be on to its next request (or done) a moment before the last time is recorded.
     */
    synchronized void awaitCount(int records) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (count < records && !overflowed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the server recorded " + count + " requests, the client sent " + records);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Forgets the times recorded so far (the warm-up's). */
    synchronized void reset() {
        count = 0;
        overflowed = false;
    }

    /** A mark to read the times from, for {@link #since}. */
    synchronized int mark() {
        return count;
    }

    /** The times in milliseconds of the requests of a kind recorded since a mark, in the order they were recorded. */
    synchronized double[] since(int mark, Kind kind) {
        return since(mark, EnumSet.of(kind));
    }

    /** The times in milliseconds of the requests of any of the kinds recorded since a mark. */
    synchronized double[] since(int mark, Set<Kind> wanted) {
        return column(mark, wanted, i -> nanos[i] / 1e6);
    }

    /** Per request of the kinds since a mark: how many database transactions it made. */
    synchronized double[] transactionsSince(int mark, Set<Kind> wanted) {
        return column(mark, wanted, i -> transactions[i]);
    }

    /** Per request of the kinds since a mark: milliseconds its database transactions were open. */
    synchronized double[] inTransactionsSince(int mark, Set<Kind> wanted) {
        return column(mark, wanted, i -> transactionNanos[i] / 1e6);
    }

    private double[] column(int mark, Set<Kind> wanted, java.util.function.IntToDoubleFunction value) {
        if (overflowed) {
            throw new IllegalStateException("more requests than the " + nanos.length + " the log keeps");
        }
        double[] out = new double[count - mark];
        int n = 0;
        for (int i = mark; i < count; i++) {
            if (wanted.contains(Kind.values()[kinds[i]])) {
                out[n++] = value.applyAsDouble(i);
            }
        }
        return Arrays.copyOf(out, n);
    }
}
