package io.jsorc.admin;

import io.jsorc.CommonService;
import io.jsorc.Service;
import io.jsorc.action.ActionManager;
import io.jsorc.operate.OperatorContext;

/**
 * The {@code admin} service: the operator's HTTP API of a running host, configured by {@code ADMIN_CONFIG}
 * ({@code enabled} from {@code JSORC_ADMIN_ENABLED}, default off; {@code host} 127.0.0.1; {@code port} 9466, 0 for a
 * free one; {@code token} from {@code JSORC_ADMIN_TOKEN}, required; {@code health_timeout_ms}; {@code readiness}).
 *
 * <p>An enabled service with an empty token fails to start, naming {@code ADMIN_CONFIG.token} and
 * {@code JSORC_ADMIN_TOKEN}: there is no unauthenticated mode. The token is a secret: masked in {@link #info()} and
 * never logged.
 */
@Service(name = "admin", secrets = {"token"})
public class AdminService extends CommonService<AdminServer> {

    /** The service name. */
    public static final String NAME = "admin";

    private volatile AdminServer server;

    /** Created by the orchestrator. */
    public AdminService() {
    }

    @Override
    protected AdminServer run() throws Exception {
        AdminSettings settings = AdminSettings.from(config());
        OperatorContext operator = OperatorContext.of(context());
        AdminServer started = new AdminServer(settings, operator,
                () -> context().get("action_manager", ActionManager.class));
        started.start();
        this.server = started;
        log.info("Admin API listening on {} (operations: POST {}<operation>, token required)", started.url(),
                AdminHandler.PREFIX);
        return started;
    }

    /**
     * Gives the bound port.
     *
     * @return the port the admin API listens on
     * @throws IllegalStateException when the service is not running
     */
    public int port() {
        return running().port();
    }

    /**
     * Gives the base URL.
     *
     * @return e.g. {@code http://127.0.0.1:9466}
     * @throws IllegalStateException when the service is not running
     */
    public String url() {
        return running().url();
    }

    private AdminServer running() {
        AdminServer current = server;
        if (current == null || !isRunning()) {
            throw new IllegalStateException("The admin service is " + state() + "; its server runs only while "
                    + "RUNNING (ADMIN_CONFIG.enabled, or JSORC_ADMIN_ENABLED=true)");
        }
        return current;
    }

    @Override
    protected void failed(Throwable cause) {
        close();
    }

    @Override
    protected void onDelete() {
        close();
    }

    private void close() {
        AdminServer current = server;
        server = null;
        if (current != null) {
            current.close();
        }
    }
}
