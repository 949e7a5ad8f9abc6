package coffer.vault.backend.s3;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

import java.util.concurrent.CompletableFuture;

/**
 * SigV4 with {@code UNSIGNED-PAYLOAD} also over plain HTTP to a store on this host (a loopback address), where the
 * SDK otherwise hashes every request body with SHA-256 (the store then hashes it again to check): measured on this
 * machine, that hashing was 40 % of the client's CPU in a backup to a loopback store, and it buys nothing there:
 * no one else is on the path, and every stored object carries its own GCM tag or digest, checked on every read.
 * Headers (bucket, key, conditions, date) stay signed. Over HTTPS the SDK sends {@code UNSIGNED-PAYLOAD} itself
 * (TLS protects the body). Plain HTTP to any other host keeps the signed payload: there the signature is what
 * stops a body being changed on the way (docs/design/s3.md, "Request signing").
 *
 * <p>The SDK decides "sign the payload" from the request's protocol alone, and the protocol is not part of
 * what SigV4 signs (method, path, query, headers, payload hash). So the standard signer signs a copy of the
 * request that says {@code https}, and the signed request goes out as {@code http} again. Only for an explicit
 * non-default port, where both protocols give the same {@code Host} header; otherwise the payload is signed.
 *
 * <p>Stateless; thread-safe.
 */
final class UnsignedPayloadScheme implements AuthScheme<AwsCredentialsIdentity> {
    private final AwsV4AuthScheme standard = AwsV4AuthScheme.create();
    private final HttpSigner<AwsCredentialsIdentity> signer = new Signer(standard.signer());

    @Override
    public String schemeId() {
        return AwsV4AuthScheme.SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return standard.identityProvider(providers);
    }

    @Override
    public HttpSigner<AwsCredentialsIdentity> signer() {
        return signer;
    }

    private record Signer(AwsV4HttpSigner standard) implements HttpSigner<AwsCredentialsIdentity> {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest http = request.request();
            if (!"http".equals(http.protocol()) || http.port() == 80 || http.port() == 443 || !loopback(http.host())) {
                return standard.sign(request);
            }
            SignRequest<? extends AwsCredentialsIdentity> asHttps = request.copy(b -> b
                    .request(http.toBuilder().protocol("https").port(http.port()).build())
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                    .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, false));
            SignedRequest signed = standard.sign(asHttps);
            return signed.copy(b -> b.request(signed.request().toBuilder().protocol("http").port(http.port()).build()));
        }

        /** A loopback address written as such ({@code localhost}, {@code 127.x.x.x}, {@code ::1}); no name is resolved. */
        static boolean loopback(String host) {
            if (host == null) {
                return false;
            }
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            try {
                return java.net.InetAddress.ofLiteral(literal).isLoopbackAddress();
            } catch (IllegalArgumentException notAnAddress) {
                return false; // a host name: not resolved here (DNS could say anything)
            }
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            return standard.signAsync(request); // the backend uses the synchronous client only
        }
    }
}
