package coffer.virt.domain;

import java.io.IOException;

/** A domain definition that cannot be parsed or lacks what Coffer needs (a name, disk targets). */
public final class DomainDefinitionException extends IOException {
    public DomainDefinitionException(String message) {
        super(message);
    }

    public DomainDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
