package io.jsorc.admin;

/**
 * One operation of the admin API ({@code POST /js_admin/<name>}): takes the request's parameters, answers a value
 * that is written as JSON.
 */
@FunctionalInterface
public interface AdminOperation {

    /**
     * Runs the operation.
     *
     * @param params the request's parameters
     * @return the answer, written as JSON ({@code null} as JSON {@code null})
     * @throws AdminException when the request is refused (its status and message are answered)
     * @throws Exception      any other failure: answered 500 with its message, nothing else
     */
    Object run(Params params) throws Exception;
}
