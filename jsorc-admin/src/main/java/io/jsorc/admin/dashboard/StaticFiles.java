package io.jsorc.admin.dashboard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the page from the classpath: {@code GET /} is {@code index.html}, {@code /assets/...} the page's modules and
 * styles ({@value #PAGE_ROOT}), {@code /vendor/uplot/...} the chart library's {@code dist} files from its WebJar
 * (whichever version is on the classpath, so the page names no version). Nothing else on the
 * classpath is reachable: names are checked against a narrow pattern, and the page's content security policy lets it
 * load only from this server. The files hold no data (that needs a session), so they are served to anyone.
 */
final class StaticFiles extends Handler.Abstract {

    /** Where the page's files are on the classpath. */
    static final String PAGE_ROOT = "META-INF/jsorc/dashboard/";
    /** Where the chart library's files are on the classpath. */
    static final String UPLOT_ROOT = "META-INF/resources/webjars/uplot/";
    /** The content security policy: this server only; no inline script; no framing. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The uPlot version the WebJar on the classpath holds (from its Maven metadata). */
    static final String UPLOT_VERSION = webjarVersion("META-INF/maven/org.webjars.npm/uplot/pom.properties");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_./-]{0,200}");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon", "json", "application/json");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final ClassLoader loader = StaticFiles.class.getClassLoader();

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        Optional<String> resource = resourceOf(path);
        if (resource.isEmpty()) {
            return false;
        }
        byte[] body = read(resource.get());
        if (body == null) {
            HttpAnswers.refuse(request, response, callback, 404, "No such dashboard file: " + path);
            return true;
        }
        String ext = resource.get().substring(resource.get().lastIndexOf('.') + 1);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
        return true;
    }

    /** {@return the classpath resource a path names, or empty when the path is not the page's} */
    static Optional<String> resourceOf(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return Optional.of(PAGE_ROOT + "index.html");
        }
        String root;
        String name;
        if (path.startsWith("/assets/")) {
            root = PAGE_ROOT;
            name = path.substring("/assets/".length());
        } else if (path.startsWith("/vendor/uplot/")) {
            root = UPLOT_ROOT + UPLOT_VERSION + "/dist/";
            name = path.substring("/vendor/uplot/".length());
        } else {
            return Optional.empty();
        }
        if (!NAME.matcher(name).matches() || name.contains("..") || name.contains("//")
                || !TYPES.containsKey(name.substring(name.lastIndexOf('.') + 1))) {
            return Optional.of(PAGE_ROOT + "missing"); // answered 404
        }
        return Optional.of(root + name);
    }

    private static String webjarVersion(String properties) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(properties)) {
            java.util.Properties values = new java.util.Properties();
            if (in != null) {
                values.load(in);
            }
            return values.getProperty("version", "missing");
        } catch (IOException e) {
            return "missing";
        }
    }

    private byte[] read(String resource) {
        byte[] cached = cache.get(resource);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            cache.put(resource, bytes); // bounded: only the files that exist under the two roots
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
