package dev.peregrine.server.http;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's HTTP client and WebSocket: enough
 * to open a page, set a file input, evaluate JavaScript and take a screenshot. Without a Chromium on the PATH
 * the calling test is skipped with a message, except under {@code CI=true}, where it fails (CI installs one,
 * see {@code .ci/packages}).
 */
final class Chromium implements AutoCloseable {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration STEP = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonObject>> awaitedEvents = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The browser executable: {@code $CHROMIUM}, else the first of chromium, chromium-browser, google-chrome. */
    static Path executable() {
        String override = System.getenv("CHROMIUM");
        if (override != null && Files.isExecutable(Path.of(override))) {
            return Path.of(override);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        String msg = "no Chromium found (chromium, chromium-browser or google-chrome on PATH, or $CHROMIUM); "
                + "install it with 'apt-get install -y chromium'";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(msg + ": CI must have it (.ci/packages)");
        }
        Assumptions.abort(msg + ": skipping the browser test");
        throw new IllegalStateException("unreachable");
    }

    /** Starts a headless browser with a throw-away profile and connects to its first page. */
    static Chromium launch() throws Exception {
        Path exe = executable();
        Path profile = Files.createTempDirectory("peregrine-chromium");
        List<String> cmd = List.of(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--window-size=1280,1000", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "about:blank");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String browserWs = null;
        List<String> seen = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        long until = System.nanoTime() + STEP.toNanos();
        while (browserWs == null && System.nanoTime() < until) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            seen.add(line);
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
            }
        }
        if (browserWs == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not report its DevTools endpoint; output: " + seen);
        }
        // Keep draining the browser's output so that it never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                out.lines().forEach(l -> { });
            } catch (java.io.UncheckedIOException e) {
                // the stream closes with the browser
            }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();

        URI base = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://" + base.getAuthority() + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String pageWs = null;
        for (Object o : new JsonArray(list)) {
            JsonObject target = (JsonObject) o;
            if ("page".equals(target.getString("type"))) {
                pageWs = target.getString("webSocketDebuggerUrl");
                break;
            }
        }
        if (pageWs == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium has no page target: " + list);
        }
        Chromium[] self = new Chromium[1];
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    self[0].dispatch(new JsonObject(message));
                }
                webSocket.request(1);
                return null;
            }
        }).get(STEP.toSeconds(), TimeUnit.SECONDS);
        Chromium c = new Chromium(process, profile, ws);
        self[0] = c;
        return c;
    }

    private void dispatch(JsonObject message) {
        Integer id = message.getInteger("id");
        if (id != null) {
            CompletableFuture<JsonObject> f = pending.remove(id);
            if (f != null) {
                if (message.containsKey("error")) {
                    f.completeExceptionally(new IllegalStateException("CDP error: " + message.getJsonObject("error")));
                } else {
                    f.complete(message.getJsonObject("result", new JsonObject()));
                }
            }
            return;
        }
        CompletableFuture<JsonObject> waiter = awaitedEvents.remove(message.getString("method", ""));
        if (waiter != null) {
            waiter.complete(message.getJsonObject("params", new JsonObject()));
        }
    }

    /** Sends a CDP command and waits for its result. */
    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
                .get(STEP.toSeconds(), TimeUnit.SECONDS);
        return f.get(STEP.toSeconds(), TimeUnit.SECONDS);
    }

    /** Navigates and waits for the load event. */
    void open(String url) throws Exception {
        call("Page.enable", new JsonObject());
        CompletableFuture<JsonObject> loaded = new CompletableFuture<>();
        awaitedEvents.put("Page.loadEventFired", loaded);
        call("Page.navigate", new JsonObject().put("url", url));
        loaded.get(STEP.toSeconds(), TimeUnit.SECONDS);
    }

    /** Evaluates {@code expression} in the page (awaiting a promise) and returns its value. */
    Object eval(String expression) throws Exception {
        JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + r.getJsonObject("exceptionDetails"));
        }
        return r.getJsonObject("result").getValue("value");
    }

    /** Polls {@code expression} until it is truthy (JavaScript sense), for up to a minute; returns its value. */
    Object waitFor(String expression) throws Exception {
        long until = System.nanoTime() + STEP.toNanos();
        Object v = null;
        while (System.nanoTime() < until) {
            v = eval(expression);
            boolean falsy = v == null || Boolean.FALSE.equals(v) || "".equals(v)
                    || v instanceof Number n && n.doubleValue() == 0;
            if (!falsy) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("page never satisfied: " + expression + " (last value " + v + ")");
    }

    /** Puts {@code file} into the file input matched by {@code selector}, which fires its change event. */
    void setFile(String selector, Path file) throws Exception {
        int root = call("DOM.getDocument", new JsonObject()).getJsonObject("root").getInteger("nodeId");
        int node = call("DOM.querySelector", new JsonObject().put("nodeId", root).put("selector", selector))
                .getInteger("nodeId");
        call("DOM.setFileInputFiles", new JsonObject().put("nodeId", node)
                .put("files", new JsonArray().add(file.toAbsolutePath().toString())));
    }

    /** A PNG screenshot of the viewport. */
    byte[] screenshot() throws Exception {
        String data = call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
        return java.util.Base64.getDecoder().decode(data);
    }

    /** Ends the browser process (and its helpers) and deletes the profile. */
    @Override
    public void close() throws IOException {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
