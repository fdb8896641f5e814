package io.jsorc.admin;

import io.jsorc.action.ActionManager;
import io.jsorc.admin.dashboard.SelfRefresh;
import io.jsorc.admin.dashboard.SessionAuth;
import io.jsorc.admin.dashboard.UnreadBody;
import io.jsorc.base.Json;
import io.jsorc.base.Secrets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Serves the admin API on Jetty's core handler API: {@code GET /healthz}, {@code GET /readyz} and
 * {@code POST /js_admin/<operation>}. Every operation needs the token; the body is read within its cap before
 * anything runs; every answer is JSON, every refusal {@code {"success": false, "message": ...}} with no stack trace.
 */
final class AdminHandler extends Handler.Abstract {

    /** The path prefix of the operations. */
    static final String PREFIX = "/js_admin/";
    /** The request name the benchmark records admin requests under (their type is the operation). */
    static final String REQUEST_NAME = "_default_";

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final OperationTable operations;
    private final TokenCheck tokens;
    private final HealthChecks health;
    private final AdminSettings settings;
    private final Supplier<ActionManager> actions;
    /** Dashboard (issue 15): a signed-in session (cookie + CSRF header) authorizes like the token. */
    private final SessionAuth sessions;

    AdminHandler(OperationTable operations, AdminSettings settings, HealthChecks health,
                 Supplier<ActionManager> actions, SessionAuth sessions) {
        this.sessions = sessions;
        this.operations = operations;
        this.settings = settings;
        this.tokens = new TokenCheck(settings.token());
        this.health = health;
        this.actions = actions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            if (path.equals("/healthz") && isRead(method)) {
                boolean live = health.live();
                answer(response, callback, live ? 200 : 503, Map.of("status", live ? "UP" : "DOWN"));
            } else if (path.equals("/readyz") && isRead(method)) {
                readyz(request, response, callback);
            } else if (path.startsWith(PREFIX)) {
                if (!authorized(request)) {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"jsorc-admin\"");
                    refuse(request, response, callback, 401, "Missing or wrong admin token: send Authorization: Bearer "
                            + "<token> (the value of ADMIN_CONFIG.token)");
                } else if (!method.equals("POST")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "POST");
                    refuse(request, response, callback, 405, "Admin operations take POST, not " + method);
                } else {
                    operate(path.substring(PREFIX.length()), request, response, callback);
                }
            } else {
                refuse(request, response, callback, 404, "No such path: " + clip(path) + "; paths: /healthz, /readyz, "
                        + PREFIX + "<operation>");
            }
        } catch (AdminException e) {
            refuse(request, response, callback, e.status(), e.getMessage());
        } catch (RuntimeException | IOException e) {
            log.warn("Admin request {} {} failed: {}", method, clip(path), Secrets.maskText(String.valueOf(e)));
            refuse(request, response, callback, 500, "The admin request failed: " + Secrets.maskText(e.getMessage()));
        }
        return true;
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private boolean authorized(Request request) {
        return tokens.accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION)) || sessions.accepts(request);
    }

    private void readyz(Request request, Response response, Callback callback) {
        Map<String, HealthChecks.Check> checks = health.ready();
        boolean ready = health.live() && checks.values().stream().allMatch(HealthChecks.Check::healthy);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "UP" : "DOWN");
        if (authorized(request)) {
            Map<String, Object> details = new LinkedHashMap<>();
            checks.forEach((name, check) -> details.put(name, check.toMap()));
            body.put("services", details);
        }
        answer(response, callback, ready ? 200 : 503, body);
    }

    private void operate(String name, Request request, Response response, Callback callback) throws IOException {
        AdminOperation operation = operations.find(name).orElseThrow(() -> AdminException.notFound(
                "Unknown admin operation '" + clip(name) + "'; operations: " + operations.names()));
        Params params = new Params(name, parameters(name, request));
        Object result;
        ActionManager.RequestScope scope = requestScope(name);
        try {
            result = operation.run(params);
        } catch (AdminException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + name, e);
        } catch (RuntimeException | IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
        if (result instanceof AnswerThen deferred) {
            answer(response, SelfRefresh.after(callback, deferred.then()), 200, deferred.answer());
        } else {
            answer(response, callback, 200, result);
        }
    }

    /** Marks the request for the benchmark; an admin server without an action manager records nothing. */
    private ActionManager.RequestScope requestScope(String operation) {
        try {
            return actions.get().request(operation, REQUEST_NAME);
        } catch (RuntimeException noActions) {
            return null;
        }
    }

    /** Reads the body within its cap: a JSON object (empty: {@code {}}), or multipart form fields and files. */
    private Map<String, Object> parameters(String operation, Request request) throws IOException {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        boolean multipart = type != null && type.regionMatches(true, 0, "multipart/form-data", 0, 19);
        long cap = multipart ? settings.maxMultipartBytes() : settings.maxJsonBytes();
        byte[] body = read(request, cap);
        if (multipart) {
            return multipart(request, type, body);
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return Map.of();
        }
        try {
            return Json.parseObject(text, operation + " request body");
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("The request body must be a JSON object: " + e.getMessage());
        }
    }

    /**
     * Reads the body within its cap. An oversized body is refused with 413; when it is at most twice the cap it is
     * read to its end first (and dropped), so a client that sends it whole before reading the answer (most do,
     * unless they send {@code Expect: 100-continue}) still gets the 413 rather than a reset connection.
     */
    private static byte[] read(Request request, long cap) throws IOException {
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > cap) {
                if (declared <= 2 * cap) {
                    UnreadBody.discard(in, declared);
                }
                throw tooLarge(declared + " bytes", cap);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, 64 * 1024)));
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + (long) n > cap) {
                    UnreadBody.discard(in, cap);
                    throw tooLarge("over " + cap + " bytes", cap);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static AdminException tooLarge(String size, long cap) {
        return new AdminException(413, "The request body has " + size + "; the cap is " + cap + " bytes "
                + "(ADMIN_CONFIG.max_json_bytes, max_multipart_bytes)");
    }

    private Map<String, Object> multipart(Request request, String type, byte[] body) {
        MultiPartConfig config = new MultiPartConfig.Builder().maxParts(100).maxSize(body.length + 1L)
                .maxPartSize(body.length + 1L).maxMemoryPartSize(body.length + 1L)
                .useFilesForPartsWithoutFileName(false).build();
        Map<String, Object> values = new LinkedHashMap<>();
        try (MultiPartFormData.Parts parts = MultiPartFormData.getParts(
                new ByteBufferContentSource(ByteBuffer.wrap(body)), request, type, config)) {
            for (MultiPart.Part part : parts) {
                String name = part.getName();
                String content = part.getContentAsString(StandardCharsets.UTF_8);
                Object previous = values.get(name);
                if (previous == null) {
                    values.put(name, name.equals("files") ? new ArrayList<>(List.of(content)) : content);
                } else if (previous instanceof List<?> list) {
                    @SuppressWarnings("unchecked")
                    List<Object> more = (List<Object>) list;
                    more.add(content);
                } else {
                    throw AdminException.badRequest("Multipart field '" + name + "' is given twice");
                }
            }
        } catch (AdminException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AdminException.badRequest("The multipart body does not parse: " + e.getMessage());
        }
        return values;
    }

    /** Answers a refusal, after what is left of a short body (see {@link UnreadBody}). */
    private static void refuse(Request request, Response response, Callback callback, int status, String message) {
        UnreadBody.beforeRefusal(request, response);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("message", message);
        answer(response, callback, status, body);
    }

    private static void answer(Response response, Callback callback, int status, Object body) {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static String clip(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
