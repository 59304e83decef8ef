package io.tapwire.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds of this JVM's own threads, read from /proc/self/task: the JIT compilers and the garbage collector with the
 * VM's housekeeping. Java's thread MXBean does not list these threads, so a reading by Java thread names leaves them
 * out; this one tells them apart by the names HotSpot gives them (the kernel's 15-byte comm cuts "C2 CompilerThread0"
 * to "C2 CompilerThre"). A thread retired since the last reading (HotSpot retires idle compiler threads beyond the
 * first of each kind) takes its time with it, so each figure is a lower bound.
 *
 * @param jitSeconds utime + stime of the C1 and C2 compiler threads
 * @param gcSeconds  utime + stime of the collectors' threads (serial, parallel, G1) and of the VM thread, which runs
 *                   the stop-the-world phases and other safepoint operations
 */
record JvmThreadsCpu(double jitSeconds, double gcSeconds) {

    static JvmThreadsCpu now() throws IOException {
        long jit = 0;
        long gc = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // ended meanwhile
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                    jit += cpuTicks(stat);
                } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
                    gc += cpuTicks(stat);
                }
            }
        }
        return new JvmThreadsCpu(jit / 100.0, gc / 100.0);
    }

    /** utime + stime of a process's or thread's stat line, in clock ticks (USER_HZ = 100). */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
