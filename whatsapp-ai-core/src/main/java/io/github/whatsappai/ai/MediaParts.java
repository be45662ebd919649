package io.github.whatsappai.ai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.whatsappai.internal.media.MediaTypes;

import java.util.Base64;
import java.util.List;

/**
 * Writes content parts in OpenRouter's chat-completions format: text as {@code {"type":"text"}};
 * audio as {@code {"type":"input_audio","input_audio":{"data":<base64>,"format":"ogg"|"mp3"|…}}}
 * (base64 without a data-URL prefix); images as
 * {@code {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,…"}}}; PDFs as
 * {@code {"type":"file","file":{"filename":…,"file_data":"data:application/pdf;base64,…"}}}.
 * Stateless.
 */
final class MediaParts {

    /** The file name sent for a PDF that came without one. */
    static final String DEFAULT_FILENAME = "document.pdf";

    private MediaParts() {
    }

    static void write(ArrayNode content, List<PromptAssembler.Part> parts) {
        for (PromptAssembler.Part part : parts) {
            if (part.media() == null) {
                content.addObject().put("type", "text").put("text", part.text());
                continue;
            }
            MediaAttachment a = part.media();
            String base64 = Base64.getEncoder().encodeToString(a.data());
            switch (a.kind()) {
                case AUDIO -> {
                    ObjectNode p = content.addObject().put("type", "input_audio");
                    p.putObject("input_audio").put("data", base64).put("format", MediaTypes.audioFormat(a.mimeType()));
                }
                case IMAGE -> {
                    ObjectNode p = content.addObject().put("type", "image_url");
                    p.putObject("image_url").put("url", dataUrl(a.mimeType(), base64));
                }
                case DOCUMENT -> {
                    ObjectNode p = content.addObject().put("type", "file");
                    p.putObject("file").put("filename", filename(a)).put("file_data", dataUrl(a.mimeType(), base64));
                }
                default -> throw new IllegalArgumentException("unknown attachment kind " + a.kind());
            }
        }
    }

    private static String dataUrl(String mimeType, String base64) {
        return "data:" + mimeType + ";base64," + base64;
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
