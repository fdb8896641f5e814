package io.jsorc.admin.dashboard;

import io.jsorc.CommonService;
import io.jsorc.base.Json;
import io.jsorc.base.Secrets;
import io.jsorc.operate.OperatorContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The config editor's two operations, which keep secrets on the server: {@code POST /js_admin/dashboard_config_get
 * {name}} answers a service's stored config with its secrets masked, and {@code POST /js_admin/dashboard_config_set
 * {name, config}} stores an edited config in which a secret still shown as the mask keeps its stored value, so a
 * masked value is never stored and a secret never reaches the page. Invalid input is refused with 400 and the
 * parser's message, nothing stored. Storing goes through the same path as {@code service_config_set} (the service is
 * refreshed). Authorized like every operation: the token, or a session with its CSRF header.
 */
final class ServiceConfigEndpoint extends Handler.Abstract {

    static final String GET = "/js_admin/dashboard_config_get";
    static final String SET = "/js_admin/dashboard_config_set";
    static final long MAX_BODY = 1L << 20;

    private final OperatorContext operator;
    private final SessionAuth auth;
    private final Predicate<String> tokenCheck;
    private final String adminService;
    /** Refuses fields of the admin service's config it could not run with (a refresh would lock the API out). */
    private final java.util.function.Consumer<Map<String, Object>> adminConfigCheck;

    ServiceConfigEndpoint(OperatorContext operator, SessionAuth auth, Predicate<String> tokenCheck,
                          String adminService, java.util.function.Consumer<Map<String, Object>> adminConfigCheck) {
        this.operator = operator;
        this.auth = auth;
        this.tokenCheck = tokenCheck;
        this.adminService = adminService;
        this.adminConfigCheck = adminConfigCheck;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(GET) && !path.equals(SET)) {
            return false;
        }
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (!(authorization != null ? tokenCheck.test(authorization) : auth.accepts(request))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"jsorc-admin\"");
            HttpAnswers.refuse(request, response, callback, 401,
                    "Missing or wrong admin token: send Authorization: Bearer "
                    + "<token>, or sign in");
            return true;
        }
        if (!request.getMethod().equals("POST")) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            HttpAnswers.refuse(request, response, callback, 405,
                    "Admin operations take POST, not " + request.getMethod());
            return true;
        }
        try {
            Map<String, Object> body = HttpAnswers.body(request, MAX_BODY, path + " request body");
            if (path.equals(GET)) {
                HttpAnswers.json(response, callback, 200, get(body));
            } else {
                String name = service(body);
                Map<String, Object> answer = set(body);
                // Its own server's service: refreshed once this answer is sent, not inside this request.
                HttpAnswers.json(response, name.equals(adminService)
                        ? SelfRefresh.after(callback, () -> operator.refresh(name)) : callback, 200, answer);
            }
        } catch (HttpAnswers.Refusal e) {
            HttpAnswers.refuse(request, response, callback, e.status(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            HttpAnswers.refuse(request, response, callback, 500, "The config request failed: "
                    + Secrets.maskText(String.valueOf(e.getMessage())));
        }
        return true;
    }

    private Map<String, Object> get(Map<String, Object> body) {
        String name = service(body);
        String key = operator.configKeyOf(name).orElseThrow();
        Map<String, Object> stored = operator.configStore().read(key).orElse(Map.of());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("name", name);
        answer.put("key", key);
        answer.put("config", Secrets.mask(stored, declaredSecrets(name)));
        return answer;
    }

    private Map<String, Object> set(Map<String, Object> body) {
        String name = service(body);
        String key = operator.configKeyOf(name).orElseThrow();
        Object given = body.get("config");
        Map<String, Object> edited;
        if (given instanceof Map<?, ?> map) {
            edited = new LinkedHashMap<>();
            map.forEach((k, v) -> edited.put(String.valueOf(k), v));
        } else if (given instanceof String text) {
            try {
                edited = new LinkedHashMap<>(Json.parseObject(text, "config of service '" + name + "'"));
            } catch (IllegalArgumentException e) {
                throw new HttpAnswers.Refusal(400, e.getMessage());
            }
        } else {
            throw new HttpAnswers.Refusal(400, "dashboard_config_set needs the parameter 'config' (a JSON object, or "
                    + "a string holding one)");
        }
        Map<String, Object> stored = operator.configStore().read(key).orElse(Map.of());
        // A secret left as shown (masked, at any depth, in a URL too) keeps what is stored; without a stored value it
        // falls back to the default; one edited around its mask is refused.
        Map<String, Object> restored;
        try {
            restored = MaskedEdits.restore(edited, stored, declaredSecrets(name));
        } catch (IllegalArgumentException e) {
            throw new HttpAnswers.Refusal(400, "Config of service " + name + " was not stored: " + e.getMessage());
        }
        boolean self = name.equals(adminService);
        CommonService<?> fresh;
        try {
            if (self) {
                adminConfigCheck.accept(restored); // else the refresh after it would lock the API out
                operator.serviceConfigStore(name, Json.write(restored));
                fresh = operator.current(name).orElseThrow();
            } else {
                fresh = operator.serviceConfigSet(name, Json.write(restored));
            }
        } catch (IllegalArgumentException e) {
            throw new HttpAnswers.Refusal(400, "Config of service " + name + " was not stored: " + e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("message", self ? "Config " + key + " stored; service " + name + " refreshes once this answer is "
                + "sent" : "Config " + key + " stored; service " + name + " refreshed, now " + fresh.state());
        answer.put("state", fresh.state().name());
        return answer;
    }

    private String service(Map<String, Object> body) {
        Object name = body.get("name");
        if (!(name instanceof String text) || text.isBlank()) {
            throw new HttpAnswers.Refusal(400, "The parameter 'name' (a service name) is missing");
        }
        if (!operator.serviceNames().contains(text) || operator.configKeyOf(text).isEmpty()) {
            throw new HttpAnswers.Refusal(404, "Unknown service '" + text + "'; services: "
                    + operator.serviceNames());
        }
        return text;
    }

    /**
     * The fields to mask besides secret-looking names: those the service's class declares, built or not, and those
     * its running instance masks (a field whose value came from a secret placeholder).
     */
    private Set<String> declaredSecrets(String name) {
        Set<String> fields = new HashSet<>(operator.declaredSecretsOf(name));
        operator.current(name).ifPresent(service -> service.info().config().forEach((field, value) -> {
            if (Secrets.MASK.equals(value)) {
                fields.add(field);
            }
        }));
        return fields;
    }
}
