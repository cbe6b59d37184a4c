/**
 * Training of the float32 model: backpropagation through every layer (a shared filter's
 * gradient sums over every output position it touched, a tied parameter's over every use),
 * softmax cross-entropy, SGD and Adam, multithreaded reproducible mini-batch training, datasets
 * (Fashion-MNIST, IDX and NPY files) and evaluation.
 */
package io.systole.train;
