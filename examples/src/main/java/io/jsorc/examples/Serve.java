package io.jsorc.examples;

import io.jsorc.JsOrc;
import io.jsorc.Orchestrator;
import io.jsorc.action.ActionConfig;
import io.jsorc.action.ActionManager;
import io.jsorc.action.ActionMode;
import io.jsorc.admin.AdminService;
import io.jsorc.examples.actions.Tokenizer;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The main job's {@code serve} mode ({@code ./scripts/example.sh serve}): the example services, the {@code tokenizer}
 * action module loaded, and the admin API on 127.0.0.1:9466 for an operator with the {@code jsorc} CLI, until
 * Ctrl-C. The token is {@code JSORC_ADMIN_TOKEN} when set, else a random one printed once; {@code JSORC_ADMIN_PORT}
 * picks another port (0: a free one).
 */
public final class Serve {

    private Serve() {
    }

    /**
     * Runs until the JVM is stopped (Ctrl-C); JsOrc's shutdown hook closes everything.
     *
     * @param args ignored
     * @throws InterruptedException never in practice: the main thread waits for the JVM to stop
     */
    public static void main(String[] args) throws InterruptedException {
        String given = System.getenv("JSORC_ADMIN_TOKEN");
        String token = given == null || given.isBlank() ? randomToken() : given;
        String port = System.getenv().getOrDefault("JSORC_ADMIN_PORT", "9466");
        Orchestrator orchestrator = Orchestrator.builder()
                .scanPackages("io.jsorc.examples")
                .config("REDIS_CONFIG", "{\"enabled\": false}")
                .config("JSORC_CONFIG", "{\"backoff_interval\": 5, "
                        + "\"pre_loaded_services\": [\"clock\", \"greeter\", \"admin\"]}")
                .config("ADMIN_CONFIG", "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": " + port
                        + ", \"token\": \"" + token + "\", \"readiness\": [\"greeter\"]}")
                .build();
        JsOrc.install(orchestrator);
        orchestrator.start();
        ActionManager actions = orchestrator.get("action_manager", ActionManager.class);
        actions.config("tokenizer", ActionConfig.of(Tokenizer.class));
        actions.load("tokenizer", ActionMode.LOCAL);
        AdminService admin = orchestrator.svc("admin", AdminService.class);
        String url = admin.url();
        System.out.println("JsOrc admin API: " + url);
        System.out.println("Dashboard: " + url + "/ (sign in with the admin token)");
        if (given == null || given.isBlank()) {
            System.out.println("Admin token (shown once; set JSORC_ADMIN_TOKEN to choose your own): " + token);
        }
        System.out.printf(Locale.ROOT, "Try:%n  export JSORC_URL=%s JSORC_TOKEN=<the token>%n"
                + "  ./scripts/jsorc config get GREETER_CONFIG%n  ./scripts/jsorc actions status tokenizer%n"
                + "  curl -s %s/readyz%nCtrl-C stops it.%n", url, url);
        System.out.flush();
        Thread.currentThread().join(); // until Ctrl-C: the jsorc-shutdown hook closes the orchestrator
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
