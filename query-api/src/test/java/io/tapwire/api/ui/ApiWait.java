package io.tapwire.api.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.restassured.response.Response;

/**
 * Waits until the API answers a path with all of a dataset (its read models fill in the background), so that what a
 * page shows afterwards is the whole dataset. One per test class.
 */
final class ApiWait {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Set<String> complete = ConcurrentHashMap.newKeySet();
    /** Per path, why its wait ran out: later tests fail at once instead of waiting again for what does not come. */
    private final Map<String, String> gaveUp = new ConcurrentHashMap<>();

    void until(String path, Predicate<Response> isComplete) throws InterruptedException {
        assertThat(gaveUp.get(path)).as("an earlier wait ran out: %s", gaveUp.get(path)).isNull();
        if (complete.contains(path)) {
            return;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Response response = given().when().get(path);
            if (response.statusCode() == 200 && isComplete.test(response)) {
                complete.add(path);
                return;
            }
            if (System.nanoTime() > deadline) {
                String body = response.asString();
                gaveUp.put(path, "GET " + path + " still answers " + response.statusCode() + " "
                        + (body.length() > 500 ? body.substring(0, 500) + "…" : body) + " after " + WAIT);
                throw new AssertionError(gaveUp.get(path));
            }
            Thread.sleep(200);
        }
    }
}
