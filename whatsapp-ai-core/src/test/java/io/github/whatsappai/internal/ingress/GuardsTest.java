package io.github.whatsappai.internal.ingress;

import java.util.function.LongSupplier;
import io.github.whatsappai.internal.ingress.SenderRateLimiter.Decision;
import io.github.whatsappai.testing.ManualClock;
import io.github.whatsappai.webhook.model.BusinessNumber;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import io.github.whatsappai.webhook.model.Sender;
import io.github.whatsappai.webhook.model.TextContent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Unit tests of the guards with a hand-driven ticker. */
class GuardsTest {

    private final ManualClock clock = ManualClock.atDefaultStart();
    private final LongSupplier ticker = clock::nanoTime;

    private void advance(Duration d) {
        clock.advance(d);
    }

    @Test
    void rateLimiterRefillsContinuouslyAndNotifiesOncePerMinute() {
        SenderRateLimiter limiter = new SenderRateLimiter(3, ticker);
        ConversationKey alex = new ConversationKey("1", "15555550123");
        ConversationKey sam = new ConversationKey("1", "15555550177");
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.REFUSED_NOTIFY);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.REFUSED_SILENT);
        assertThat(limiter.acquire(sam)).isEqualTo(Decision.ALLOWED);
        advance(Duration.ofSeconds(20));
        assertThat(limiter.acquire(alex)).as("one token per 20 s").isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.REFUSED_SILENT);
        advance(Duration.ofSeconds(40));
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.ALLOWED);
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.REFUSED_NOTIFY);
        advance(Duration.ofMinutes(10));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(alex)).as("never more than the bucket size").isEqualTo(Decision.ALLOWED);
        }
        assertThat(limiter.acquire(alex)).isEqualTo(Decision.REFUSED_NOTIFY);
    }

    @Test
    void rateLimiterKeepsIndependentBucketsPerKey() {
        SenderRateLimiter limiter = new SenderRateLimiter(2, ticker);
        for (int i = 0; i < 500; i++) {
            ConversationKey key = new ConversationKey("1", "1555555" + i);
            assertThat(limiter.acquire(key)).isEqualTo(Decision.ALLOWED);
            assertThat(limiter.acquire(key)).isEqualTo(Decision.ALLOWED);
        }
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.acquire(new ConversationKey("1", "1555555" + i))).isEqualTo(Decision.REFUSED_NOTIFY);
        }
        assertThat(limiter.acquire(new ConversationKey("2", "15555550"))).as("another business number")
                .isEqualTo(Decision.ALLOWED);
        assertThat(limiter.size()).isEqualTo(501);
    }

    @Test
    void rateLimiterDropsIdleBucketsLazily() {
        SenderRateLimiter limiter = new SenderRateLimiter(1, ticker);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire(new ConversationKey("1", "1555555" + i));
        }
        assertThat(limiter.size()).isEqualTo(1000);
        advance(SenderRateLimiter.IDLE_EXPIRY.minusSeconds(1));
        ConversationKey recent = new ConversationKey("1", "15555550");
        assertThat(limiter.acquire(recent)).as("refilled after a minute").isEqualTo(Decision.ALLOWED);
        assertThat(limiter.size()).as("nothing idle long enough yet").isEqualTo(1000);
        advance(Duration.ofSeconds(1));
        for (int i = 0; i < 512; i++) {
            limiter.acquire(new ConversationKey("9", "1666666" + i));
        }
        assertThat(limiter.size()).as("idle buckets are dropped as the segments are used").isLessThan(600);
        assertThat(limiter.acquire(recent)).as("used a second ago, so kept with its empty bucket")
                .isEqualTo(Decision.REFUSED_NOTIFY);
        advance(SenderRateLimiter.IDLE_EXPIRY.multipliedBy(2));
        for (int i = 0; i < 512; i++) {
            limiter.acquire(new ConversationKey("8", "1777777" + i));
        }
        assertThat(limiter.size()).as("the later buckets are dropped too once idle").isLessThan(600);
        assertThat(limiter.acquire(recent)).as("idle for minutes: a full bucket").isEqualTo(Decision.ALLOWED);
    }

    @Test
    void rateLimiterIsBoundedAndForgetsTheOldestBucketsFirst() {
        SenderRateLimiter limiter = new SenderRateLimiter(1, ticker, 1600);
        for (int i = 0; i < 20_000; i++) {
            assertThat(limiter.acquire(new ConversationKey("1", "1555555" + i))).isEqualTo(Decision.ALLOWED);
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(1600);
        int kept = 0;
        for (int i = 19_900; i < 20_000; i++) {
            if (limiter.acquire(new ConversationKey("1", "1555555" + i)) != Decision.ALLOWED) {
                kept++;
            }
        }
        assertThat(kept).as("the newest senders are still limited").isEqualTo(100);
        int forgotten = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.acquire(new ConversationKey("1", "1555555" + i)) == Decision.ALLOWED) {
                forgotten++;
            }
        }
        assertThat(forgotten).as("the oldest senders went first").isEqualTo(1000);
    }

    @Test
    void rateLimiterCountsEveryCallUnderConcurrency() throws Exception {
        SenderRateLimiter limiter = new SenderRateLimiter(1000, ticker);
        ConversationKey key = new ConversationKey("1", "15555550123");
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    if (limiter.acquire(key) == Decision.ALLOWED) {
                        allowed.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(allowed.get()).as("exactly the bucket size, time standing still").isEqualTo(1000);
    }

    @Test
    void identityCharacterChecks() {
        assertThat(IdentityValidator.isWaId("1234567")).isTrue();
        assertThat(IdentityValidator.isWaId("123456789012345")).isTrue();
        assertThat(IdentityValidator.isWaId("123456")).isFalse();
        assertThat(IdentityValidator.isWaId("1234567890123456")).isFalse();
        assertThat(IdentityValidator.isWaId("+15555550123")).isFalse();
        assertThat(IdentityValidator.isWaId("1555555 123")).isFalse();
        assertThat(IdentityValidator.isBsuid("US.1")).isTrue();
        assertThat(IdentityValidator.isBsuid("US.ENT.abcXYZ.09")).isTrue();
        assertThat(IdentityValidator.isBsuid("US." + "a".repeat(128))).isTrue();
        assertThat(IdentityValidator.isBsuid("US." + "a".repeat(129))).isFalse();
        assertThat(IdentityValidator.isBsuid("US.")).isFalse();
        assertThat(IdentityValidator.isBsuid("us.1349")).isFalse();
        assertThat(IdentityValidator.isBsuid("USA.1349")).isFalse();
        assertThat(IdentityValidator.isBsuid("US-1349")).isFalse();
        assertThat(IdentityValidator.isBsuid("US.13_49")).isFalse();
        assertThat(IdentityValidator.isBsuid("US.13\u00e949")).isFalse();
        assertThat(IdentityValidator.isBsuid("\u00c9S.1349")).isFalse();
    }

    @Test
    void staleGuard() {
        StaleGuard guard = new StaleGuard(Duration.ofHours(24));
        Instant now = Instant.ofEpochSecond(1_786_100_000L);
        assertThat(guard.staleAge(now.minus(Duration.ofHours(24)), now)).isNull();
        assertThat(guard.staleAge(now.minus(Duration.ofHours(25)), now)).isEqualTo(Duration.ofHours(25));
        assertThat(guard.staleAge(now.plusSeconds(3600), now)).isNull();
    }

    @Test
    void identityValidator() {
        IdentityValidator v = new IdentityValidator();
        assertThat(v.problem(message("wamid.1", "15555550123", "US.1349"))).isNull();
        assertThat(v.problem(message("wamid.1", null, "US.ENT.1349"))).isNull();
        assertThat(v.problem(message("wamid.1", "15555550123", null))).isNull();
        assertThat(v.problem(message(null, "15555550123", null))).isEqualTo("message has no id");
        assertThat(v.problem(message(" ", "15555550123", null))).isEqualTo("message has no id");
        assertThat(v.problem(message("w".repeat(257), "15555550123", null))).contains("longer than");
        assertThat(v.problem(message("wamid.1", "1555555012a", null))).contains("wa_id");
        assertThat(v.problem(message("wamid.1", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667", null)))
                .as("non-ASCII digits").contains("wa_id");
        assertThat(v.problem(message("wamid.1", null, "U1.123"))).contains("business-scoped");
        InboundMessage badParent = new InboundMessage("wamid.1", new BusinessNumber("w", "p", "d"),
                new Sender("15555550123", null, "not a bsuid", null, null), Instant.EPOCH, "text",
                new TextContent("x"), null, null, null, null);
        assertThat(v.problem(badParent)).contains("parent");
    }

    private static InboundMessage message(String id, String waId, String userId) {
        return new InboundMessage(id, new BusinessNumber("w", "p", "d"), new Sender(waId, userId, null, null, null),
                Instant.EPOCH, "text", new TextContent("x"), null, null, null, null);
    }
}
