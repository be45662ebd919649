package io.github.whatsappai.spi;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A {@link UserMapper} that keeps users in memory: for the demo, single-instance deployments that
 * need no persistent account, and unit tests.
 *
 * <p>A user is found by wa_id or by business-scoped user id (both are global: a wa_id is a phone
 * number, a BSUID is scoped to the business, not to one of its numbers). When a sender brings both
 * and only one is known, the other is linked to the same user, so a user who later withholds the
 * phone number keeps the account. When both are known but belong to different users, the wa_id
 * wins (the phone number is the seed's identifier) and the BSUID is moved to that user.
 *
 * <p>Thread-safe: one lock makes every call atomic, so concurrent first contacts of one sender create
 * one user. Bounded: beyond {@link #DEFAULT_CAPACITY} (or the given capacity) users, the user created
 * longest ago is forgotten (and would get a new id on its next message).
 */
public final class InMemoryUserMapper implements UserMapper {

    /** Users kept by default. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    private final Supplier<String> idGenerator;
    private final Object lock = new Object();
    /** user id → the ids linked to it; insertion order gives the eviction order. */
    private final LinkedHashMap<String, Aliases> users = new LinkedHashMap<>();
    private final Map<String, String> byWaId = new HashMap<>();
    private final Map<String, String> byBsuid = new HashMap<>();

    /** A mapper holding up to {@link #DEFAULT_CAPACITY} users with random UUID user ids. */
    public InMemoryUserMapper() {
        this(DEFAULT_CAPACITY, () -> UUID.randomUUID().toString());
    }

    /**
     * A mapper with the given bound and user-id generator.
     *
     * @param capacity the most users kept, positive
     * @param idGenerator makes the id of each new user; must not return {@code null} or repeat ids
     */
    public InMemoryUserMapper(int capacity, Supplier<String> idGenerator) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
    }

    @Override
    public String findOrCreateUser(UserIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        String waId = identity.waId();
        String bsuid = identity.bsuid();
        synchronized (lock) {
            String byWa = waId == null ? null : byWaId.get(waId);
            String byBs = bsuid == null ? null : byBsuid.get(bsuid);
            String userId = byWa != null ? byWa : byBs;
            if (userId == null) {
                userId = Objects.requireNonNull(idGenerator.get(), "idGenerator returned null");
                users.put(userId, new Aliases());
                evictIfFull();
            }
            Aliases aliases = users.get(userId);
            if (waId != null && byWa == null) {
                byWaId.put(waId, userId);
                aliases.waId = waId;
            }
            if (bsuid != null && !userId.equals(byBs)) {
                if (byBs != null) {
                    users.get(byBs).bsuid = null;
                }
                byBsuid.put(bsuid, userId);
                aliases.bsuid = bsuid;
            }
            return userId;
        }
    }

    /** The user id linked to {@code waId}, if any. */
    public Optional<String> findByWaId(String waId) {
        synchronized (lock) {
            return Optional.ofNullable(byWaId.get(waId));
        }
    }

    /** The user id linked to business-scoped user id {@code bsuid}, if any. */
    public Optional<String> findByBsuid(String bsuid) {
        synchronized (lock) {
            return Optional.ofNullable(byBsuid.get(bsuid));
        }
    }

    /** How many users are kept. */
    public int size() {
        synchronized (lock) {
            return users.size();
        }
    }

    private void evictIfFull() {
        Iterator<Map.Entry<String, Aliases>> it = users.entrySet().iterator();
        while (users.size() > capacity && it.hasNext()) {
            Map.Entry<String, Aliases> eldest = it.next();
            Aliases a = eldest.getValue();
            if (a.waId != null) {
                byWaId.remove(a.waId, eldest.getKey());
            }
            if (a.bsuid != null) {
                byBsuid.remove(a.bsuid, eldest.getKey());
            }
            it.remove();
        }
    }

    /** The ids currently linked to one user. */
    private static final class Aliases {
        String waId;
        String bsuid;
    }
}
