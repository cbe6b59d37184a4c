/**
 * The profiling report: per layer, measured time split into kernel, transfer and host; GOP/s
 * and the fraction of the device's peak; the simulator's cycles, utilization and traffic for the
 * chosen array beside it; written as JSON, CSV, a terminal table and a self-contained HTML page
 * (bar chart per layer, roofline chart, the plan) that needs no network access.
 */
package io.systole.profile;
