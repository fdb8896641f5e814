package io.jsorc.action;

/**
 * What {@link ActionManager#unload} did.
 *
 * @param success whether something was unloaded
 * @param message what happened: {@code Action is not loaded.}, {@code Action is not loaded as module.},
 *                {@code Action is not loaded as remote.}, {@code Remote action is not ready.}, or what was unloaded
 */
public record UnloadResult(boolean success, String message) {
}
