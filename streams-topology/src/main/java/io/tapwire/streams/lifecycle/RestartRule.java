package io.tapwire.streams.lifecycle;

import java.time.Duration;

import io.tapwire.streams.internal.ServiceFact;

/**
 * When a new process of a service is a restart: the service's last live process on the node exited at most
 * {@code window} before, and that exit was abnormal (killed by a signal, or a non-zero status) or came after at
 * least {@code minUptime} of running (a daemon stopped and started again). A short-lived command that ends well
 * (curl, psql, a cron job) and runs again is no restart.
 */
public record RestartRule(Duration window, Duration minUptime) {

    /** Whether a process started after the exit {@code exit}, leaving the service with none, would be a restart. */
    boolean exitLeadsToRestart(ServiceFact exit) {
        boolean abnormal = exit.getExitSignal() != null && exit.getExitSignal() != 0
                || exit.getExitCode() != null && exit.getExitCode() != 0;
        // A process that started before the collector ran for an unknown, likely long, time.
        boolean ranLong = exit.getStartedAtEpochNs() == null
                || exit.getEpochNs() - exit.getStartedAtEpochNs() >= minUptime.toNanos();
        return abnormal || ranLong;
    }

    boolean withinWindow(long exitEpochNs, long startEpochNs) {
        return startEpochNs - exitEpochNs <= window.toNanos();
    }
}
