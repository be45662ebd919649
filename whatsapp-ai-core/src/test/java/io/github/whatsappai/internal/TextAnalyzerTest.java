package io.github.whatsappai.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextAnalyzerTest {

    private final TextAnalyzer analyzer = TextAnalyzer.standard();

    private String term(String word) {
        return analyzer.term(word);
    }

    @Test
    void splitsOnNonLettersLowerCasesAndDropsStopwords() {
        assertThat(analyzer.terms("The QUICK brown fox, and 42 dogs!")).containsExactly("quick", "brown", "fox", "42", "dog");
        assertThat(analyzer.terms("Yang ini untuk saya")).isEmpty();
        assertThat(analyzer.terms("")).isEmpty();
        assertThat(analyzer.terms(null)).isEmpty();
    }

    @Test
    void foldsDiacriticsAndCompatibilityForms() {
        assertThat(analyzer.terms("Café Málaga crème brûlée")).isEqualTo(analyzer.terms("cafe malaga creme brulee"));
        assertThat(analyzer.terms("ﬁles")).containsExactly("file");
        assertThat(analyzer.terms("ＡＢＣ１２３")).containsExactly("abc123");
        // combining marks written separately stay inside the word
        assertThat(analyzer.terms("cafe\u0301 ok")).containsExactly("cafe", "ok");
    }

    @Test
    void keepsOtherScriptsAsWords() {
        assertThat(analyzer.terms("Привет, мир")).containsExactly("привет", "мир");
        assertThat(analyzer.terms("東京 2026")).containsExactly("東京", "2026");
    }

    @Test
    void englishStemsMergeInflections() {
        assertThat(term("refunds")).isEqualTo(term("refund"));
        assertThat(term("licenses")).isEqualTo(term("license")).isEqualTo(term("licensed"));
        assertThat(term("copies")).isEqualTo(term("copy"));
        assertThat(term("running")).isEqualTo(term("run"));
        assertThat(term("shipping")).isEqualTo(term("shipped"));
        assertThat(term("boxes")).isEqualTo(term("box"));
        assertThat(term("class")).isEqualTo("class");
        assertThat(term("bus")).isEqualTo("bus");
    }

    @Test
    void indonesianAffixesAreRemovedConservatively() {
        assertThat(term("pembayaran")).isEqualTo(term("bayar")).isEqualTo(term("membayar"))
                .isEqualTo(term("dibayar")).isEqualTo(term("bayarlah"));
        assertThat(term("menulis")).isEqualTo(term("tulis")).isEqualTo(term("penulis"));
        assertThat(term("menyimpan")).isEqualTo(term("simpan"));
        assertThat(term("memakai")).isEqualTo(term("pakai"));
        assertThat(term("mendapatkan")).isEqualTo(term("dapat"));
        assertThat(term("menggunakan")).isEqualTo(term("guna"));
        assertThat(term("pengiriman")).isEqualTo(term("mengirim"));
        assertThat(term("bukunya")).isEqualTo(term("buku"));
        assertThat(term("berlaku")).isEqualTo(term("laku"));
        assertThat(term("perjanjian")).isEqualTo(term("janji"));
        // short words are left alone
        assertThat(term("beli")).isEqualTo("beli");
        assertThat(term("dia")).isNull();
        assertThat(term("meja")).isEqualTo("meja");
    }

    /** Whether two words share at least one indexed term. */
    private boolean meet(String a, String b) {
        return analyzer.variants(a).stream().anyMatch(analyzer.variants(b)::contains);
    }

    @Test
    void nasalPrefixesRestoreTheSwallowedSound() {
        assertThat(meet("menyimpan", "simpan")).isTrue();
        assertThat(meet("memukul", "pukul")).isTrue();
        assertThat(meet("memakan", "makan")).isTrue();
        assertThat(meet("menulis", "tulis")).isTrue();
        assertThat(meet("menanti", "nanti")).isTrue();
        assertThat(meet("mengirim", "kirim")).isTrue();
        assertThat(meet("mengambil", "ambil")).isTrue();
        assertThat(meet("pengiriman", "kirim")).isTrue();
        assertThat(meet("penyimpanan", "simpan")).isTrue();
        assertThat(meet("pemukul", "pukul")).isTrue();
        assertThat(meet("mengecek", "cek")).isTrue();
        assertThat(analyzer.variants("mengirim")).containsExactly("irim", "kirim");
        assertThat(meet("mengirim", "mengambil")).isFalse();
    }

    @Test
    void berTerDiAndKeAnPrefixesAndConfixes() {
        assertThat(meet("berjalan", "jalan")).isTrue();
        assertThat(meet("berenang", "renang")).isTrue();
        assertThat(meet("tersimpan", "simpan")).isTrue();
        assertThat(meet("terakhir", "akhir")).isTrue();
        assertThat(meet("dihapus", "hapus")).isTrue();
        assertThat(meet("keamanan", "aman")).isTrue();
        assertThat(meet("kebersihan", "bersih")).isTrue();
        assertThat(meet("dipertanyakan", "tanya")).isTrue();
    }

    @Test
    void suffixesKanIAnNya() {
        assertThat(meet("membereskan", "beres")).isTrue();
        assertThat(meet("dimiliki", "milik")).isTrue();
        assertThat(meet("mengakhiri", "akhir")).isTrue();
        assertThat(meet("memperbaiki", "baik")).isTrue();
        assertThat(meet("menilai", "nilai")).isTrue();
        assertThat(meet("pesanan", "pesan")).isTrue();
        assertThat(meet("alamatnya", "alamat")).isTrue();
        // -i alone never strips a root: beli, cari, kunci stay whole
        assertThat(term("kunci")).isEqualTo("kunci");
        assertThat(term("cari")).isEqualTo("cari");
        assertThat(meet("membeli", "beli")).isTrue();
        assertThat(meet("mencari", "cari")).isTrue();
    }

    @Test
    void colloquialInSuffix() {
        assertThat(meet("hapusin", "menghapus")).isTrue();
        assertThat(meet("beresin", "membereskan")).isTrue();
        assertThat(meet("masukin", "memasukkan")).isTrue();
        assertThat(meet("dapetin", "mendapatkan")).isTrue();
        // a vowel before -in is part of the root: main, lain
        assertThat(term("bermain")).isEqualTo("main");
    }

    @Test
    void chatPrefixesNgeNgAndNy() {
        assertThat(meet("nyimpen", "menyimpan")).isTrue();
        assertThat(meet("nyari", "mencari")).isTrue();
        assertThat(meet("ngapus", "menghapus")).isTrue();
        assertThat(meet("ngirim", "mengirim")).isTrue();
        assertThat(meet("ngambil", "mengambil")).isTrue();
        assertThat(meet("ngecek", "mengecek")).isTrue();
        assertThat(meet("ngedit", "edit")).isTrue();
        // a standard word that starts like a chat prefix keeps itself as a term
        assertThat(meet("kenyamanan", "nyaman")).isTrue();
    }

    @Test
    void chatSpellingsMapToStandardWords() {
        assertThat(term("udah")).isNull(); // sudah is a stopword
        assertThat(term("liat")).isEqualTo(term("lihat"));
        assertThat(meet("liat", "melihat")).isTrue();
        assertThat(term("gak")).isEqualTo(term("tidak"));
        assertThat(term("pake")).isEqualTo(term("pakai"));
        assertThat(meet("pake", "memakai")).isTrue();
        assertThat(meet("bikin", "membuat")).isTrue();
        assertThat(term("gimana")).isNull();
        assertThat(meet("dapet", "mendapatkan")).isTrue();
    }

    @Test
    void englishInflectionsStillMeetAfterIndonesianRules() {
        assertThat(term("keeping")).isEqualTo(term("keep"));
        assertThat(term("copied")).isEqualTo(term("copy"));
        assertThat(term("warranties")).isEqualTo(term("warranty"));
        assertThat(term("distributed")).isEqualTo(term("distribute"));
        assertThat(term("make")).isEqualTo("make");
    }
}
