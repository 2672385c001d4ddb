package com.careledger.bench;

import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * The heap of this JVM after a full collection, read two ways: the heap in use as {@code MemoryMXBean} reports it
 * after {@code System.gc()} (repeated until it stops falling), and the class histogram of live objects (the
 * {@code GC.class_histogram} diagnostic command, which runs a full collection itself and counts every reachable
 * object by class). The histogram's total is the figure the session benchmark divides; the two agree to within the
 * collector's own bookkeeping. The histogram itself goes to a file and is parsed by class only at the end
 * ({@link #growth}), so an earlier reading held in memory does not count as heap of the sessions in a later one.
 */
final class HeapProbe {

    /** Live instances and bytes of one class. */
    record ClassLive(long instances, long bytes) {
    }

    /** The heap after a full collection: in use per MemoryMXBean, live bytes per the histogram, its file. */
    record Heap(long usedAfterGc, long liveBytes, long liveInstances, Path histogram) {
    }

    /** One class's growth between two heaps, per session. */
    record Growth(String className, double instancesPerSession, double bytesPerSession) {
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)");

    private HeapProbe() {
    }

    static Heap read(Path histogramFile) throws Exception {
        dropCollectedComponents();
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            boolean settled = now >= used - used / 1000;
            used = Math.min(used, now);
            if (settled) {
                break;
            }
        }
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Matcher total = TOTAL.matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("the class histogram has no total:\n" + histogram.lines().limit(5).toList());
        }
        Files.createDirectories(histogramFile.getParent());
        Files.writeString(histogramFile, histogram);
        return new Heap(used, Long.parseLong(total.group(2)), Long.parseLong(total.group(1)), histogramFile);
    }

    /**
     * In development mode Vaadin's {@code ComponentTracker} keeps, for every component, the {@code Throwable} of where
     * it was made and attached, in static {@code WeakHashMap}s keyed by the component. A {@code WeakHashMap} drops the
     * entry of a collected key (and with it the strongly held Throwable) only at its next use, once the collector's
     * reference handler has queued the cleared key; so after sessions end their Throwables stay until some other
     * component is made. Here: collect, wait until the reference handler has queued what the collection cleared, use
     * each map once ({@code size()}), until the maps' sizes stop changing; a reading then counts only the live
     * components' entries.
     */
    static void dropCollectedComponents() throws InterruptedException {
        List<Map<?, ?>> maps = new ArrayList<>();
        try {
            Class<?> tracker = Class.forName("com.vaadin.flow.component.internal.ComponentTracker");
            for (var field : tracker.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && Map.class.isAssignableFrom(field.getType())) {
                    field.setAccessible(true);
                    maps.add((Map<?, ?>) field.get(null));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach Vaadin's ComponentTracker to drop collected components", e);
        }
        long before = -1;
        for (int round = 0; round < 10; round++) {
            collectAndAwaitReferenceQueueing();
            long size = maps.stream().mapToLong(Map::size).sum();
            if (size == before) {
                return;
            }
            before = size;
        }
    }

    /** A full collection, and then the moment the reference handler has queued a reference it cleared. */
    private static void collectAndAwaitReferenceQueueing() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        if (queue.remove(60_000) != sentinel) {
            throw new IllegalStateException("a full collection did not clear a weakly held object within a minute");
        }
    }

    private static Map<String, ClassLive> byClass(Path histogramFile) throws IOException {
        Map<String, ClassLive> byClass = new LinkedHashMap<>();
        for (String line : Files.readAllLines(histogramFile)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                byClass.merge(row.group(3), new ClassLive(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
                        (a, b) -> new ClassLive(a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        return byClass;
    }

    /** The classes that grew most from one heap to the other, per session, largest first. */
    static List<Growth> growth(Heap before, Heap after, int sessions, int top) throws IOException {
        List<Growth> out = new ArrayList<>();
        Map<String, ClassLive> then = byClass(before.histogram());
        for (var e : byClass(after.histogram()).entrySet()) {
            ClassLive was = then.getOrDefault(e.getKey(), new ClassLive(0, 0));
            long bytes = e.getValue().bytes() - was.bytes();
            if (bytes > 0) {
                out.add(new Growth(e.getKey(), (e.getValue().instances() - was.instances()) / (double) sessions,
                        bytes / (double) sessions));
            }
        }
        out.sort(Comparator.comparingDouble(Growth::bytesPerSession).reversed());
        return out.subList(0, Math.min(top, out.size()));
    }
}
