package coffer.vault.backend.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which requests go with {@code UNSIGNED-PAYLOAD}: plain HTTP only to a loopback store on an explicit port; plain
 * HTTP to any other host keeps the SHA-256 of the body in the signature (docs/design/s3.md, "Request signing").
 */
class UnsignedPayloadSchemeTest {
    private static final byte[] BODY = "a chunk's bytes".getBytes(StandardCharsets.UTF_8);
    /** SHA-256 of {@link #BODY}, as SigV4 puts it in {@code x-amz-content-sha256}. */
    private static final String BODY_SHA256 = sha256(BODY);

    @Test
    void plainHttpToALoopbackStoreSendsTheBodyUnsigned() {
        for (String endpoint : new String[]{"http://127.0.0.1:9000", "http://127.8.9.10:9000", "http://localhost:9000",
                "http://[::1]:9000"}) {
            SdkHttpRequest signed = sign(endpoint);
            assertEquals("UNSIGNED-PAYLOAD", signed.firstMatchingHeader("x-amz-content-sha256").orElseThrow(), endpoint);
            assertEquals("http", signed.protocol(), endpoint + " still goes out over plain HTTP");
            assertTrue(signed.firstMatchingHeader("Authorization").orElseThrow().startsWith("AWS4-HMAC-SHA256 "), endpoint);
        }
    }

    @Test
    void plainHttpToAnyOtherHostSignsTheBody() {
        for (String endpoint : new String[]{"http://10.0.0.5:9000", "http://store.example:9000", "http://127.0.0.1",
                "http://192.168.1.1:80", "http://localhost.example:9000"}) {
            assertEquals(BODY_SHA256, sign(endpoint).firstMatchingHeader("x-amz-content-sha256").orElseThrow(), endpoint);
        }
    }

    private static SdkHttpRequest sign(String endpoint) {
        URI uri = URI.create(endpoint + "/bucket/chunks/ab/key");
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(uri)
                .putHeader("Content-Length", String.valueOf(BODY.length)).build();
        SignedRequest signed = new UnsignedPayloadScheme().signer().sign(SignRequest.builder(
                        AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
                .request(request)
                .payload(ContentStreamProvider.fromInputStreamSupplier(() -> new ByteArrayInputStream(BODY)))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .build());
        return signed.request();
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
