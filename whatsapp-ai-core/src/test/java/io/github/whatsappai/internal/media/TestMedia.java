package io.github.whatsappai.internal.media;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Real media files made by the tests: an Ogg Opus voice note written page by page (RFC 3533 pages,
 * RFC 7845 headers, 20 ms Opus frames), a JPEG written by ImageIO and a PDF written by PDFBox.
 */
public final class TestMedia {

    /** A 20 ms CELT fullband mono frame of silence (TOC 0xF8, code 0). */
    private static final byte[] SILENT_FRAME = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
    private static final int PRE_SKIP = 312;
    private static final int SERIAL = 0x5EED0001;

    private TestMedia() {
    }

    /** A mono Ogg Opus file of {@code seconds} of silence, as WhatsApp's voice notes are (audio/ogg; codecs=opus). */
    public static byte[] oggOpus(int seconds) {
        return oggOpus(seconds, SILENT_FRAME);
    }

    /**
     * A mono Ogg Opus file of {@code seconds}, each 20 ms packet being {@code frame} (a TOC byte and
     * frame data); larger frames make larger files of the same length.
     */
    public static byte[] oggOpus(int seconds, byte[] frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1)
                .putShort((short) PRE_SKIP).putInt(48_000).putShort((short) 0).put((byte) 0);
        int sequence = 0;
        writePage(out, 0x02, 0, sequence++, new byte[][] {head.array()});
        byte[] vendor = "whatsapp-ai tests".getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        writePage(out, 0, 0, sequence++, new byte[][] {tags.array()});
        int packets = seconds * 50;
        int perPage = 50;
        long granule = PRE_SKIP;
        for (int first = 0; first < packets; first += perPage) {
            int n = Math.min(perPage, packets - first);
            byte[][] page = new byte[n][];
            for (int i = 0; i < n; i++) {
                page[i] = frame;
            }
            granule += 960L * n;
            writePage(out, first + n >= packets ? 0x04 : 0, granule, sequence++, page);
        }
        return out.toByteArray();
    }

    private static void writePage(ByteArrayOutputStream out, int flags, long granule, int sequence, byte[][] packets) {
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] packet : packets) {
            int left = packet.length;
            while (left >= 255) {
                lacing.write(255);
                left -= 255;
            }
            lacing.write(left);
            body.writeBytes(packet);
        }
        byte[] segments = lacing.toByteArray();
        if (segments.length > 255) {
            throw new IllegalArgumentException("too many segments for one page: " + segments.length);
        }
        ByteBuffer header = ByteBuffer.allocate(27 + segments.length).order(ByteOrder.LITTLE_ENDIAN);
        header.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags).putLong(granule)
                .putInt(SERIAL).putInt(sequence).putInt(0).put((byte) segments.length).put(segments);
        byte[] page = new byte[header.capacity() + body.size()];
        System.arraycopy(header.array(), 0, page, 0, header.capacity());
        System.arraycopy(body.toByteArray(), 0, page, header.capacity(), body.size());
        int crc = oggCrc(page);
        ByteBuffer.wrap(page, 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc);
        out.writeBytes(page);
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, initial value 0, not reflected, no final xor. */
    static int oggCrc(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc ^= (b & 0xFF) << 24;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }
        return crc;
    }

    /** A {@code width}×{@code height} JPEG photo of a receipt-like card with some text. */
    public static byte[] jpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.drawString("Kopi Senja - Rp 45.000", 10, Math.max(20, height / 2));
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A one-page PDF invoice holding {@code line}. */
    public static byte[] pdf(String line) {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
                text.beginText();
                text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                text.newLineAtOffset(72, 700);
                text.showText(line);
                text.endText();
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
