package io.github.whatsappai.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundMessageTest {

    private static List<ButtonsMessage.Button> buttons(int n) {
        List<ButtonsMessage.Button> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new ButtonsMessage.Button("id" + i, "Title " + i));
        }
        return list;
    }

    private static List<ListMessage.Row> rows(int n, String prefix) {
        List<ListMessage.Row> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new ListMessage.Row(prefix + i, "Row " + i));
        }
        return list;
    }

    @Test
    void textBodyLimits() {
        assertThat(TextMessage.of("x".repeat(4096)).body()).hasSize(4096);
        assertThatThrownBy(() -> TextMessage.of("x".repeat(4097)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("text body is 4097 characters long; WhatsApp allows at most 4096");
        assertThatThrownBy(() -> TextMessage.of(" ")).hasMessageContaining("text body is required");
        assertThat(new TextMessage("x", false, "").replyToMessageId()).isNull();
    }

    @Test
    void reactionEmptyEmojiRemoves() {
        assertThat(new ReactionMessage("wamid.1", null).emoji()).isEmpty();
        assertThatThrownBy(() -> new ReactionMessage("wamid.1", " ")).hasMessageContaining("not whitespace");
        assertThatThrownBy(() -> new ReactionMessage(null, "👍")).hasMessageContaining("message id");
    }

    @Test
    void templateLimits() {
        assertThat(new TemplateMessage("t", "en_US", List.of("x".repeat(32768))).bodyParameters()).hasSize(1);
        assertThatThrownBy(() -> new TemplateMessage("t", "en_US", List.of("ok", "x".repeat(32769))))
                .hasMessageContaining("template body parameter 2 is 32769 characters long");
        assertThatThrownBy(() -> new TemplateMessage("", "en_US", List.of())).hasMessageContaining("template name");
    }

    @Test
    void buttonsLimits() {
        assertThat(new ButtonsMessage("Pick", buttons(3)).buttons()).hasSize(3);
        assertThatThrownBy(() -> new ButtonsMessage("Pick", buttons(4))).hasMessageContaining("1 to 3 buttons, got 4");
        assertThatThrownBy(() -> new ButtonsMessage("Pick", List.of())).hasMessageContaining("got 0");
        assertThatThrownBy(() -> new ButtonsMessage.Button("id", "x".repeat(21))).hasMessageContaining("at most 20");
        assertThatThrownBy(() -> new ButtonsMessage.Button("x".repeat(257), "ok")).hasMessageContaining("button id is 257");
        assertThatThrownBy(() -> new ButtonsMessage("Pick", List.of(new ButtonsMessage.Button("a", "Same"),
                new ButtonsMessage.Button("b", "Same")))).hasMessageContaining("titles must be unique");
        assertThatThrownBy(() -> new ButtonsMessage("Pick", List.of(new ButtonsMessage.Button("a", "One"),
                new ButtonsMessage.Button("a", "Two")))).hasMessageContaining("ids must be unique");
        assertThatThrownBy(() -> new ButtonsMessage("x".repeat(1025), buttons(1))).hasMessageContaining("at most 1024");
        assertThatThrownBy(() -> new ButtonsMessage("Pick", buttons(1), "h".repeat(61), null, null))
                .hasMessageContaining("header text is 61");
        assertThatThrownBy(() -> new ButtonsMessage("Pick", buttons(1), null, "f".repeat(61), null))
                .hasMessageContaining("footer text is 61");
    }

    @Test
    void listLimits() {
        ListMessage ok = new ListMessage("Body", "Open", List.of(new ListMessage.Section(null, rows(10, "r"))));
        assertThat(ok.sections()).hasSize(1);
        assertThatThrownBy(() -> new ListMessage("Body", "Open", List.of(
                new ListMessage.Section("A", rows(6, "a")), new ListMessage.Section("B", rows(5, "b")))))
                .hasMessageContaining("at most 10 rows in total, got 11");
        assertThatThrownBy(() -> new ListMessage("Body", "Open", List.of(
                new ListMessage.Section("A", rows(1, "a")), new ListMessage.Section(null, rows(1, "b")))))
                .hasMessageContaining("section 2 needs a title");
        assertThatThrownBy(() -> new ListMessage("Body", "x".repeat(21), List.of(new ListMessage.Section(null, rows(1, "r")))))
                .hasMessageContaining("list button label is 21");
        assertThatThrownBy(() -> new ListMessage.Section("x".repeat(25), rows(1, "r"))).hasMessageContaining("section title is 25");
        assertThatThrownBy(() -> new ListMessage.Row("x".repeat(201), "t")).hasMessageContaining("row id is 201");
        assertThatThrownBy(() -> new ListMessage.Row("id", "x".repeat(25))).hasMessageContaining("at most 24");
        assertThatThrownBy(() -> new ListMessage.Row("id", "t", "x".repeat(73))).hasMessageContaining("row description is 73");
        List<ListMessage.Section> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new ListMessage.Section("S" + i, rows(1, "s" + i)));
        }
        assertThatThrownBy(() -> new ListMessage("Body", "Open", eleven)).hasMessageContaining("1 to 10 sections, got 11");
        assertThatThrownBy(() -> new ListMessage("Body", "Open", List.of(new ListMessage.Section("A", rows(1, "r")),
                new ListMessage.Section("B", rows(1, "r"))))).hasMessageContaining("row ids must be unique");
    }

    @Test
    void retryabilityWithoutAGraphCodeFollowsTheStatus() {
        assertThat(new WhatsAppApiException(502, WhatsAppApiException.NO_CODE, 0, null, null, null, null, null).isRetryable()).isTrue();
        assertThat(new WhatsAppApiException(429, WhatsAppApiException.NO_CODE, 0, null, null, null, null, null).isRetryable()).isTrue();
        assertThat(new WhatsAppApiException(400, WhatsAppApiException.NO_CODE, 0, null, null, null, null, null).isRetryable()).isFalse();
        assertThat(new WhatsAppApiException(500, 100, 0, null, null, null, null, null).isRetryable()).isFalse();
        assertThat(new WhatsAppApiException(400, 131056, 0, null, null, null, null, null).isRetryable()).isTrue();
        assertThat(new ReEngagementRequiredException(400, 0, null, null, null, null).isRetryable()).isFalse();
    }
}
