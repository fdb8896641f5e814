package io.jsorc.admin;

/**
 * An operation's answer, and what runs once it was sent: a refresh of the admin service itself (see
 * {@link io.jsorc.admin.dashboard.SelfRefresh}).
 *
 * @param answer the answer
 * @param then   run after the answer was sent, on a daemon of its own
 */
record AnswerThen(Object answer, Runnable then) { }
