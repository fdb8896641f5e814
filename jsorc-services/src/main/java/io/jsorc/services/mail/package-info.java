/**
 * The {@code mail} service: SMTP through Angus Mail.
 *
 * <p>Depends on the core below the facade.
 */
package io.jsorc.services.mail;
