/**
 * The README's example consumer application: a service and a context of a user's own, built on jsorc-core.
 *
 * <p>Depends on jsorc-core's API only.
 */
package com.example;
