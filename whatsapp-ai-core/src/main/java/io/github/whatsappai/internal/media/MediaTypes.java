package io.github.whatsappai.internal.media;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which media the AI may receive, and what a file really is. The allow-list holds voice notes and
 * audio ({@code audio/ogg} with or without {@code codecs=opus}, {@code audio/mpeg}, {@code audio/mp4},
 * {@code audio/aac}), images ({@code image/jpeg}, {@code image/png}, {@code image/webp}, which
 * stickers are) and PDF documents ({@code application/pdf}).
 *
 * <p>A declared type is only a claim: {@link #resolve(String, byte[])} reads the file's first bytes
 * and accepts it when they match the declared type, or, when the declaration says nothing
 * ({@code application/octet-stream}, {@code binary/octet-stream} or none), when they are one of the
 * allowed types. Parameters ({@code ; codecs=opus}, {@code ; charset=…}) and case are ignored. A
 * type off the list ({@code text/html}, {@code application/x-msdownload}, …), or bytes that are not
 * what was declared, are refused with a reason. Stateless and thread-safe.
 */
public final class MediaTypes {

    /** The types the AI may receive, in their canonical spelling. */
    public static final Set<String> ALLOWED = Set.of("audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac",
            "image/jpeg", "image/png", "image/webp", "application/pdf");

    /** Other spellings of allowed types. */
    private static final Map<String, String> ALIASES = Map.of(
            "audio/opus", "audio/ogg",
            "audio/mp3", "audio/mpeg",
            "audio/x-m4a", "audio/mp4",
            "audio/m4a", "audio/mp4",
            "audio/aacp", "audio/aac",
            "audio/x-aac", "audio/aac",
            "image/jpg", "image/jpeg",
            "image/pjpeg", "image/jpeg",
            "application/x-pdf", "application/pdf");

    /** Declarations that say nothing about the content. */
    private static final Set<String> GENERIC = Set.of("application/octet-stream", "binary/octet-stream",
            "application/binary", "application/unknown");

    private MediaTypes() {
    }

    /** What {@link #resolve} decided: the accepted canonical type, or the reason for the refusal. */
    public record Verdict(String type, String refusal) {

        static Verdict accept(String type) {
            return new Verdict(type, null);
        }

        static Verdict refuse(String reason) {
            return new Verdict(null, reason);
        }

        /** Whether the file was accepted. */
        public boolean accepted() {
            return type != null;
        }
    }

    /**
     * The canonical base type of a declaration: lower case, without parameters, aliases resolved;
     * {@code null} for {@code null} or blank.
     */
    public static String normalise(String declared) {
        if (declared == null) {
            return null;
        }
        int semicolon = declared.indexOf(';');
        String base = (semicolon >= 0 ? declared.substring(0, semicolon) : declared).strip().toLowerCase(Locale.ROOT);
        if (base.isEmpty()) {
            return null;
        }
        return ALIASES.getOrDefault(base, base);
    }

    /** Whether a declaration says nothing about the content (none, or an octet stream). */
    public static boolean isGeneric(String declared) {
        String type = normalise(declared);
        return type == null || GENERIC.contains(type);
    }

    /**
     * Whether a declared type may be downloaded at all: an allowed type or a generic one (decided
     * after sniffing); {@code null} when it may, else the reason it is refused.
     */
    public static String refusalBeforeDownload(String declared) {
        String type = normalise(declared);
        if (type == null || GENERIC.contains(type) || ALLOWED.contains(type)) {
            return null;
        }
        return "the type " + printable(type) + " is not accepted";
    }

    /**
     * Decides what {@code data} is, given what was {@code declared} for it.
     *
     * @param declared the declared MIME type (a {@code Content-Type} or Meta's {@code mime_type}), or {@code null}
     * @param data the file, or at least its first 16 bytes
     */
    public static Verdict resolve(String declared, byte[] data) {
        String type = normalise(declared);
        String sniffed = sniff(data);
        if (type == null || GENERIC.contains(type)) {
            if (sniffed == null) {
                return Verdict.refuse("the file's type could not be recognised");
            }
            return ALLOWED.contains(sniffed) ? Verdict.accept(sniffed)
                    : Verdict.refuse("the type " + sniffed + " is not accepted");
        }
        if (!ALLOWED.contains(type)) {
            return Verdict.refuse("the type " + printable(type) + " is not accepted");
        }
        if (sniffed == null) {
            return Verdict.refuse("the file is declared " + type + " but does not look like one");
        }
        if (!compatible(type, sniffed)) {
            return Verdict.refuse("the file is declared " + type + " but is " + sniffed);
        }
        return Verdict.accept(type);
    }

    /**
     * The type the first bytes of {@code data} announce, or {@code null} when they match none this
     * class knows: Ogg, MP3 (ID3 tag or frame sync), MP4/M4A ({@code ftyp}), AAC (ADTS), AMR, JPEG,
     * PNG, WebP, GIF, PDF, ZIP, Windows and ELF executables, HTML.
     */
    public static String sniff(byte[] data) {
        if (data == null || data.length < 4) {
            return null;
        }
        if (startsWith(data, 0, "OggS")) {
            return "audio/ogg";
        }
        if (startsWith(data, 0, "ID3")) {
            return "audio/mpeg";
        }
        if (data.length >= 12 && startsWith(data, 4, "ftyp")) {
            String brand = new String(data, 8, 4, StandardCharsets.ISO_8859_1);
            return brand.startsWith("M4A") || brand.startsWith("M4B") || brand.startsWith("mp4")
                    || brand.startsWith("iso") || brand.startsWith("dash") ? "audio/mp4" : "video/mp4";
        }
        int b0 = data[0] & 0xFF;
        int b1 = data[1] & 0xFF;
        if (b0 == 0xFF && (b1 & 0xF6) == 0xF0) {
            return "audio/aac";
        }
        if (b0 == 0xFF && (b1 & 0xE0) == 0xE0) {
            return "audio/mpeg";
        }
        if (startsWith(data, 0, "#!AMR")) {
            return "audio/amr";
        }
        if (b0 == 0xFF && b1 == 0xD8 && (data[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (b0 == 0x89 && startsWith(data, 1, "PNG")) {
            return "image/png";
        }
        if (data.length >= 12 && startsWith(data, 0, "RIFF") && startsWith(data, 8, "WEBP")) {
            return "image/webp";
        }
        if (startsWith(data, 0, "GIF8")) {
            return "image/gif";
        }
        if (startsWith(data, 0, "%PDF-")) {
            return "application/pdf";
        }
        if (startsWith(data, 0, "PK\u0003\u0004")) {
            return "application/zip";
        }
        if (startsWith(data, 0, "MZ")) {
            return "application/x-msdownload";
        }
        if (b0 == 0x7F && startsWith(data, 1, "ELF")) {
            return "application/x-executable";
        }
        String head = new String(data, 0, Math.min(data.length, 64), StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(Locale.ROOT);
        if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<script")) {
            return "text/html";
        }
        return null;
    }

    private static boolean compatible(String declared, String sniffed) {
        if (declared.equals(sniffed)) {
            return true;
        }
        // an M4A holds AAC, and ADTS frames may be labelled either way
        return (declared.equals("audio/mp4") || declared.equals("audio/aac"))
                && (sniffed.equals("audio/mp4") || sniffed.equals("audio/aac"));
    }

    private static boolean startsWith(byte[] data, int offset, String ascii) {
        if (data.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (data[offset + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A declared type as it may appear in a reason: at most 60 printable ASCII characters. */
    private static String printable(String type) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < type.length() && sb.length() < 60; i++) {
            char c = type.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }
}
