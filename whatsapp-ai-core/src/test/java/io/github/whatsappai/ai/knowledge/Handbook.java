package io.github.whatsappai.ai.knowledge;

import java.util.List;

/** A five-page customer handbook in English, Indonesian and accented text, as a real PDF. */
public final class Handbook {

    private Handbook() {
    }

    /** The handbook; {@code returnDays} changes the return period on page 2 (30 in the first edition). */
    public static byte[] pdf(int returnDays) {
        return TestPdfs.paragraphs("Nusantara Shoes Customer Handbook", List.of(
                List.of("# Nusantara Shoes — Customer Handbook",
                        "Welcome to Nusantara Shoes. This handbook answers the questions our customers ask most often.",
                        "Our shop in Bandung is open from Monday to Saturday, 09:00 to 18:00."),
                List.of("# Returns and refunds",
                        "You may return unworn shoes within " + returnDays + " days of delivery for a full refund. "
                                + "Refunds are paid to the original payment method within five working days "
                                + "after we receive the parcel.",
                        "Sale items can be exchanged for another size but are not refunded."),
                List.of("# Pembayaran dan pengiriman",
                        "Pembayaran dapat dilakukan melalui transfer bank, kartu kredit, atau dompet digital "
                                + "seperti GoPay dan OVO.",
                        "Pengiriman ke seluruh Indonesia memakan waktu dua sampai lima hari kerja. Ongkos kirim "
                                + "gratis untuk pembelian di atas Rp500.000."),
                List.of("# Café partners",
                        "Our café partner in Málaga, Spain serves crème brûlée and café con leche to customers "
                                + "who show a Nusantara receipt.",
                        "Unsere Partner in München bieten eine kostenlose Größenberatung an."),
                List.of("# Warranty",
                        "Every pair carries a two-year warranty against manufacturing defects in the sole and "
                                + "stitching. The warranty does not cover normal wear or damage caused by misuse.")));
    }
}
