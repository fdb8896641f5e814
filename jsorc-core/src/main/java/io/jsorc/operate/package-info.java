/**
 * What an operator may do to a running orchestrator, as one narrow interface: {@link io.jsorc.operate.OperatorContext}.
 * The admin server and the JMX bean (module {@code jsorc-admin}) are written against it, never against the facade.
 * It sits above the feature packages it reaches ({@code config}, {@code regen}, {@code manifest}) and below
 * {@code runtime}, which implements it.
 */
package io.jsorc.operate;
