package io.jsorc.admin;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /healthz} and {@code /readyz}, answered by the admin handler but ahead of its request limit, which long
 * operations can fill. Every other path is left to the handlers after it.
 */
final class Probes extends Handler.Abstract {

    private final AdminHandler admin;

    Probes(AdminHandler admin) {
        this.admin = admin;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        return (path.equals("/healthz") || path.equals("/readyz")) && admin.handle(request, response, callback);
    }
}
