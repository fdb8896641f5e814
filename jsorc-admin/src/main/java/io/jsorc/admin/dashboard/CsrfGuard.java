package io.jsorc.admin.dashboard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses, with 403 and a message that says what is missing, an admin request that comes with a live session cookie
 * but without its CSRF header (or from another origin). Requests with an {@code Authorization} header pass through
 * untouched: the token path is the admin handler's. Everything else passes on too; the admin handler then finds no
 * credentials and answers 401.
 */
final class CsrfGuard extends Handler.Abstract {

    private final SessionAuth auth;

    CsrfGuard(SessionAuth auth) {
        this.auth = auth;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).startsWith("/js_admin/")
                || request.getHeaders().get(HttpHeader.AUTHORIZATION) != null
                || auth.verdict(request) != SessionAuth.Verdict.CSRF_REFUSED) {
            return false;
        }
        HttpAnswers.refuse(request, response, callback, 403, "A request made with the dashboard's session cookie that "
                + "changes something needs the " + SessionAuth.CSRF_HEADER + " header holding the session's CSRF "
                + "token (answered by POST or GET " + SessionEndpoints.PATH + "), from this server's own page");
        return true;
    }
}
