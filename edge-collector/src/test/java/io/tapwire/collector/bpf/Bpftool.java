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

    // bpftool 7.x writes each program object as {"id":N,"type":"...","name":"...",...}; unnamed ones lack "name".
    private static final Pattern PROGRAM = Pattern.compile("\\{\"id\":(\\d+),\"type\":\"[^\"]*\",\"name\":\"([^\"]*)\"");
    private static final Pattern LINKED_PROGRAM = Pattern.compile("\"prog_id\":(\\d+)");

    private Bpftool() {
    }

    /** Ids of the loaded programs with this (kernel, at most 15 characters) name. */
    static Set<Long> programIds(String name) throws IOException, InterruptedException {
        Set<Long> ids = new HashSet<>();
        Matcher matcher = PROGRAM.matcher(run("prog", "show", "-j"));
        while (matcher.find()) {
            if (matcher.group(2).equals(name)) {
                ids.add(Long.parseLong(matcher.group(1)));
            }
        }
        return ids;
    }

    /** Ids of the programs some BPF link attaches. */
    static Set<Long> linkedProgramIds() throws IOException, InterruptedException {
        Set<Long> ids = new HashSet<>();
        Matcher matcher = LINKED_PROGRAM.matcher(run("link", "show", "-j"));
        while (matcher.find()) {
            ids.add(Long.parseLong(matcher.group(1)));
        }
        return ids;
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
