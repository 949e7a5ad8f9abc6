package coffer.vault.backend;

/** The named object does not exist in the backend. Permanent. */
public final class ObjectNotFoundException extends BackendException {
    private final String name;

    public ObjectNotFoundException(String backend, String name) {
        super("no object '" + name + "' in " + backend, false, null);
        this.name = name;
    }

    public String objectName() {
        return name;
    }
}
