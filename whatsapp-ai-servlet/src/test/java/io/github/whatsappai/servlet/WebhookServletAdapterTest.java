package io.github.whatsappai.servlet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The body cap and query decoding of {@link WebhookServletAdapter}, on plain streams and strings. */
class WebhookServletAdapterTest {

    @Test
    void declaredLengthAboveTheCapIsRefusedWithoutReadingAByte() {
        CountingStream in = new CountingStream(bytes(200), 1);

        assertThatThrownBy(() -> WebhookServletAdapter.readCapped(in, 101, 100))
                .isInstanceOfSatisfying(BodyTooLargeException.class, e -> {
                    assertThat(e.limit()).isEqualTo(100);
                    assertThat(e.declaredLength()).isEqualTo(101);
                    assertThat(e).hasMessage("Request body of 101 bytes exceeds the limit of 100 bytes");
                });
        assertThat(in.consumed).isZero();
    }

    @Test
    void undeclaredLengthStopsReadingOneByteAfterTheCap() {
        CountingStream in = new CountingStream(bytes(100_000), 7);

        assertThatThrownBy(() -> WebhookServletAdapter.readCapped(in, -1, 1000))
                .isInstanceOfSatisfying(BodyTooLargeException.class,
                        e -> assertThat(e.declaredLength()).isEqualTo(-1));
        assertThat(in.consumed).isEqualTo(1001);
    }

    @Test
    void bodyLongerThanDeclaredIsStillCapped() {
        CountingStream in = new CountingStream(bytes(5000), 4096);

        assertThatThrownBy(() -> WebhookServletAdapter.readCapped(in, 10, 1000))
                .isInstanceOf(BodyTooLargeException.class);
        assertThat(in.consumed).isEqualTo(1001);
    }

    @Test
    void bodyOfExactlyTheCapIsReadWhole() throws IOException {
        byte[] body = bytes(1000);

        assertThat(WebhookServletAdapter.readCapped(new CountingStream(body, 3), -1, 1000)).isEqualTo(body);
        assertThat(WebhookServletAdapter.readCapped(new CountingStream(body, 1000), 1000, 1000)).isEqualTo(body);
    }

    @Test
    void bodiesOfEverySizeArriveUnchangedInAnyChunking() throws IOException {
        for (int size : new int[] {0, 1, 2, 1023, 1024, 1025, 8192, 8193, 65_536, 65_537, 200_000}) {
            byte[] body = bytes(size);
            for (int chunk : new int[] {1, 13, 8192}) {
                if (size > 20_000 && chunk == 1) {
                    continue;
                }
                assertThat(WebhookServletAdapter.readCapped(new CountingStream(body, chunk), size, 4 << 20))
                        .as("declared %d / chunk %d", size, chunk).isEqualTo(body);
                assertThat(WebhookServletAdapter.readCapped(new CountingStream(body, chunk), -1, 4 << 20))
                        .as("chunked %d / chunk %d", size, chunk).isEqualTo(body);
            }
        }
    }

    @Test
    void bodyShorterThanDeclaredIsReturnedAsReceived() throws IOException {
        assertThat(WebhookServletAdapter.readCapped(new CountingStream(bytes(10), 4), 50, 100)).isEqualTo(bytes(10));
    }

    @Test
    void queryKeepsDotsEveryValueAndDecodesUtf8() {
        Map<String, List<String>> q = WebhookServletAdapter.parseQuery(
                "hub.mode=subscribe&hub.challenge=12%2B3&a=1&a=2&empty=&flag&&n%C3%A3o=caf%C3%A9+x&bad=%zz");

        assertThat(q).containsEntry("hub.mode", List.of("subscribe"))
                .containsEntry("hub.challenge", List.of("12+3"))
                .containsEntry("a", List.of("1", "2"))
                .containsEntry("empty", List.of(""))
                .containsEntry("flag", List.of(""))
                .containsEntry("n\u00e3o", List.of("caf\u00e9 x"))
                .containsEntry("bad", List.of("%zz"))
                .hasSize(7);
        assertThat(WebhookServletAdapter.parseQuery(null)).isEmpty();
        assertThat(WebhookServletAdapter.parseQuery("")).isEmpty();
    }

    @Test
    void capMustBePositive() {
        assertThatThrownBy(() -> new WebhookServletAdapter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBodyBytes");
        assertThat(new WebhookServletAdapter(1).maxBodyBytes()).isEqualTo(1);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** Hands out at most {@code chunk} bytes per read and counts what was consumed. */
    private static final class CountingStream extends InputStream {
        private final ByteArrayInputStream data;
        private final int chunk;
        int consumed;

        CountingStream(byte[] bytes, int chunk) {
            this.data = new ByteArrayInputStream(bytes);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            int b = data.read();
            if (b >= 0) {
                consumed++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = data.read(b, off, Math.min(len, chunk));
            if (n > 0) {
                consumed += n;
            }
            return n;
        }
    }
}
