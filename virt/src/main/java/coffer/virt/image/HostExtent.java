package coffer.virt.image;

/**
 * A guest range of a disk image that lies in the image file itself: {@code length} bytes from guest offset
 * {@code start} stored from byte {@code offset} of the file.
 */
public record HostExtent(long start, long length, long offset) {
    public HostExtent {
        if (start < 0 || length <= 0 || offset < 0) {
            throw new IllegalArgumentException("bad host extent start=" + start + " length=" + length
                    + " offset=" + offset);
        }
    }

    /** The guest offset just past this extent. */
    public long end() {
        return start + length;
    }
}
