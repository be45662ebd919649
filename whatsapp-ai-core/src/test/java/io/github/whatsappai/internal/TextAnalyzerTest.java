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
}
