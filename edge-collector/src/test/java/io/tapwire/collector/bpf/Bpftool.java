package io.tapwire.collector.bpf;

import io.tapwire.bpf.KernelPrerequisites;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the kernel has loaded and attached, asked through bpftool's JSON output (an independent witness). */
final class Bpftool {

    private static final Pattern LINKED_PROGRAM = Pattern.compile("\"prog_id\":(\\d+)");
    // Every object of prog/map show -j starts with {"id":N,
    private static final Pattern OBJECT_ID = Pattern.compile("\\{\"id\":(\\d+),");

    private Bpftool() {
    }

    /** Ids of every loaded program. */
    static Set<Long> programIds() throws IOException, InterruptedException {
        return ids(OBJECT_ID, run("prog", "show", "-j"));
    }

    /** Ids of every BPF map. */
    static Set<Long> mapIds() throws IOException, InterruptedException {
        return ids(OBJECT_ID, run("map", "show", "-j"));
    }

    private static Set<Long> ids(Pattern pattern, String json) {
        Set<Long> ids = new HashSet<>();
        Matcher matcher = pattern.matcher(json);
        while (matcher.find()) {
            ids.add(Long.parseLong(matcher.group(1)));
        }
        return ids;
    }

    /** Ids of the programs some BPF link attaches. */
    static Set<Long> linkedProgramIds() throws IOException, InterruptedException {
        return ids(LINKED_PROGRAM, run("link", "show", "-j"));
    }

    private static String run(String... arguments) throws IOException, InterruptedException {
        String[] command = new String[arguments.length + 1];
        command[0] = KernelPrerequisites.bpftool();
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process process = new ProcessBuilder(command).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + errors);
        }
        return output;
    }
}
