/**
 * Runs a plan across devices: stage by stage, each stage on its backend with its tensors resident
 * there, only stage inputs and wanted outputs crossing to the host; collects every node's time.
 */
package io.systole.runtime;
