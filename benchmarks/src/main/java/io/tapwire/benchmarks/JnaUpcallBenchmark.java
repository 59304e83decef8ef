package io.tapwire.benchmarks;

import java.util.concurrent.TimeUnit;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one call from native code into Java costs through JNA, as libbpf calls the ring-buffer poller once per record
 * (RingBufferPoller's sample callback): libc's qsort of {@value #COUNT} pointers with a Java comparator, one
 * operation per comparator call. With a direct-mapped function JNA calls the callback's method through JNI with the
 * native arguments. {@code pointers}: its arguments declared as {@link Pointer}, as the poller declared them, so JNA
 * makes a Pointer object for each through JNI before the call; {@code addresses}: declared as {@code long}, passed as
 * they are (the Java side makes its Pointer itself). Both include qsort's own work, a few ns per comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"})
@State(Scope.Thread)
public class JnaUpcallBenchmark {

    static final int COUNT = 1024;
    /** Comparator calls of glibc's qsort for this input, counted in {@link #setUp}. */
    private static final int CALLS_PER_SORT = 9_022;

    static {
        Native.register(JnaUpcallBenchmark.class, NativeLibrary.getInstance("c"));
    }

    static native void qsort(Pointer base, long count, long size, Callback compare);

    /** As libbpf's ring_buffer_sample_fn was bound, before the collector read the rings' pages itself. */
    public interface Compare extends Callback {
        int invoke(Pointer a, Pointer b);
    }

    /** The same with the pointers as plain numbers. */
    public interface CompareAddresses extends Callback {
        int invoke(long a, long b);
    }

    private Memory unsorted;
    private Memory values;
    private Compare pointers;
    private CompareAddresses addresses;
    private int calls;

    @Setup(Level.Trial)
    public void setUp() {
        unsorted = new Memory((long) COUNT * Long.BYTES);
        for (int i = 0; i < COUNT; i++) {
            unsorted.setLong((long) i * Long.BYTES, (i * 7_919L) % 10_007);
        }
        values = new Memory(unsorted.size());
        pointers = (a, b) -> {
            calls++;
            return Long.compare(a.getLong(0), b.getLong(0));
        };
        addresses = (a, b) -> {
            calls++;
            return Long.compare(new Pointer(a).getLong(0), new Pointer(b).getLong(0));
        };
        calls = 0;
        sort(pointers);
        if (calls != CALLS_PER_SORT) {
            throw new IllegalStateException("qsort made " + calls + " comparator calls; set CALLS_PER_SORT to it");
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS_PER_SORT)
    public int pointers() {
        sort(pointers);
        return calls;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS_PER_SORT)
    public int addresses() {
        sort(addresses);
        return calls;
    }

    private void sort(Callback compare) {
        values.write(0, unsorted.getByteArray(0, (int) unsorted.size()), 0, (int) unsorted.size());
        qsort(values, COUNT, Long.BYTES, compare);
    }
}
