/**
 * The reference engine: plain, obviously correct float32 loops for every layer; the living
 * specification every fast path (simulator, JVM backend, OpenCL, TornadoVM, HLS) is compared
 * against.
 */
package io.systole.ref;
