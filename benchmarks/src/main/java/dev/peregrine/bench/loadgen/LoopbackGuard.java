package dev.peregrine.bench.loadgen;

import dev.peregrine.engines.PeregrineException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Keeps the load generator on this machine unless told otherwise: a load test pointed at someone else's server by
 * mistake is a denial-of-service attack. The target's host must resolve to loopback addresses only.
 */
public final class LoopbackGuard {
    private LoopbackGuard() {
    }

    /**
     * Checks the target.
     *
     * @param allowRemote true to accept any host ({@code --allow-remote})
     * @throws PeregrineException BAD_INPUT for a URL that is not http(s) with a host, an unknown host, or a
     *                            non-loopback host without {@code allowRemote}
     */
    public static void check(URI url, boolean allowRemote) throws PeregrineException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw PeregrineException.badInput("--url must be http:// or https://, got '" + url + "'");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw PeregrineException.badInput("--url has no host: '" + url + "'");
        }
        if (allowRemote) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw PeregrineException.badInput("cannot resolve the host of --url '" + host + "'");
        }
        for (InetAddress a : addresses) {
            if (!a.isLoopbackAddress()) {
                throw PeregrineException.badInput("refusing to load " + host + " (" + a.getHostAddress() + "): "
                        + "loadgen targets loopback addresses only; add --allow-remote for a server you run");
            }
        }
    }
}
