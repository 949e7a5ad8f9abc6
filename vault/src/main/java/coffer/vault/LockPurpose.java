package coffer.vault;

import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How the purpose of a lock, lease or claim ("backup of web-1") is kept in its body (docs/format/lock.md). In an
 * encrypted vault it names an instance, which whoever holds the storage must not read (docs/design/security.md): it
 * is sealed with the vault's key as an envelope of kind {@link ObjectKind#PURPOSE} bound to the object's name (so a
 * sealed purpose copied into another lock does not open there), stored base64 in {@code sealedPurpose}, and the
 * plain {@code purpose} says only {@link #SEALED} (what a reader of an earlier build shows). A key holder reading the
 * body gets the purpose back; in a vault without encryption it is stored plain, as before.
 *
 * <p>Immutable; thread-safe.
 */
final class LockPurpose {
    /** The plain purpose of a body whose purpose is sealed. */
    static final String SEALED = "sealed purpose (encrypted vault)";
    /** Keeps every purpose plain: a vault without encryption, or a caller with no codec. */
    static final LockPurpose PLAIN = new LockPurpose(null);

    private final ObjectCodec codec;

    /** Seals with {@code codec} when it encrypts; null or a plain codec keeps purposes plain. */
    LockPurpose(ObjectCodec codec) {
        this.codec = codec != null && codec.encrypted() ? codec : null;
    }

    /** The body of a lock, lease or claim of {@code kind} taken now by this process, for the object {@code name}. */
    VaultLocks.Body ofThisProcess(String kind, String name, String purpose) {
        if (codec == null) {
            return VaultLocks.Body.ofThisProcess(kind, purpose, null);
        }
        byte[] plain = purpose.getBytes(StandardCharsets.UTF_8);
        ByteBuffer sealed = codec.seal(ObjectKind.PURPOSE, name, plain, plain.length, false);
        byte[] bytes = new byte[sealed.remaining()];
        sealed.get(bytes);
        return VaultLocks.Body.ofThisProcess(kind, SEALED, Base64.getEncoder().encodeToString(bytes));
    }

    /**
     * {@code body} (of the object {@code name}) with its purpose readable: a sealed one opened with the key; one that
     * does not open (no key here, another vault's key, moved from another object, damaged) said so.
     */
    VaultLocks.Body revealed(String name, VaultLocks.Body body) {
        if (body.sealedPurpose() == null) {
            return body;
        }
        if (codec == null) {
            return body.withPurpose(SEALED);
        }
        try {
            byte[] plain = codec.open(ObjectKind.PURPOSE, name,
                    ByteBuffer.wrap(Base64.getDecoder().decode(body.sealedPurpose())));
            return body.withPurpose(new String(plain, StandardCharsets.UTF_8));
        } catch (CorruptDataException | UnsupportedFormatException | IllegalArgumentException notOpened) {
            return body.withPurpose("a sealed purpose that does not open with this vault's key");
        }
    }
}
