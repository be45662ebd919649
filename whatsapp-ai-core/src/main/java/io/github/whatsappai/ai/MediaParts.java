package io.github.whatsappai.ai;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/**
 * Writes content parts in OpenRouter's chat-completions format: text as {@code {"type":"text"}};
 * audio as {@code {"type":"input_audio","input_audio":{"data":<base64>,"format":"ogg"|"mp3"|…}}}
 * (base64 without a data-URL prefix); images as
 * {@code {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,…"}}}; PDFs as
 * {@code {"type":"file","file":{"filename":…,"file_data":"data:application/pdf;base64,…"}}}.
 * The base64 is streamed into the generator's output, never built as one string. Stateless.
 */
final class MediaParts {

    /** The file name sent for a PDF that came without one. */
    static final String DEFAULT_FILENAME = "document.pdf";
    /** Bytes encoded per step of a data URL (a multiple of 3, so no padding inside). */
    private static final int CHUNK = 3 * 4096;

    private MediaParts() {
    }

    static void write(JsonGenerator g, List<PromptAssembler.Part> parts) throws IOException {
        for (PromptAssembler.Part part : parts) {
            g.writeStartObject();
            if (part.media() == null) {
                g.writeStringField("type", "text");
                g.writeStringField("text", part.text());
                g.writeEndObject();
                continue;
            }
            MediaAttachment a = part.media();
            switch (a.kind()) {
                case AUDIO -> {
                    g.writeStringField("type", "input_audio");
                    g.writeObjectFieldStart("input_audio");
                    g.writeFieldName("data");
                    g.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, a.data(), 0, a.size());
                    g.writeStringField("format", audioFormat(a.mimeType()));
                }
                case IMAGE -> {
                    g.writeStringField("type", "image_url");
                    g.writeObjectFieldStart("image_url");
                    g.writeFieldName("url");
                    writeDataUrl(g, a);
                }
                case DOCUMENT -> {
                    g.writeStringField("type", "file");
                    g.writeObjectFieldStart("file");
                    g.writeStringField("filename", filename(a));
                    g.writeFieldName("file_data");
                    writeDataUrl(g, a);
                }
                default -> throw new IllegalArgumentException("unknown attachment kind " + a.kind());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * {@code "data:<type>;base64,<data>"} as a string value. The type is one of the allowed types and
     * base64 holds no character JSON escapes, so both are written raw.
     */
    private static void writeDataUrl(JsonGenerator g, MediaAttachment a) throws IOException {
        g.writeRawValue("\"data:" + a.mimeType() + ";base64,");
        Base64.Encoder encoder = Base64.getEncoder();
        byte[] data = a.data();
        char[] chars = new char[CHUNK / 3 * 4];
        for (int off = 0; off < data.length; off += CHUNK) {
            ByteBuffer encoded = encoder.encode(ByteBuffer.wrap(data, off, Math.min(CHUNK, data.length - off)));
            int n = encoded.remaining();
            for (int i = 0; i < n; i++) {
                chars[i] = (char) encoded.get();
            }
            g.writeRaw(chars, 0, n);
        }
        g.writeRaw('"');
    }

    /** The {@code format} of an {@code input_audio} part for an accepted audio type. */
    static String audioFormat(String type) {
        return switch (type) {
            case "audio/ogg" -> "ogg";
            case "audio/mpeg" -> "mp3";
            case "audio/mp4" -> "m4a";
            case "audio/aac" -> "aac";
            default -> throw new IllegalArgumentException("not an accepted audio type: " + type);
        };
    }

    /** The document's own name without path or control characters, or {@value #DEFAULT_FILENAME}. */
    static String filename(MediaAttachment a) {
        String name = a.filename();
        if (name == null || name.isBlank()) {
            return DEFAULT_FILENAME;
        }
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .replaceAll("[\\p{Cntrl}\"]", "").strip();
        return name.isEmpty() ? DEFAULT_FILENAME : PromptAssembler.truncate(name, 200);
    }
}
