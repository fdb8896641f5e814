/**
 * Placement policies: {@code Default} (by hand), {@code Evaluation} and {@code Adaptive}, run on their own daemon by
 * the {@link io.jsorc.action.policy.PolicyRunner}, and the {@link io.jsorc.action.policy.PlacementControl} through
 * which a policy sees and moves modules.
 *
 * <p>Depends on {@code io.jsorc.action.tracking} and the core below the facade; never on the manager itself.
 */
package io.jsorc.action.policy;
