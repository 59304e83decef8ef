package io.tapwire.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A wrk Lua script for requests that look like an API's traffic rather than one URL repeated: 50 paths (40 under
 * /api/ with versions, resources and ids, 10 of the static file with query strings), five User-Agents, three Accept
 * values and an X-Request-Id that is different on every request (as tracing middleware sends it; it does not
 * compress). Each connection waits {@code delayMs} between requests, which holds wrk near a rate instead of flat out.
 */
final class VariedHttpRequests {

    static final int PATHS = 50;

    private VariedHttpRequests() {
    }

    static Path writeScript(Path dir, int delayMs) throws IOException {
        return Files.writeString(dir.resolve("varied-requests.lua"), """
                local resources = {"users", "orders", "products", "carts", "invoices", "sessions", "search", "reviews",
                                   "inventory", "shipments"}
                local paths = {}
                for i = 1, 40 do
                  paths[#paths + 1] = string.format("/api/v%%d/%%s/%%d", (i %% 2) + 1, resources[(i %% #resources) + 1],
                                                    1000 + i * 37)
                end
                local langs = {"en", "de", "fr"}
                for i = 1, 10 do
                  paths[#paths + 1] = string.format("/static.txt?v=%%d&lang=%%s", i, langs[(i %% #langs) + 1])
                end
                local agents = {
                  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                  "curl/7.88.1", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/1.1"}
                local accepts = {"application/json", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*"}
                local n = 0
                math.randomseed(42)
                request = function()
                  n = n + 1
                  local headers = {
                    ["User-Agent"] = agents[(n %% #agents) + 1],
                    ["Accept"] = accepts[(n %% #accepts) + 1],
                    ["X-Request-Id"] = string.format("%%08x-%%04x-%%04x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
                                                     n %% 0x10000),
                  }
                  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
                end
                delay = function()
                  return %d
                end
                """.formatted(delayMs));
    }
}
