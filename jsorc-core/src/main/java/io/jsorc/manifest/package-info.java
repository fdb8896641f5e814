/**
 * The Kubernetes documents of a manifest key ({@link io.jsorc.manifest.Manifest}) and what applying them did ({@link
 * io.jsorc.manifest.ApplyReport}): plain data.
 *
 * <p>Depends only on {@code io.jsorc.base} and SnakeYAML.
 */
package io.jsorc.manifest;
