package io.tapwire.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load generators, run through the {@link TracedProcessLauncher} pinned to {@code cpus}, and what their
 * summaries say: hey at a fixed open-loop rate, wrk flat out or with a Lua script.
 */
final class HttpLoad {

    /**
     * One run's figures from the generator's own summary.
     *
     * @param requests  responses received, whatever their status (wrk: completed requests)
     * @param errors    responses other than 2xx/3xx, and hey's error distribution or wrk's socket errors
     * @param perSecond the generator's Requests/sec
     * @param p50Ms     median latency (NaN where the generator does not print it)
     * @param p99Ms     99th percentile latency; hey prints seconds with four decimals, so 0.1 ms steps
     */
    record Result(long requests, long errors, double perSecond, double p50Ms, double p99Ms, String output) {
    }

    private static final Pattern HEY_RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern HEY_PERCENTILE = Pattern.compile("(\\d+)% in ([\\d.]+) secs");
    private static final Pattern HEY_STATUS = Pattern.compile("\\[(\\d+)]\\s+(\\d+) responses");
    private static final Pattern HEY_ERROR = Pattern.compile("\\[(\\d+)]\\s+Get .*");
    private static final Pattern WRK_REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern WRK_SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final TracedProcessLauncher launcher;
    private final String cpus;

    HttpLoad(TracedProcessLauncher launcher, String cpus) {
        this.launcher = launcher;
        this.cpus = cpus;
    }

    /** hey's command line for an open-loop run at {@code workers × perWorkerRate} requests/s. */
    List<String> heyCommand(String url, int seconds, int workers, int perWorkerRate) {
        return List.of("taskset", "-c", cpus, "hey", "-z", seconds + "s", "-c", String.valueOf(workers),
                "-q", String.valueOf(perWorkerRate), "-cpus", "1", url);
    }

    Result hey(String url, int seconds, int workers, int perWorkerRate) throws IOException, InterruptedException {
        String out = launcher.run(heyCommand(url, seconds, workers, perWorkerRate), Duration.ofSeconds(seconds + 60L));
        long requests = 0;
        Matcher status = HEY_STATUS.matcher(out);
        long errors = 0;
        while (status.find()) {
            long count = Long.parseLong(status.group(2));
            requests += count;
            if (!status.group(1).startsWith("2") && !status.group(1).startsWith("3")) {
                errors += count;
            }
        }
        Matcher error = HEY_ERROR.matcher(out);
        while (error.find()) {
            errors += Long.parseLong(error.group(1));
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = HEY_PERCENTILE.matcher(out);
        while (percentile.find()) {
            double ms = Double.parseDouble(percentile.group(2)) * 1000;
            switch (percentile.group(1)) {
                case "50" -> p50 = ms;
                case "99" -> p99 = ms;
                default -> { }
            }
        }
        return new Result(requests, errors, number(HEY_RATE, out, "hey"), p50, p99, out);
    }

    /** wrk's command line: one thread, {@code connections} connections, optionally a Lua script. */
    List<String> wrkCommand(String url, int seconds, int connections, Path script) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cpus, "wrk", "-t1", "-c" + connections,
                "-d" + seconds + "s", "--latency"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        return command;
    }

    Result wrk(String url, int seconds, int connections, Path script) throws IOException, InterruptedException {
        String out = launcher.run(wrkCommand(url, seconds, connections, script), Duration.ofSeconds(seconds + 60L));
        long errors = 0;
        Matcher socket = WRK_SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socket.group(group));
            }
        }
        Matcher non2xx = WRK_NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new Result((long) number(WRK_REQUESTS, out, "wrk"), errors, number(WRK_RATE, out, "wrk"),
                wrkPercentile(out, "50%"), wrkPercentile(out, "99%"), out);
    }

    /** wrk --latency prints e.g. "99%    2.53ms" (us, ms or s). */
    private static double wrkPercentile(String out, String label) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s)\\b").matcher(out);
        if (!m.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static double number(Pattern pattern, String out, String tool) throws IOException {
        Matcher m = pattern.matcher(out);
        if (!m.find()) {
            throw new IOException(tool + "'s output has no " + pattern.pattern() + ":\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }
}
