/**
 * The network as data: layers, shapes and shape inference, parameters with identity (weight
 * tying), the accounting of parameters with and without sharing, the model zoo and model files.
 */
package io.systole.model;
