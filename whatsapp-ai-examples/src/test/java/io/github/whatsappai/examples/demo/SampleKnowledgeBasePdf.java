package io.github.whatsappai.examples.demo;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the demo's sample knowledge base, {@code src/main/resources/demo/sample-knowledge-base.pdf}:
 * the FAQ of a fictional coffee roaster in English and Indonesian. Run it after editing the text:
 * {@code java -cp … io.github.whatsappai.examples.demo.SampleKnowledgeBasePdf <output.pdf>}.
 */
public final class SampleKnowledgeBasePdf {

    /** Sections: a heading followed by paragraphs. The first page break comes before "Pengiriman". */
    static final String[][] SECTIONS = {
        {"Kopi Senja - Customer Handbook",
            "Kopi Senja is a small coffee roaster and cafe in Bandung, Indonesia. This handbook answers the "
            + "questions our customers ask most often. Our assistant on WhatsApp answers from this document."},
        {"Opening hours",
            "The cafe on Jalan Braga 42 is open Monday to Friday from 7:00 to 21:00, and Saturday and Sunday "
            + "from 8:00 to 22:00. On national public holidays we open at 9:00 and close at 18:00.",
            "The roastery on Jalan Dago 7 is not open to visitors, except for the cupping session every "
            + "first Saturday of the month at 10:00. Cupping sessions cost Rp 75.000 per person and must be "
            + "booked at least two days in advance."},
        {"Delivery",
            "We deliver coffee beans and ground coffee everywhere in Bandung, seven days a week, Sundays "
            + "included. Orders placed before 14:00 arrive the same day; later orders arrive the next day.",
            "Delivery inside Bandung costs Rp 15.000 and is free for orders above Rp 300.000. Orders to other "
            + "cities in Java ship with JNE and arrive in two to four working days; shipping outside Java "
            + "takes three to seven working days. We do not ship outside Indonesia."},
        {"Payment",
            "We accept bank transfer (BCA and Mandiri), QRIS, GoPay, OVO and credit cards. Cash is accepted "
            + "in the cafe only. Invoices for companies are available on request with the company tax number."},
        {"Returns and refunds",
            "If your beans arrive damaged or you received the wrong product, send us a photo within three days "
            + "of delivery and we will replace the order or refund it in full. Opened bags of coffee cannot "
            + "be returned for taste reasons, but we are happy to recommend a different roast."},
        {"Subscriptions",
            "The Senja Subscription delivers 250 grams of freshly roasted beans every two weeks for "
            + "Rp 120.000 per delivery, or 500 grams for Rp 220.000. You can pause or cancel at any time "
            + "before the next roast day, which is every Tuesday. Subscribers get 10 percent off in the cafe."},
        {"Wholesale",
            "Cafes, hotels and offices can buy wholesale from 5 kilograms per month. Wholesale prices start "
            + "at Rp 180.000 per kilogram for the house blend. Contact our wholesale team to arrange a free "
            + "tasting and a grinder check."},
        {"Brewing guide",
            "For a V60 pour-over, use 15 grams of coffee for 250 millilitres of water at 92 degrees Celsius "
            + "and a medium-fine grind; the brew should take about three minutes. For a French press, use a "
            + "coarse grind, 4 minutes of steeping, and 60 grams of coffee per litre.",
            "Store beans in an airtight container away from light and heat. Do not keep coffee in the "
            + "refrigerator: moisture spoils the taste. Beans taste best between one and four weeks after "
            + "the roast date printed on the bag."},
        {"Allergies and ingredients",
            "All our coffees are 100 percent Arabica from West Java, Aceh Gayo and Toraja. The cafe uses cow "
            + "milk, oat milk and almond milk; our pastries may contain nuts, gluten and eggs. Ask the staff "
            + "for the allergen list of each pastry."},
        {"Pengiriman (Bahasa Indonesia)",
            "Kami mengirim biji kopi dan kopi bubuk ke seluruh Bandung setiap hari, termasuk hari Minggu. "
            + "Pesanan sebelum pukul 14:00 tiba di hari yang sama. Ongkos kirim di dalam Bandung Rp 15.000 "
            + "dan gratis untuk pesanan di atas Rp 300.000."},
        {"Pembayaran (Bahasa Indonesia)",
            "Pembayaran bisa melalui transfer bank BCA dan Mandiri, QRIS, GoPay, OVO, dan kartu kredit. "
            + "Pembayaran tunai hanya diterima di kafe."},
        {"Jam buka (Bahasa Indonesia)",
            "Kafe di Jalan Braga 42 buka Senin sampai Jumat pukul 7:00 sampai 21:00, serta Sabtu dan Minggu "
            + "pukul 8:00 sampai 22:00. Pada hari libur nasional kafe buka pukul 9:00 sampai 18:00."},
        {"Langganan (Bahasa Indonesia)",
            "Langganan Senja mengirim 250 gram biji kopi segar setiap dua minggu seharga Rp 120.000, atau 500 "
            + "gram seharga Rp 220.000. Langganan bisa dihentikan sementara atau dibatalkan kapan saja sebelum "
            + "hari sangrai berikutnya, yaitu setiap hari Selasa."},
    };

    private static final float MARGIN = 56;
    private static final float BODY_SIZE = 11;
    private static final float HEADING_SIZE = 15;
    private static final float LEADING = 15;

    private SampleKnowledgeBasePdf() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0]
                : "whatsapp-ai-examples/src/main/resources/demo/sample-knowledge-base.pdf");
        Files.write(out, render());
        System.out.println("wrote " + out);
    }

    /** The PDF's bytes. */
    static byte[] render() throws IOException {
        PDType1Font body = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        try (PDDocument doc = new PDDocument()) {
            Writer w = new Writer(doc);
            for (String[] section : SECTIONS) {
                if (section[0].startsWith("Pengiriman")) {
                    w.newPage();
                }
                w.paragraph(section[0], bold, HEADING_SIZE);
                for (int i = 1; i < section.length; i++) {
                    w.paragraph(section[i], body, BODY_SIZE);
                }
            }
            w.close();
            var bytes = new java.io.ByteArrayOutputStream();
            doc.save(bytes);
            return bytes.toByteArray();
        }
    }

    private static final class Writer {
        private final PDDocument doc;
        private PDPageContentStream cs;
        private float y;

        Writer(PDDocument doc) throws IOException {
            this.doc = doc;
            newPage();
        }

        void newPage() throws IOException {
            close();
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        void paragraph(String text, PDType1Font font, float size) throws IOException {
            float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
            List<String> lines = wrap(text, font, size, width);
            if (y - lines.size() * LEADING < MARGIN) {
                newPage();
            }
            for (String line : lines) {
                cs.beginText();
                cs.setFont(font, size);
                cs.newLineAtOffset(MARGIN, y);
                cs.showText(line);
                cs.endText();
                y -= LEADING;
            }
            y -= LEADING * 0.6f;
        }

        void close() throws IOException {
            if (cs != null) {
                cs.close();
                cs = null;
            }
        }

        private static List<String> wrap(String text, PDType1Font font, float size, float width) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.split(" ")) {
                String candidate = line.isEmpty() ? word : line + " " + word;
                if (font.getStringWidth(candidate) / 1000 * size > width && !line.isEmpty()) {
                    lines.add(line.toString());
                    line = new StringBuilder(word);
                } else {
                    line = new StringBuilder(candidate);
                }
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
            }
            return lines;
        }
    }
}
