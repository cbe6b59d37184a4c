package io.systole.model;

/** A network that cannot be built or loaded: the message names the layer and what was expected. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
