package io.github.whatsappai.webhook;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderMapTest {

    @Test
    void looksUpCaseInsensitivelyAndMergesNamesDifferingInCase() {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        raw.put("X-Hub-Signature-256", List.of("sha256=ab"));
        raw.put("content-type", List.of("application/json"));
        raw.put("X-MULTI", List.of("1"));
        raw.put("x-multi", List.of("2", "3"));
        HeaderMap h = HeaderMap.of(raw);
        assertThat(h.get("x-hub-signature-256")).containsExactly("sha256=ab");
        assertThat(h.get("CONTENT-TYPE")).containsExactly("application/json");
        assertThat(h.get("X-Multi")).containsExactly("1", "2", "3");
        assertThat(h.get("Host")).isNull();
        assertThat(h.containsKey("x-MULTI")).isTrue();
        assertThat(h.containsKey("Host")).isFalse();
        assertThat(h).hasSize(3);
        assertThat(h.keySet()).as("case-insensitive order, first spelling kept")
                .containsExactly("content-type", "X-Hub-Signature-256", "X-MULTI");
    }

    @Test
    void equalsATreeMapWithTheSameContent() {
        Map<String, List<String>> tree = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        tree.put("b", List.of("2"));
        tree.put("A", List.of("1"));
        HeaderMap h = HeaderMap.of(Map.of("A", List.of("1"), "b", List.of("2")));
        assertThat(h).isEqualTo(tree);
        assertThat(tree).isEqualTo(h);
        assertThat(h.hashCode()).isEqualTo(tree.hashCode());
        assertThat(HeaderMap.of(Map.of())).isEmpty();
    }

    @Test
    void isImmutableAndDetachedFromItsSource() {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        List<String> values = new java.util.ArrayList<>(List.of("v"));
        raw.put("Name", values);
        HeaderMap h = HeaderMap.of(raw);
        values.add("later");
        raw.put("Other", List.of("x"));
        assertThat(h.get("name")).containsExactly("v");
        assertThat(h).hasSize(1);
        assertThatThrownBy(() -> h.put("a", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.get("name").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.entrySet().iterator().next().setValue(List.of()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.keySet().iterator().remove()).isInstanceOf(RuntimeException.class);
    }

    @Test
    void aRequestBuiltFromAnotherRequestsHeadersSharesTheMap() {
        WebhookRequest first = WebhookRequest.post("/w", Map.of("X-Hub-Signature-256", "sha256=00"), new byte[0]);
        WebhookRequest second = new WebhookRequest("POST", "/w", Map.of(), first.headers(), new byte[]{1});
        assertThat(second.headers()).isSameAs(first.headers());
        assertThat(second.header("x-hub-signature-256")).isEqualTo("sha256=00");
        assertThat(second.isMethod("post")).isTrue();
        assertThat(second.isMethod("GET")).isFalse();
    }
}
