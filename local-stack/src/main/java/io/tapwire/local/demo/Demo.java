package io.tapwire.local.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.tapwire.servers.Nginx;
import io.tapwire.servers.Postgres;
import io.tapwire.servers.Redis;
import io.tapwire.servers.ServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/run-local --demo}: real nginx, PostgreSQL and Redis from Debian on 127.0.0.1, each in a folder of its
 * own, and their own clients (curl, psql, redis-cli — a new process and connection each time, as short-lived clients
 * are) sending a steady trickle of requests with a share of errors, so that a new user sees a populated service map
 * within a minute. The servers stop with the stack; a client that fails is reported, never fatal.
 */
public final class Demo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    /** Reported failures of the traffic: the first, then one in this many, so a broken server does not flood. */
    private static final int REPORT_EVERY = 60;

    private final List<AutoCloseable> servers;
    private final ScheduledExecutorService traffic;
    private final String description;
    private long rounds;
    private long failures;

    private Demo(List<AutoCloseable> servers, ScheduledExecutorService traffic, String description) {
        this.servers = servers;
        this.traffic = traffic;
        this.description = description;
    }

    /**
     * Starts the servers (PostgreSQL's initdb takes a few seconds), then one round of traffic every {@code interval}.
     *
     * @throws ServerException when a server is not installed or does not start; what started is stopped again
     */
    public static Demo start(Duration interval) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Nginx nginx = new Nginx();
            started.add(nginx);
            Postgres postgres = new Postgres();
            started.add(postgres);
            Redis redis = new Redis();
            started.add(redis);
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "tapwire-demo-traffic");
                thread.setDaemon(true);
                return thread;
            });
            Demo demo = new Demo(started, traffic, String.format("nginx at %s, PostgreSQL at 127.0.0.1:%d, Redis at"
                    + " 127.0.0.1:%d, with curl, psql and redis-cli sending requests every %d ms", nginx.url("/"),
                    postgres.port(), redis.port(), interval.toMillis()));
            traffic.scheduleWithFixedDelay(() -> demo.round(nginx, postgres, redis), 0, interval.toMillis(),
                    TimeUnit.MILLISECONDS);
            return demo;
        } catch (RuntimeException e) {
            stopAll(started);
            throw e;
        }
    }

    /**
     * One round: two pages and, now and then, a missing one (404) or a failing one (500); a query and now and then
     * a statement on a table that does not exist; a SET and a GET.
     */
    private void round(Nginx nginx, Postgres postgres, Redis redis) {
        long round = rounds++;
        attempt(() -> nginx.curl("/"));
        attempt(() -> nginx.curl("/index.html"));
        if (round % 4 == 0) {
            attempt(() -> nginx.curl("/missing/" + round));
        }
        if (round % 10 == 0) {
            attempt(() -> nginx.curl(Nginx.FAILING_PATH + round));
        }
        attempt(() -> postgres.psql("SELECT count(*) FROM pg_class WHERE relpages > " + (round % 7)));
        if (round % 5 == 0) {
            try {
                postgres.psql("SELECT * FROM demo_missing_table");
            } catch (ServerException expected) {
                // the error is the point: psql reports it, Tapwire counts a failed query
            }
        }
        String key = "demo:" + (round % 100);
        attempt(() -> redis.redisCli("SET", key, Long.toString(round)));
        attempt(() -> redis.redisCli("GET", key));
    }

    private void attempt(Runnable client) {
        try {
            client.run();
        } catch (RuntimeException e) {
            if (failures++ % REPORT_EVERY == 0) {
                LOG.warn("A demo client failed ({} so far): {}", failures, e.getMessage());
            }
        }
    }

    /** What runs, for the launcher's ready line. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        traffic.shutdownNow();
        try {
            traffic.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopAll(servers);
    }

    private static void stopAll(List<AutoCloseable> servers) {
        for (int i = servers.size() - 1; i >= 0; i--) {
            try {
                servers.get(i).close();
            } catch (Exception e) {
                // stop the others regardless
            }
        }
    }
}
