/** Benchmarks run as commands (never as timed tests): the backends against ONNX Runtime. */
package io.systole.bench;
