package coffer.engine.error;

import coffer.vault.CorruptDataException;
import coffer.vault.KeyUnavailableException;
import coffer.vault.NotAVaultException;
import coffer.vault.PointImmutableException;
import coffer.vault.PointNotFoundException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.VaultBusyException;
import coffer.vault.backend.BackendException;

import java.io.InterruptedIOException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Classifies the checked exceptions of the layers below into {@link CofferException}s. Stateless. */
public final class Errors {
    private Errors() {
    }

    public static CofferException classify(Throwable failure) {
        return switch (failure) {
            case CofferException c -> c;
            case coffer.vault.replicate.ReplicaWriteException e -> new CofferException(ErrorCode.ReplicationMetadataSyncFailed,
                    e.getMessage(), e);
            case CorruptDataException e -> new CofferException(ErrorCode.DataCorrupt, e.getMessage(), e);
            case KeyUnavailableException e -> new CofferException(ErrorCode.KeyUnavailable, e.getMessage(), e);
            case NotAVaultException e -> new CofferException(ErrorCode.NotAVault, e.getMessage(), e);
            case PointNotFoundException e -> new CofferException(ErrorCode.PointNotFound, e.getMessage(), e);
            case coffer.vault.DiskNotInPointException e -> new CofferException(ErrorCode.DiskNotInPoint, e.getMessage(), e);
            case PointImmutableException e -> new CofferException(ErrorCode.BackupPointImmutable, e.getMessage(), e);
            case coffer.vault.PointInUseException e -> new CofferException(ErrorCode.PointInUse, e.getMessage(), e);
            case UnsupportedFormatException e -> new CofferException(ErrorCode.UnsupportedFormat, e.getMessage(), e);
            case VaultBusyException e -> new CofferException(ErrorCode.VaultBusy, e.getMessage(), e);
            case InterruptedIOException e -> new CofferException(ErrorCode.Cancelled, "cancelled", e);
            case coffer.virt.libvirt.LibvirtException e -> new CofferException(ErrorCode.HypervisorFailure, e.getMessage(), e);
            case coffer.virt.domain.DomainDefinitionException e -> new CofferException(ErrorCode.HypervisorFailure,
                    e.getMessage(), e);
            case coffer.virt.image.ImageRefusedException e -> new CofferException(ErrorCode.InvalidArgument,
                    e.getMessage(), e);
            case coffer.virt.image.ExternalToolException e -> new CofferException(ErrorCode.ToolFailed, e.getMessage(), e);
            case coffer.virt.guestfs.GuestfsException e -> new CofferException(ErrorCode.ToolFailed, e.getMessage(), e);
            case java.nio.file.FileAlreadyExistsException e -> new CofferException(ErrorCode.TargetExists,
                    e.getFile() + " already exists", e);
            case BackendException e -> new CofferException(ErrorCode.StorageFailure, e.getMessage(), e);
            case NoSuchFileException e -> new CofferException(ErrorCode.SourceNotFound,
                    "no such file: " + e.getFile(), e);
            case AccessDeniedException e -> new CofferException(ErrorCode.SourceUnreadable,
                    "permission denied: " + e.getFile(), e);
            case IllegalArgumentException e -> new CofferException(ErrorCode.InvalidArgument, e.getMessage(), e);
            case IOException e -> new CofferException(ErrorCode.StorageFailure, String.valueOf(e.getMessage()), e);
            default -> new CofferException(ErrorCode.Internal, String.valueOf(failure), failure);
        };
    }
}
