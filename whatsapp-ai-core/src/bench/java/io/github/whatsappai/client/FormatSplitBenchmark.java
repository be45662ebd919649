package io.github.whatsappai.client;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Formatting and splitting a 20,000-character LLM reply (Markdown with headings, bold, italics,
 * lists, links with underscores, a table, a code block, Indonesian text and emoji).
 *
 * <pre>./mvnw -B -o -Pbench -pl whatsapp-ai-core test-compile exec:exec -Dbench.args=FormatSplitBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FormatSplitBenchmark {

    private static final String BLOCK = """
            ## Ringkasan **pesanan** Anda 🎉

            Terima kasih, **Siti**! Pesanan Anda sudah *kami proses* dan akan dikirim ~~besok~~ hari ini.
            Lacak di [halaman pelacakan](https://toko.example.id/track?id=ORD_123_ABC&ref=wa_bot) atau
            kunjungi https://toko.example.id/help_center/faq_pengiriman untuk info lain.

            | Item | Qty | Subtotal |
            |------|-----|----------|
            | Kopi Susu | 2 | Rp 36.000 |
            | Roti Bakar | 1 | Rp 22.000 |

            * **Catatan:** ongkir gratis untuk 2*3*4 = 24 item pertama.
            * Gunakan kode `PROMO_AKHIR_TAHUN` saat checkout.
              - berlaku hingga 31 Desember
              - tidak berlaku untuk produk *pre-order*

            ```python
            def total(items):
                return sum(i.price * i.qty for i in items)  # **tidak** diubah
            ```

            ---

            Ada yang bisa kami bantu lagi? 😊 Silakan balas pesan ini kapan saja. Tim kami siap membantu
            Senin–Jumat pukul 08.00–17.00 WIB, dan Sabtu pukul 09.00–13.00 WIB.

            """;

    private String reply;
    private MessageSplitter splitter;

    /** Builds the 20,000-character reply. */
    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder(20_100);
        while (sb.length() < 20_000) {
            sb.append(BLOCK);
        }
        reply = sb.substring(0, 20_000);
        splitter = new MessageSplitter();
    }

    /** Markdown conversion plus splitting into ≤ 4096-character parts. */
    @Benchmark
    public List<String> formatAndSplit() {
        return splitter.split(MarkdownFormatter.toWhatsApp(reply));
    }
}
