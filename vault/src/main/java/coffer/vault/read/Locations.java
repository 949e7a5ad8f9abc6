package coffer.vault.read;

import coffer.vault.PointManifest;

/** Formats where damage is: point, disk, byte range. Stateless. */
public final class Locations {
    private Locations() {
    }

    public static String of(PointManifest point, PointManifest.Disk disk, long offset, long length) {
        return "point " + point.id() + " disk " + disk.name() + " bytes " + offset + "-" + (offset + length - 1);
    }
}
