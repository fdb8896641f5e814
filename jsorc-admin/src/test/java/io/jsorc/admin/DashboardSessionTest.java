package io.jsorc.admin;

import io.jsorc.admin.dashboard.SessionAuth;
import io.jsorc.base.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's sign-in over real HTTP: the token is traded for an HttpOnly, SameSite=Strict cookie; a request made
 * with the cookie that changes something needs the CSRF header; sign-out ends the session on the server; the token
 * path is unchanged.
 */
class DashboardSessionTest {

    private static AdminHost host;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        host = AdminHost.start();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    /** A signed-in browser, as far as the server can tell: the cookie and the CSRF token. */
    record Session(String cookie, String csrf, HttpResponse<String> answer) { }

    static Session signIn(String url, String token) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url + "/js_admin/session"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("token", token)))));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = String.valueOf(Json.parseObject(answer.body(), "answer").get("csrf"));
        return new Session(cookie, csrf, answer);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder operation(String name, Map<String, ?> body) {
        return HttpRequest.newBuilder(URI.create(host.admin.url() + "/js_admin/" + name))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieWithAnExpiryAndAnswersTheCsrfToken() throws Exception {
        Session session = signIn(host.admin.url(), AdminHost.TOKEN);
        String setCookie = session.answer().headers().firstValue("Set-Cookie").orElseThrow();
        System.out.println("Set-Cookie: " + setCookie.replaceAll("=[^;]{20,}", "=<id>"));
        assertThat(setCookie).startsWith(SessionAuth.COOKIE + "=").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/").contains("; Max-Age=3600").contains("; Expires=");
        assertThat(session.answer().body()).doesNotContain(AdminHost.TOKEN).contains("\"csrf\"")
                .contains("\"expires_at\"");
        assertThat(setCookie).doesNotContain(AdminHost.TOKEN);
    }

    @Test
    void aWrongTokenGetsNoSession() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(host.admin.url() + "/js_admin/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"wrong\"}")));
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(answer.body()).contains("\"success\":false").contains("Wrong admin token");
        HttpResponse<String> empty = send(HttpRequest.newBuilder(URI.create(host.admin.url() + "/js_admin/session"))
                .POST(HttpRequest.BodyPublishers.ofString("")));
        assertThat(empty.statusCode()).isEqualTo(401);
    }

    @Test
    void aCookieRequestThatChangesSomethingNeedsTheCsrfHeader() throws Exception {
        Session session = signIn(host.admin.url(), AdminHost.TOKEN);
        Map<String, Object> set = Map.of("name", "DASH_CSRF_PROBE", "value", "v1", "do_check", false);

        HttpResponse<String> refused = send(operation("config_set", set).header("Cookie", session.cookie()));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains(SessionAuth.CSRF_HEADER);
        assertThat(host.client.post("config_exists", Map.of("name", "DASH_CSRF_PROBE")).body())
                .as("nothing was stored").isEqualTo(false);

        HttpResponse<String> wrong = send(operation("config_set", set).header("Cookie", session.cookie())
                .header(SessionAuth.CSRF_HEADER, "not-the-token"));
        assertThat(wrong.statusCode()).isEqualTo(403);

        HttpResponse<String> otherOrigin = send(operation("config_set", set).header("Cookie", session.cookie())
                .header(SessionAuth.CSRF_HEADER, session.csrf()).header("Origin", "http://evil.example"));
        assertThat(otherOrigin.statusCode()).isEqualTo(403);

        HttpResponse<String> accepted = send(operation("config_set", set).header("Cookie", session.cookie())
                .header(SessionAuth.CSRF_HEADER, session.csrf()).header("Origin", host.admin.url()));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(host.client.post("config_get", Map.of("name", "DASH_CSRF_PROBE", "do_check", false)).body())
                .isEqualTo("v1");
    }

    @Test
    void aCsrfRefusalBeforeTheBodyArrivedLeavesTheConnectionUsable() throws Exception {
        // The CSRF check refuses on the headers; the body arrives later. The server reads and drops it before
        // answering (as the admin API's own refusals do), so a pooled connection stays good for the next request.
        Session session = signIn(host.admin.url(), AdminHost.TOKEN);
        URI url = URI.create(host.admin.url());
        byte[] body = Json.write(Map.of("name", "DASH_CSRF_PROBE", "value", "v2")).getBytes(StandardCharsets.UTF_8);
        String head = "POST /js_admin/config_set HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Cookie: " + session.cookie() + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(300); // the rest of the body comes after the server could have answered
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            assertThat(AdminAuthTest.response(in)).startsWith("HTTP/1.1 403");
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            assertThat(AdminAuthTest.response(in)).as("the next request on the same connection").startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void theTokenPathNeedsNoCsrfAndNoCookieIsNoAuth() throws Exception {
        assertThat(host.client.post("config_index", Map.of()).status()).isEqualTo(200);
        HttpResponse<String> none = send(operation("config_index", Map.of()));
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> forged = send(operation("config_index", Map.of())
                .header("Cookie", SessionAuth.COOKIE + "=forged").header(SessionAuth.CSRF_HEADER, "x"));
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void aReloadedPageGetsTheCsrfTokenBackWithItsCookie() throws Exception {
        Session session = signIn(host.admin.url(), AdminHost.TOKEN);
        HttpResponse<String> current = send(HttpRequest.newBuilder(URI.create(host.admin.url() + "/js_admin/session"))
                .header("Cookie", session.cookie()).GET());
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(Json.parseObject(current.body(), "answer")).containsEntry("csrf", session.csrf());
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(host.admin.url()
                + "/js_admin/session")).GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void signOutEndsTheSessionOnTheServer() throws Exception {
        Session session = signIn(host.admin.url(), AdminHost.TOKEN);
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(host.admin.url() + "/js_admin/session"))
                .header("Cookie", session.cookie()).DELETE();
        assertThat(send(out).statusCode()).as("sign-out without the CSRF header").isEqualTo(403);
        HttpResponse<String> ended = send(HttpRequest.newBuilder(URI.create(host.admin.url() + "/js_admin/session"))
                .header("Cookie", session.cookie()).header(SessionAuth.CSRF_HEADER, session.csrf()).DELETE());
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(ended.headers().allValues("Set-Cookie")).anyMatch(c -> c.contains("Max-Age=0"));
        // The old cookie, replayed by someone who kept it, is worth nothing now.
        HttpResponse<String> replayed = send(operation("config_index", Map.of()).header("Cookie", session.cookie())
                .header(SessionAuth.CSRF_HEADER, session.csrf()));
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(List.of(replayed.body())).allMatch(body -> body.contains("\"success\":false"));
    }

    @Test
    void aNewAdminTokenEndsTheSessionsSignedInUnderTheOldOne() throws Exception {
        try (AdminHost own = AdminHost.start()) {
            Session session = signIn(own.admin.url(), AdminHost.TOKEN);
            // A refresh under the same token keeps the page signed in.
            AdminService same = (AdminService) own.orchestrator.serviceRefresh(AdminService.NAME);
            assertThat(send(HttpRequest.newBuilder(URI.create(same.url() + "/js_admin/session"))
                    .header("Cookie", session.cookie()).GET()).statusCode()).isEqualTo(200);

            own.orchestrator.configUpdate("ADMIN_CONFIG", "token", "\"another-token-0123456789abcdef\"");
            AdminService changed = (AdminService) own.orchestrator.serviceRefresh(AdminService.NAME);
            HttpResponse<String> old = send(HttpRequest.newBuilder(URI.create(changed.url()
                    + "/js_admin/config_get")).header("Content-Type", "application/json")
                    .header("Cookie", session.cookie()).header(SessionAuth.CSRF_HEADER, session.csrf())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"ADMIN_CONFIG\"}")));
            assertThat(old.statusCode()).as(old.body()).isEqualTo(401);
            assertThat(old.body()).doesNotContain("another-token");
            // The new token signs in as before.
            assertThat(signIn(changed.url(), "another-token-0123456789abcdef").csrf()).isNotBlank();
        }
    }
}
