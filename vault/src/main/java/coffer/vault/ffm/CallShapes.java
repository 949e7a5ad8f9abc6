package coffer.vault.ffm;

/**
 * Where a C function may be bound with a shape wider than its prototype (more integer or pointer arguments, a result
 * it does not return), as libvirt's one shape and libcrypto's shared ones are to spin fewer stub classes
 * (docs/performance.md, session 15): on the C calling conventions of x86-64 System V and AArch64 only. There the first
 * integer and pointer arguments travel in registers, one per register whatever its width; a callee reads the
 * registers of the parameters it declares and ignores the others, reads an {@code int} parameter from its register's
 * low 32 bits, and a caller may ignore the result register of a {@code void} function. Elsewhere a wider shape could
 * put an argument where the function does not look for it, so such a binding is not used there.
 */
public final class CallShapes {
    private CallShapes() {
    }

    /** True when {@code arch} (an {@code os.arch} value) has one of the calling conventions named above. */
    public static boolean safeOn(String arch) {
        return switch (arch) {
            case "amd64", "x86_64", "aarch64" -> true;
            default -> false;
        };
    }
}
