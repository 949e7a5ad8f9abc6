package coffer.virt.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an NBD export is served: a Unix domain socket or a TCP address, and the export's name (possibly
 * empty, the server's default export).
 *
 * <p>Immutable; thread-safe.
 */
public record NbdExport(SocketAddress address, String name) {
    private static final int TCP_CONNECT_TIMEOUT_MILLIS = 30_000;

    public NbdExport {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        if (!(address instanceof UnixDomainSocketAddress) && !(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("not a Unix or TCP socket address: " + address);
        }
        if (name.length() > Protocol.MAX_STRING) {
            throw new IllegalArgumentException("export name longer than " + Protocol.MAX_STRING);
        }
    }

    public static NbdExport unix(Path socket, String name) {
        return new NbdExport(UnixDomainSocketAddress.of(socket), name);
    }

    public static NbdExport tcp(String host, int port, String name) {
        return new NbdExport(new InetSocketAddress(host, port), name);
    }

    /** Opens a blocking socket to the server; the caller owns it. */
    SocketChannel connect() throws IOException {
        SocketChannel channel = address instanceof InetSocketAddress
                ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            if (address instanceof InetSocketAddress) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(address, TCP_CONNECT_TIMEOUT_MILLIS);
            } else {
                channel.connect(address);
            }
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to NBD server " + this + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * For messages, e.g. {@code nbd+unix:///vda?socket=/run/x.sock} or {@code nbd://host:10809/vda}. Every connection
     * asks it when it opens; tests of the type, not a pattern {@code switch}, whose bootstrap spins a class at run time
     * that the start-up cache does not keep (docs/performance.md, session 15).
     */
    @Override
    public String toString() {
        if (address instanceof UnixDomainSocketAddress unix) {
            return "nbd+unix:///" + name + "?socket=" + unix.getPath();
        }
        if (address instanceof InetSocketAddress inet) {
            return "nbd://" + inet.getHostString() + ":" + inet.getPort() + "/" + name;
        }
        return address + "/" + name;
    }
}
