package io.github.whatsappai.store.postgres;

import io.github.whatsappai.internal.SettingsCheck;
import io.github.whatsappai.store.Batch;
import io.github.whatsappai.store.BufferPolicy;
import io.github.whatsappai.spi.ChatLogEntry;
import io.github.whatsappai.store.Appended;
import io.github.whatsappai.store.Arrival;
import io.github.whatsappai.store.BurstProgress;
import io.github.whatsappai.store.Claim;
import io.github.whatsappai.store.ClaimLostException;
import io.github.whatsappai.store.MediaAllowance;
import io.github.whatsappai.store.OutboxPart;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.StoreStats;
import io.github.whatsappai.store.StoreUnavailableException;
import io.github.whatsappai.webhook.model.ConversationKey;
import io.github.whatsappai.webhook.model.InboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The durable {@link StateStore}: everything the SDK owes lives in PostgreSQL, shared by any number
 * of instances on one database and surviving crashes and redeploys. It uses only
 * {@code java.sql}/{@code javax.sql}; bring the driver and a pool (HikariCP) yourself.
 *
 * <pre>{@code
 * StateStore store = PostgresStateStore.builder(dataSource)
 *         .policy(config.buffer())
 *         .ledgerRetention(config.guards().maxMessageAge().plusHours(1))
 *         .build();                       // applies the schema whatsapp_ai unless .migrate(false)
 * }</pre>
 *
 * <h2>How it keeps the contract</h2>
 * <ul>
 *   <li><b>append</b>: one statement writes the key links, the ledger, the messages and the
 *       conversations' due times; on an auto-commit connection (a pool's default) it is its own
 *       transaction, one round trip. Concurrent calls are committed together by
 *       {@link #builder committer threads} (group commit): each caller returns once the commit
 *       holding its rows is done, so a 200 always follows its own commit while one commit serves
 *       many requests. The statement is written so that PostgreSQL keeps one generic plan for it
 *       (planning it again would cost more than running it for a few rows), and the message JSON
 *       is encoded on the caller's thread, before it queues. A call that cannot commit within the
 *       write deadline (default 2 s) throws {@link StoreUnavailableException}. If the deadline
 *       passes while its transaction is already committing, the rows may still land: the
 *       redelivery Meta then sends is a duplicate and the message is answered once.</li>
 *   <li><b>claims</b>: {@code SELECT … FOR UPDATE SKIP LOCKED} on the conversation rows; the
 *       stored JSON is decoded after the commit, so the rows are not held locked meanwhile. A
 *       claim's id is checked by every later call, so a claim taken over after its lease ran out
 *       fails with {@link ClaimLostException}.</li>
 *   <li><b>time</b>: every time is the caller's clock (epoch ms). Instances whose clocks differ by
 *       {@code s} take expired claims over up to {@code s} early: keep the lease longer than the
 *       renewal period plus the worst skew (the engine renews every lease/3, so a 30 s lease
 *       tolerates about 20 s). Due times shift by the skew of the instance that wrote them.</li>
 *   <li><b>poolers</b>: no session state is relied on: no session advisory locks, no prepared
 *       statement used across transactions by design (set {@code prepareThreshold=0} on the JDBC
 *       URL behind PgBouncer's or Supabase's transaction mode), LISTEN/NOTIFY only as the optional
 *       {@link #onWake} hint. Polling {@link #nextDeadline()} works alone.</li>
 * </ul>
 *
 * <p>Rows are purged by {@link #purge} (call it every {@link #DEFAULT_PURGE_INTERVAL}); the tables
 * and operators' queries are described in docs/operations.md. Thread-safe.
 */
public final class PostgresStateStore implements StateStore {

    /** How often to call {@link #purge}: often enough to keep the tables small, rarely enough to cost nothing. */
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);
    /** The NOTIFY channel {@link #onWake} listens on. */
    public static final String WAKE_CHANNEL = "whatsapp_ai_wake";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStateStore.class);
    private static final Pattern PART_ID = Pattern.compile("[0-9a-f]{32}-\\d{1,4}");
    private static final int PURGE_CHUNK = 5_000;
    private static final int MAX_ERROR_LENGTH = 500;
    private static final String T = PostgresSchemaMigrator.SCHEMA + ".";
    /** The database's time in epoch ms: only for informational columns (the SPI passes no time there). */
    private static final String DB_NOW = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    private final DataSource dataSource;
    private final DataSource listenDataSource;
    private final BufferPolicy policy;
    private final Duration ledgerRetention;
    private final Duration finishedRetention;
    private final Duration keyRetention;
    private final long windowMillis;
    private final long maxWaitMillis;
    private final int maxBatch;
    private final StoreJson json = new StoreJson();
    private final String appendSql;
    private final Sql sql;
    private final GroupCommit commits;
    private final List<WakeListener> listeners = new ArrayList<>();
    private final PostgresMediaAllowance mediaAllowance;

    private PostgresStateStore(Builder b) {
        this.dataSource = b.dataSource;
        this.listenDataSource = b.notifications ? (b.listenDataSource != null ? b.listenDataSource : b.dataSource)
                : null;
        this.policy = b.policy;
        this.ledgerRetention = b.ledgerRetention;
        this.finishedRetention = b.finishedRetention;
        this.keyRetention = b.keyRetention;
        this.windowMillis = policy.window().toMillis();
        this.maxWaitMillis = policy.maxWait().toMillis();
        this.maxBatch = policy.maxBatchSize();
        this.appendSql = APPEND.formatted(T, maxBatch, windowMillis, maxWaitMillis);
        this.sql = new Sql(dataSource, Math.max(1, (int) b.queryTimeout.toSeconds()));
        this.mediaAllowance = new PostgresMediaAllowance(sql);
        if (b.migrate) {
            new PostgresSchemaMigrator(dataSource).migrate();
        }
        this.commits = new GroupCommit(dataSource, this::appendRows, b.commitThreads, b.maxCommitBatch,
                b.writeDeadline);
    }

    /** A builder for a store on {@code dataSource} (a pool: the store holds one connection per commit thread while committing). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** A store on {@code dataSource} deciding due times by {@code policy}, with the default settings. */
    public static PostgresStateStore create(DataSource dataSource, BufferPolicy policy) {
        return builder(dataSource).policy(policy).build();
    }

    /**
     * The pool this store writes to: what else the SDK keeps in the same database uses it, such as
     * the knowledge base's {@link io.github.whatsappai.ai.knowledge.PostgresVectorCache} that
     * {@code WhatsAppAi} wires when it runs on this store with an embeddings endpoint.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public BufferPolicy policy() {
        return policy;
    }

    @Override
    public Duration ledgerRetention() {
        return ledgerRetention;
    }

    @Override
    public boolean isDurable() {
        return true;
    }

    // ---- append ---------------------------------------------------------------------------------

    @Override
    public List<Appended> append(List<Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            return List.of();
        }
        List<GroupCommit.Row> rows = new ArrayList<>(arrivals.size());
        for (Arrival a : arrivals) {
            InboundMessage m = a.message();
            long sentAt = m.timestamp() != null ? m.timestamp().toEpochMilli() : a.arrivedAt();
            rows.add(new GroupCommit.Row(m.id(), a.key().phoneNumberId(), a.key().userKey(), m.sender().waId(),
                    m.sender().userId(), sentAt, a.arrivedAt(), json.write(m)));
        }
        return commits.append(rows);
    }

    /**
     * The statement behind {@link #append}: key links, then the ledger, then the accepted messages,
     * then each conversation's counts and due time, in that order (the scalar subquery makes the
     * ledger wait for the links), each phase in key order, so concurrent commits never deadlock.
     * Only identities with no link yet are inserted.
     *
     * <p>Each array parameter is read through a scalar subquery, so the planner estimates the same
     * row count whatever the batch holds: PostgreSQL then keeps the one generic plan of the prepared
     * statement instead of planning every execution again (a custom plan of this statement costs
     * more than executing it for a few rows). The buffer policy's numbers are written into the text
     * ({@code %2$d} and so on: integers of this store's settings, never input).
     */
    private static final String APPEND = """
            with input as (
                select * from unnest((select ?::int4[]), (select ?::text[]), (select ?::text[]), (select ?::text[]),
                                     (select ?::text[]), (select ?::text[]), (select ?::int8[]), (select ?::int8[]),
                                     (select ?::text[]))
                         as t(ord, mid, phone, hint, wa, bsuid, sent_at, at, body)
            ), resolved as (
                select i.*, lb.user_key as bsuid_key, lw.user_key as wa_key,
                       coalesce(lb.user_key, lw.user_key, i.hint) as ukey
                from input i
                left join %1$skey_link lb on lb.phone_number_id = i.phone and lb.identity = i.bsuid
                left join %1$skey_link lw on lw.phone_number_id = i.phone and lw.identity = i.wa
            ), links as (
                insert into %1$skey_link (phone_number_id, identity, user_key, linked_at)
                select distinct on (phone, identity) phone, identity, ukey, at from (
                    select phone, wa as identity, ukey, at, ord from resolved where wa is not null and wa_key is null
                    union all
                    select phone, bsuid, ukey, at, ord from resolved where bsuid is not null and bsuid_key is null) x
                order by phone, identity, ord
                on conflict do nothing
                returning 1
            ), ledger as (
                insert into %1$sledger (message_id, seen_at, phone_number_id, user_key)
                select mid, at, phone, ukey from resolved
                where (select count(*) from links) >= 0
                order by mid
                on conflict do nothing
                returning message_id
            ), msgs as (
                insert into %1$smessage (phone_number_id, user_key, message_id, sent_at, arrived_at, body)
                select r.phone, r.ukey, r.mid, r.sent_at, r.at, r.body
                from resolved r join ledger l on l.message_id = r.mid
                order by r.ord
                returning phone_number_id, user_key, arrived_at
            ), conv as (
                insert into %1$sconversation as c (phone_number_id, user_key, pending_count, first_arrival,
                                                   last_arrival, due_at, touched_at)
                select phone_number_id, user_key, count(*), min(arrived_at), max(arrived_at),
                       case when count(*) >= %2$d then max(arrived_at)
                            else least(max(arrived_at) + %3$d, min(arrived_at) + %4$d) end,
                       max(arrived_at)
                from msgs group by phone_number_id, user_key
                order by phone_number_id, user_key
                on conflict (phone_number_id, user_key) do update set
                    pending_count = c.pending_count + excluded.pending_count,
                    first_arrival = coalesce(c.first_arrival, excluded.first_arrival),
                    last_arrival = greatest(c.last_arrival, excluded.last_arrival),
                    touched_at = greatest(c.touched_at, excluded.touched_at),
                    due_at = case when c.pending_count + excluded.pending_count >= %2$d
                                      then greatest(c.last_arrival, excluded.last_arrival)
                                  else least(greatest(c.last_arrival, excluded.last_arrival) + %3$d,
                                             coalesce(c.first_arrival, excluded.first_arrival) + %4$d) end
                returning phone_number_id, user_key, due_at, burst_id is not null as busy
            )
            select r.ord, r.ukey, l.message_id is not null as accepted, cv.due_at, coalesce(cv.busy, false) as busy
            from resolved r
            left join ledger l on l.message_id = r.mid
            left join conv cv on cv.phone_number_id = r.phone and cv.user_key = r.ukey
            """;

    /**
     * Runs {@link #APPEND} for {@code rows} (unique message ids) on {@code c}: one statement, so in
     * auto-commit mode its answer comes after its own commit.
     */
    private GroupCommit.Result[] appendRows(Connection c, List<GroupCommit.Row> rows, int timeoutSeconds)
            throws SQLException {
        int n = rows.size();
        Integer[] ord = new Integer[n];
        String[] mid = new String[n];
        String[] phone = new String[n];
        String[] hint = new String[n];
        String[] wa = new String[n];
        String[] bsuid = new String[n];
        Long[] sentAt = new Long[n];
        Long[] at = new Long[n];
        String[] body = new String[n];
        for (int i = 0; i < n; i++) {
            GroupCommit.Row r = rows.get(i);
            ord[i] = i;
            mid[i] = r.messageId();
            phone[i] = r.phoneNumberId();
            hint[i] = r.hintKey();
            wa[i] = r.waId();
            bsuid[i] = r.bsuid();
            sentAt[i] = r.sentAt();
            at[i] = r.arrivedAt();
            body[i] = r.body();
        }
        GroupCommit.Result[] out = new GroupCommit.Result[n];
        try (PreparedStatement p = Sql.prepare(c, appendSql, timeoutSeconds)) {
            p.setArray(1, Sql.ints(c, ord));
            p.setArray(2, Sql.texts(c, mid));
            p.setArray(3, Sql.texts(c, phone));
            p.setArray(4, Sql.texts(c, hint));
            p.setArray(5, Sql.texts(c, wa));
            p.setArray(6, Sql.texts(c, bsuid));
            p.setArray(7, Sql.longs(c, sentAt));
            p.setArray(8, Sql.longs(c, at));
            p.setArray(9, Sql.texts(c, body));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1);
                    boolean accepted = rs.getBoolean(3);
                    long due = rs.getLong(4);
                    boolean known = !rs.wasNull();
                    boolean busy = rs.getBoolean(5);
                    long dueAt = accepted && !busy && known ? due : NONE;
                    out[i] = new GroupCommit.Result(rs.getString(2), accepted, dueAt);
                }
            }
        }
        return out;
    }

    @Override
    public boolean markSeen(String messageId, long at) {
        Objects.requireNonNull(messageId, "messageId");
        return sql.tx("record a message id", c -> {
            try (PreparedStatement p = sql.prepare(c, "insert into " + T
                    + "ledger (message_id, seen_at) values (?, ?) on conflict do nothing")) {
                p.setString(1, messageId);
                p.setLong(2, at);
                return p.executeUpdate() == 1;
            }
        });
    }

    // ---- claims ---------------------------------------------------------------------------------

    @Override
    public List<Claim> claimDue(long now, int max, String owner, long leaseUntil) {
        return claim(now, now, max, owner, leaseUntil, false);
    }

    @Override
    public List<Claim> claimAll(long now, int max, String owner, long leaseUntil) {
        return claim(now, Long.MAX_VALUE, max, owner, leaseUntil, true);
    }

    private List<Claim> claim(long now, long dueBy, int max, String owner, long leaseUntil, boolean all) {
        Objects.requireNonNull(owner, "owner");
        if (max <= 0) {
            return List.of();
        }
        List<Taken> taken = sql.tx("claim due bursts", c -> {
            List<Taken> out = new ArrayList<>();
            takeOver(c, now, all, max, owner, leaseUntil, out);
            if (out.size() < max) {
                claimFresh(c, now, dueBy, max - out.size(), owner, leaseUntil, all, out);
            }
            return out;
        });
        // the stored JSON is decoded after the commit: the rows are not held locked meanwhile
        List<Claim> claims = new ArrayList<>(taken.size());
        for (Taken t : taken) {
            Batch batch = new Batch(t.key(), t.messages().stream().map(Stored::message).toList(),
                    Instant.ofEpochMilli(t.firstArrival()), Instant.ofEpochMilli(t.deadline()));
            claims.add(new Claim(t.claimId(), batch, t.progress(), owner, leaseUntil, t.takeovers()));
        }
        return claims;
    }

    /** A burst claimed in the transaction, its messages still as stored. */
    private record Taken(String claimId, ConversationKey key, List<Stored> messages, long firstArrival, long deadline,
                         BurstProgress progress, int takeovers) {
    }

    /** Bursts whose lease ran out (or that were released): a new claim on the same burst and progress. */
    private void takeOver(Connection c, long now, boolean released, int max, String owner, long leaseUntil,
                          List<Taken> out)
            throws SQLException {
        record Expired(ConversationKey key, String burst, int takeovers, long first, long deadline,
                       BurstProgress progress) {
        }
        List<Expired> expired = new ArrayList<>();
        try (PreparedStatement p = sql.prepare(c, "select phone_number_id, user_key, burst_id, takeovers,"
                + " burst_first_arrival, burst_deadline, stage, user_id, session_id, reservation_id, reply_kind,"
                + " model, prompt_tokens, completion_tokens, history_turn from " + T + "conversation"
                + " where burst_id is not null and (lease_until <= ? or (? and claim_id is null))"
                + " order by lease_until limit ? for update skip locked")) {
            p.setLong(1, now);
            p.setBoolean(2, released);
            p.setInt(3, max);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    expired.add(new Expired(new ConversationKey(rs.getString(1), rs.getString(2)),
                            rs.getString(3), rs.getInt(4), rs.getLong(5), rs.getLong(6), progress(rs)));
                }
            }
        }
        if (expired.isEmpty()) {
            return;
        }
        Map<String, List<Stored>> messages = burstMessages(c, expired.stream().map(Expired::burst).toList());
        List<String> phones = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> claimIds = new ArrayList<>();
        List<String> orphaned = new ArrayList<>();
        for (Expired e : expired) {
            List<Stored> burst = messages.getOrDefault(e.burst(), List.of());
            if (burst.isEmpty()) {
                orphaned.add(e.burst());
                phones.add(e.key().phoneNumberId());
                keys.add(e.key().userKey());
                claimIds.add(null);
                continue;
            }
            int takeovers = e.takeovers() + 1;
            String claimId = e.burst() + "." + takeovers;
            phones.add(e.key().phoneNumberId());
            keys.add(e.key().userKey());
            claimIds.add(claimId);
            out.add(new Taken(claimId, e.key(), burst, e.first(), e.deadline(), e.progress(), takeovers));
        }
        try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation c set"
                + " claim_id = u.claim, owner = case when u.claim is null then null else ? end,"
                + " lease_until = case when u.claim is null then null else ? end,"
                + " takeovers = case when u.claim is null then 0 else c.takeovers + 1 end,"
                + " burst_id = case when u.claim is null then null else c.burst_id end"
                + " from unnest(?::text[], ?::text[], ?::text[]) as u(phone, ukey, claim)"
                + " where c.phone_number_id = u.phone and c.user_key = u.ukey")) {
            p.setString(1, owner);
            p.setLong(2, leaseUntil);
            p.setArray(3, Sql.texts(c, phones.toArray(String[]::new)));
            p.setArray(4, Sql.texts(c, keys.toArray(String[]::new)));
            p.setArray(5, Sql.texts(c, claimIds.toArray(String[]::new)));
            p.executeUpdate();
        }
        if (!orphaned.isEmpty()) {
            LOG.warn("{} burst(s) had no messages left (erased meanwhile?) and were dropped", orphaned.size());
        }
    }

    /** Conversations due by {@code dueBy}: a new burst of at most the batch cap, ordered by timestamp then arrival. */
    private void claimFresh(Connection c, long now, long dueBy, int max, String owner, long leaseUntil, boolean all,
                            List<Taken> out) throws SQLException {
        record Due(ConversationKey key, int pending, long first, long last, long due, String burst) {
        }
        List<Due> due = new ArrayList<>();
        try (PreparedStatement p = sql.prepare(c, "select phone_number_id, user_key, pending_count, first_arrival,"
                + " last_arrival, due_at from " + T + "conversation"
                + " where burst_id is null and due_at <= ? order by due_at limit ? for update skip locked")) {
            p.setLong(1, dueBy);
            p.setInt(2, max);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(new ConversationKey(rs.getString(1), rs.getString(2)), rs.getInt(3),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), newBurstId()));
                }
            }
        }
        if (due.isEmpty()) {
            return;
        }
        Map<String, List<Stored>> taken = new HashMap<>();
        try (PreparedStatement p = sql.prepare(c, "with k as (select * from unnest(?::text[], ?::text[], ?::text[])"
                + " as k(phone, ukey, burst)), ranked as (select m.seq, k.burst, row_number() over"
                + " (partition by m.phone_number_id, m.user_key order by m.sent_at, m.seq) as rn"
                + " from " + T + "message m join k on m.phone_number_id = k.phone and m.user_key = k.ukey"
                + " where m.burst_id is null)"
                + " update " + T + "message m set burst_id = r.burst from ranked r where m.seq = r.seq and r.rn <= ?"
                + " returning m.burst_id, m.seq, m.sent_at, m.body")) {
            p.setArray(1, Sql.texts(c, due.stream().map(d -> d.key().phoneNumberId()).toArray(String[]::new)));
            p.setArray(2, Sql.texts(c, due.stream().map(d -> d.key().userKey()).toArray(String[]::new)));
            p.setArray(3, Sql.texts(c, due.stream().map(Due::burst).toArray(String[]::new)));
            p.setInt(4, maxBatch);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    taken.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Stored(rs.getLong(2), rs.getLong(3), rs.getString(4)));
                }
            }
        }
        int n = due.size();
        String[] phones = new String[n];
        String[] keys = new String[n];
        String[] bursts = new String[n];
        String[] claims = new String[n];
        Long[] deadlines = new Long[n];
        Integer[] pending = new Integer[n];
        Long[] firsts = new Long[n];
        Long[] lasts = new Long[n];
        Long[] dues = new Long[n];
        for (int i = 0; i < n; i++) {
            Due d = due.get(i);
            List<Stored> burst = taken.getOrDefault(d.burst(), new ArrayList<>());
            burst.sort(Stored.ORDER);
            int left = Math.max(0, d.pending() - burst.size());
            phones[i] = d.key().phoneNumberId();
            keys[i] = d.key().userKey();
            pending[i] = left;
            firsts[i] = left == 0 ? null : d.first();
            lasts[i] = left == 0 ? null : d.last();
            dues[i] = left == 0 ? null : dueAt(left, d.first(), d.last());
            if (burst.isEmpty()) {
                continue; // counts had drifted (erase): nothing to answer, the row is corrected below
            }
            long deadline = all ? Math.min(d.due(), now) : d.due();
            bursts[i] = d.burst();
            claims[i] = d.burst() + ".0";
            deadlines[i] = deadline;
            out.add(new Taken(claims[i], d.key(), burst, d.first(), deadline, BurstProgress.start(), 0));
        }
        try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation c set"
                + " burst_id = u.burst, claim_id = u.claim,"
                + " owner = case when u.burst is null then null else ? end,"
                + " lease_until = case when u.burst is null then null else ? end,"
                + " takeovers = 0, burst_first_arrival = case when u.burst is null then null else c.first_arrival end,"
                + " burst_deadline = u.deadline, stage = case when u.burst is null then null else 'NEW' end,"
                + " user_id = null, session_id = null, reservation_id = null, reply_kind = null, model = null,"
                + " prompt_tokens = null, completion_tokens = null, history_turn = null,"
                + " pending_count = u.pending, first_arrival = u.pfirst, last_arrival = u.plast, due_at = u.due"
                + " from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int4[], ?::int8[],"
                + " ?::int8[], ?::int8[]) as u(phone, ukey, burst, claim, deadline, pending, pfirst, plast, due)"
                + " where c.phone_number_id = u.phone and c.user_key = u.ukey")) {
            p.setString(1, owner);
            p.setLong(2, leaseUntil);
            p.setArray(3, Sql.texts(c, phones));
            p.setArray(4, Sql.texts(c, keys));
            p.setArray(5, Sql.texts(c, bursts));
            p.setArray(6, Sql.texts(c, claims));
            p.setArray(7, Sql.longs(c, deadlines));
            p.setArray(8, Sql.ints(c, pending));
            p.setArray(9, Sql.longs(c, firsts));
            p.setArray(10, Sql.longs(c, lasts));
            p.setArray(11, Sql.longs(c, dues));
            p.executeUpdate();
        }
    }

    private long dueAt(int count, long first, long last) {
        return count >= maxBatch ? last : Math.min(last + windowMillis, first + maxWaitMillis);
    }

    private Map<String, List<Stored>> burstMessages(Connection c, List<String> bursts) throws SQLException {
        Map<String, List<Stored>> out = new HashMap<>();
        try (PreparedStatement p = sql.prepare(c, "select burst_id, seq, sent_at, body from " + T
                + "message where burst_id = any(?)")) {
            p.setArray(1, Sql.texts(c, bursts.toArray(String[]::new)));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Stored(rs.getLong(2), rs.getLong(3), rs.getString(4)));
                }
            }
        }
        out.values().forEach(l -> l.sort(Stored.ORDER));
        return out;
    }

    private static BurstProgress progress(ResultSet rs) throws SQLException {
        String stage = rs.getString("stage");
        return new BurstProgress(stage == null ? BurstProgress.Stage.NEW : BurstProgress.Stage.valueOf(stage),
                rs.getString("user_id"), rs.getString("session_id"), rs.getString("reservation_id"),
                rs.getString("reply_kind"), rs.getString("model"), Sql.intOrMinusOne(rs, "prompt_tokens"),
                Sql.intOrMinusOne(rs, "completion_tokens"), rs.getString("history_turn"));
    }

    private static String newBurstId() {
        UUID u = UUID.randomUUID();
        return String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    private static String burstOf(Claim claim) {
        int dot = claim.id().lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("not a claim of the PostgreSQL state store: " + claim.id());
        }
        return claim.id().substring(0, dot);
    }

    @Override
    public Collection<Claim> renew(Collection<Claim> claims, long leaseUntil) {
        if (claims.isEmpty()) {
            return List.of();
        }
        Set<String> kept = sql.tx("renew leases", c -> {
            Set<String> ids = new LinkedHashSet<>();
            try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation set lease_until = ?"
                    + " where claim_id = any(?) returning claim_id")) {
                p.setLong(1, leaseUntil);
                p.setArray(2, Sql.texts(c, claims.stream().map(Claim::id).toArray(String[]::new)));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        return claims.stream().filter(cl -> !kept.contains(cl.id())).toList();
    }

    @Override
    public void saveProgress(Claim claim, BurstProgress progress) {
        Objects.requireNonNull(progress, "progress");
        boolean held = sql.tx("save a burst's progress", c -> updateProgress(c, claim, progress));
        if (!held) {
            throw new ClaimLostException(claim.id());
        }
    }

    private boolean updateProgress(Connection c, Claim claim, BurstProgress progress) throws SQLException {
        try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation set stage = ?, user_id = ?,"
                + " session_id = ?, reservation_id = ?, reply_kind = ?, model = ?, prompt_tokens = ?,"
                + " completion_tokens = ?, history_turn = ? where claim_id = ?")) {
            p.setString(1, progress.stage().name());
            p.setString(2, progress.userId());
            p.setString(3, progress.sessionId());
            p.setString(4, progress.reservationId());
            p.setString(5, progress.replyKind());
            p.setString(6, progress.model());
            Sql.setIntOrNull(p, 7, progress.promptTokens());
            Sql.setIntOrNull(p, 8, progress.completionTokens());
            p.setString(9, progress.historyTurn());
            p.setString(10, claim.id());
            return p.executeUpdate() == 1;
        }
    }

    @Override
    public List<OutboxPart> saveReply(Claim claim, BurstProgress progress, List<String> partTexts, long expiresAt) {
        Objects.requireNonNull(progress, "progress");
        List<String> texts = List.copyOf(partTexts);
        String burst = burstOf(claim);
        List<OutboxPart> parts = sql.tx("store a reply", c -> {
            ConversationKey key;
            try (PreparedStatement p = sql.prepare(c, "select phone_number_id, user_key from " + T
                    + "conversation where claim_id = ? for update")) {
                p.setString(1, claim.id());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    key = new ConversationKey(rs.getString(1), rs.getString(2));
                }
            }
            List<OutboxPart> stored = outbox(c, burst);
            if (stored.isEmpty() && !texts.isEmpty()) {
                int n = texts.size();
                String[] ids = new String[n];
                Integer[] index = new Integer[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = burst + "-" + i;
                    index[i] = i;
                }
                try (PreparedStatement p = sql.prepare(c, "insert into " + T + "outbox (part_id, burst_id,"
                        + " part_index, phone_number_id, user_key, body, state, attempts, retry_at, expires_at,"
                        + " created_at, updated_at) select u.id, ?, u.idx, ?, ?, u.body, 'PENDING', 0, 0, ?, "
                        + DB_NOW + ", " + DB_NOW
                        + " from unnest(?::text[], ?::int4[], ?::text[]) as u(id, idx, body)")) {
                    p.setString(1, burst);
                    p.setString(2, key.phoneNumberId());
                    p.setString(3, key.userKey());
                    p.setLong(4, expiresAt);
                    p.setArray(5, Sql.texts(c, ids));
                    p.setArray(6, Sql.ints(c, index));
                    p.setArray(7, Sql.texts(c, texts.toArray(String[]::new)));
                    p.executeUpdate();
                }
                stored = outbox(c, burst);
            }
            updateProgress(c, claim, progress.stage() == BurstProgress.Stage.REPLY_STORED ? progress
                    : progress.at(BurstProgress.Stage.REPLY_STORED));
            return stored;
        });
        if (parts == null) {
            throw new ClaimLostException(claim.id());
        }
        return parts;
    }

    @Override
    public List<OutboxPart> outbox(Claim claim) {
        String burst = burstOf(claim);
        List<OutboxPart> parts = sql.tx("read a reply's parts", c -> {
            try (PreparedStatement p = sql.prepare(c, "select 1 from " + T + "conversation where claim_id = ?")) {
                p.setString(1, claim.id());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                }
            }
            return outbox(c, burst);
        });
        if (parts == null) {
            throw new ClaimLostException(claim.id());
        }
        return parts;
    }

    private List<OutboxPart> outbox(Connection c, String burst) throws SQLException {
        List<OutboxPart> out = new ArrayList<>();
        try (PreparedStatement p = sql.prepare(c, "select part_id, phone_number_id, user_key, part_index, body, state,"
                + " wamid, attempts, retry_at, expires_at from " + T + "outbox where burst_id = ? order by part_index")) {
            p.setString(1, burst);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new OutboxPart(rs.getString(1), new ConversationKey(rs.getString(2), rs.getString(3)),
                            rs.getInt(4), rs.getString(5), OutboxPart.State.valueOf(rs.getString(6)),
                            rs.getString(7), rs.getInt(8), rs.getLong(9), rs.getLong(10)));
                }
            }
        }
        return out;
    }

    @Override
    public void markSent(String partId, String wamid, long at) {
        Objects.requireNonNull(partId, "partId");
        update("record a sent part", "update " + T + "outbox set state = 'SENT', wamid = ?, updated_at = ?"
                + " where part_id = ? and state <> 'SENT'", wamid, at, partId);
    }

    @Override
    public void markAttempt(String partId, long retryAt, String error, boolean ambiguous) {
        Objects.requireNonNull(partId, "partId");
        update("record a failed send", "update " + T + "outbox set attempts = attempts + 1, retry_at = ?,"
                        + " last_error = ?, state = case when ? or state = 'AMBIGUOUS' then 'AMBIGUOUS' else 'PENDING' end"
                        + " where part_id = ? and state in ('PENDING', 'AMBIGUOUS')",
                retryAt, truncate(error), ambiguous, partId);
    }

    @Override
    public void markAbandoned(String partId, String reason, long at) {
        Objects.requireNonNull(partId, "partId");
        update("record an abandoned part", "update " + T + "outbox set state = 'ABANDONED', last_error = ?,"
                + " updated_at = ? where part_id = ? and state in ('PENDING', 'AMBIGUOUS')", truncate(reason), at, partId);
    }

    @Override
    public boolean confirmByCallback(String callbackData, String wamid, long at) {
        if (callbackData == null || !PART_ID.matcher(callbackData).matches()) {
            return false; // not ours: no round trip
        }
        return update("confirm a part by its status", "update " + T + "outbox set state = 'SENT', wamid = ?,"
                + " updated_at = ? where part_id = ? and state in ('PENDING', 'AMBIGUOUS')", wamid, at, callbackData) > 0;
    }

    @Override
    public long complete(Claim claim, long now) {
        String burst = burstOf(claim);
        Long due = sql.tx("complete a burst", c -> {
            Long next;
            try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation set burst_id = null,"
                    + " claim_id = null, owner = null, lease_until = null, takeovers = 0, burst_first_arrival = null,"
                    + " burst_deadline = null, stage = null, user_id = null, session_id = null, reservation_id = null,"
                    + " reply_kind = null, model = null, prompt_tokens = null, completion_tokens = null,"
                    + " history_turn = null,"
                    + " touched_at = greatest(touched_at, ?) where claim_id = ? returning due_at")) {
                p.setLong(1, now);
                p.setString(2, claim.id());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long d = rs.getLong(1);
                    next = rs.wasNull() ? NONE : d;
                }
            }
            try (PreparedStatement p = sql.prepare(c, "delete from " + T + "message where burst_id = ?")) {
                p.setString(1, burst);
                p.executeUpdate();
            }
            return next;
        });
        if (due == null) {
            throw new ClaimLostException(claim.id());
        }
        return due;
    }

    @Override
    public long release(Claim claim, long notBefore) {
        Boolean held = sql.tx("release a claim", c -> {
            boolean released;
            try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation set claim_id = null, owner = null,"
                    + " lease_until = ? where claim_id = ?")) {
                p.setLong(1, notBefore);
                p.setString(2, claim.id());
                released = p.executeUpdate() == 1;
            }
            if (released) {
                notify(c);
            }
            return released;
        });
        return held ? notBefore : NONE;
    }

    @Override
    public int releaseAll(String owner, long now) {
        Objects.requireNonNull(owner, "owner");
        return sql.tx("release an instance's claims", c -> {
            int n;
            try (PreparedStatement p = sql.prepare(c, "update " + T + "conversation set claim_id = null, owner = null,"
                    + " lease_until = ? where owner = ? and burst_id is not null")) {
                p.setLong(1, now);
                p.setString(2, owner);
                n = p.executeUpdate();
            }
            if (n > 0) {
                notify(c);
            }
            return n;
        });
    }

    private void notify(Connection c) throws SQLException {
        try (PreparedStatement p = sql.prepare(c, "select pg_notify(?, '')")) {
            p.setString(1, WAKE_CHANNEL);
            p.execute();
        }
    }

    @Override
    public long nextDeadline() {
        return sql.tx("read the next due time", c -> {
            try (PreparedStatement p = sql.prepare(c, "select least("
                    + "(select min(due_at) from " + T + "conversation where burst_id is null and due_at is not null),"
                    + "(select min(lease_until) from " + T + "conversation where burst_id is not null))");
                 ResultSet rs = p.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? NONE : v;
            }
        });
    }

    // ---- deferred chat-log entries --------------------------------------------------------------

    @Override
    public void deferLogs(List<ChatLogEntry> entries, long at) {
        if (entries.isEmpty()) {
            return;
        }
        Map<String, ChatLogEntry> unique = new LinkedHashMap<>();
        entries.forEach(e -> unique.putIfAbsent(e.idempotencyKey(), e));
        List<ChatLogEntry> list = List.copyOf(unique.values());
        String[] bodies = list.stream().map(json::write).toArray(String[]::new);
        sql.tx("defer chat-log entries", c -> {
            try (PreparedStatement p = sql.prepare(c, "insert into " + T + "deferred_log (idempotency_key,"
                    + " phone_number_id, wa_id, bsuid, deferred_at, entry) select u.k, u.phone, u.wa, u.bsuid, ?, u.entry"
                    + " from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) with ordinality"
                    + " as u(k, phone, wa, bsuid, entry, ord) order by u.ord on conflict (idempotency_key) do nothing")) {
                p.setLong(1, at);
                p.setArray(2, Sql.texts(c, list.stream().map(ChatLogEntry::idempotencyKey).toArray(String[]::new)));
                p.setArray(3, Sql.texts(c, list.stream().map(ChatLogEntry::phoneNumberId).toArray(String[]::new)));
                p.setArray(4, Sql.texts(c, list.stream().map(ChatLogEntry::waId).toArray(String[]::new)));
                p.setArray(5, Sql.texts(c, list.stream().map(ChatLogEntry::bsuid).toArray(String[]::new)));
                p.setArray(6, Sql.texts(c, bodies));
                return p.executeUpdate();
            }
        });
    }

    @Override
    public List<ChatLogEntry> deferredLogs(int max) {
        if (max <= 0) {
            return List.of();
        }
        List<String> bodies = sql.tx("read deferred chat-log entries", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement p = sql.prepare(c, "select entry from " + T + "deferred_log order by seq limit ?")) {
                p.setInt(1, max);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        return bodies.stream().map(json::logEntry).toList();
    }

    @Override
    public void removeDeferredLogs(Collection<String> idempotencyKeys) {
        if (idempotencyKeys.isEmpty()) {
            return;
        }
        sql.tx("forget written chat-log entries", c -> {
            try (PreparedStatement p = sql.prepare(c, "delete from " + T + "deferred_log where idempotency_key = any(?)")) {
                p.setArray(1, Sql.texts(c, idempotencyKeys.toArray(String[]::new)));
                return p.executeUpdate();
            }
        });
    }

    // ---- operations -----------------------------------------------------------------------------

    /**
     * Deletes, in chunks of {@value #PURGE_CHUNK} rows per transaction: ledger ids older than
     * {@link #ledgerRetention()}, sent or abandoned parts last changed longer ago than the finished
     * retention (default 48 h), and conversations idle (nothing pending, nothing claimed) for longer
     * than the key retention (default 30 days) together with their key links, and media allowances
     * of days before yesterday (UTC).
     */
    @Override
    public long purge(long now) {
        long total = 0;
        total += purgeChunks("purge the ledger", "delete from " + T + "ledger where message_id in (select message_id"
                + " from " + T + "ledger where seen_at < ? limit " + PURGE_CHUNK + ")", now - ledgerRetention.toMillis());
        total += purgeChunks("purge finished reply parts", "delete from " + T + "outbox where part_id in (select part_id"
                + " from " + T + "outbox where state in ('SENT', 'ABANDONED') and updated_at < ? limit " + PURGE_CHUNK
                + ")", now - finishedRetention.toMillis());
        long idleBefore = now - keyRetention.toMillis();
        total += purgeChunks("purge idle conversations", "with gone as (delete from " + T + "conversation where"
                + " (phone_number_id, user_key) in (select phone_number_id, user_key from " + T + "conversation"
                + " where burst_id is null and pending_count = 0 and touched_at < ? limit " + PURGE_CHUNK + ")"
                + " returning phone_number_id, user_key), links as (delete from " + T + "key_link l using gone g"
                + " where l.phone_number_id = g.phone_number_id and l.user_key = g.user_key returning 1)"
                + " select (select count(*) from gone) + (select count(*) from links)", idleBefore);
        // media allowances of days that are over: today and yesterday (UTC, the caller's clock) stay
        long yesterday = Math.floorDiv(now, Duration.ofDays(1).toMillis()) - 1;
        total += purgeChunks("purge media allowances", "delete from " + T + "media_allowance where (user_hash, day) in"
                + " (select user_hash, day from " + T + "media_allowance where day < date '1970-01-01' + ?::integer"
                + " limit " + PURGE_CHUNK + ")", yesterday);
        return total;
    }

    /**
     * The daily media allowance in this database, shared by every instance on it: one atomic
     * statement per file taken; rows hold a SHA-256 of the user id and the count, and are purged
     * once their day is over.
     */
    @Override
    public MediaAllowance mediaAllowance() {
        return mediaAllowance;
    }

    private long purgeChunks(String operation, String statement, long before) {
        long total = 0;
        while (true) {
            long n = sql.tx(operation, c -> {
                try (PreparedStatement p = sql.prepare(c, statement)) {
                    p.setLong(1, before);
                    if (p.execute()) {
                        try (ResultSet rs = p.getResultSet()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                    return (long) p.getUpdateCount();
                }
            });
            total += n;
            if (n < PURGE_CHUNK) {
                return total;
            }
        }
    }

    @Override
    public long erase(String phoneNumberId, String waIdOrUserId) {
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        Objects.requireNonNull(waIdOrUserId, "waIdOrUserId");
        return sql.tx("erase a person's data", c -> {
            Set<String> keys = new LinkedHashSet<>();
            keys.add(waIdOrUserId);
            try (PreparedStatement p = sql.prepare(c, "select user_key from " + T + "key_link"
                    + " where phone_number_id = ? and identity = ?")) {
                p.setString(1, phoneNumberId);
                p.setString(2, waIdOrUserId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            Set<String> identities = new LinkedHashSet<>(keys);
            try (PreparedStatement p = sql.prepare(c, "select identity from " + T + "key_link"
                    + " where phone_number_id = ? and user_key = any(?)")) {
                p.setString(1, phoneNumberId);
                p.setArray(2, Sql.texts(c, keys.toArray(String[]::new)));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        identities.add(rs.getString(1));
                    }
                }
            }
            String[] k = keys.toArray(String[]::new);
            String[] ids = identities.toArray(String[]::new);
            long n = 0;
            for (String table : List.of("message", "outbox", "ledger", "conversation")) {
                try (PreparedStatement p = sql.prepare(c, "delete from " + T + table
                        + " where phone_number_id = ? and user_key = any(?)")) {
                    p.setString(1, phoneNumberId);
                    p.setArray(2, Sql.texts(c, k));
                    n += p.executeUpdate();
                }
            }
            try (PreparedStatement p = sql.prepare(c, "delete from " + T + "deferred_log where phone_number_id = ?"
                    + " and (wa_id = any(?) or bsuid = any(?))")) {
                p.setString(1, phoneNumberId);
                p.setArray(2, Sql.texts(c, ids));
                p.setArray(3, Sql.texts(c, ids));
                n += p.executeUpdate();
            }
            try (PreparedStatement p = sql.prepare(c, "delete from " + T + "key_link where phone_number_id = ?"
                    + " and (user_key = any(?) or identity = any(?))")) {
                p.setString(1, phoneNumberId);
                p.setArray(2, Sql.texts(c, k));
                p.setArray(3, Sql.texts(c, ids));
                n += p.executeUpdate();
            }
            return n;
        });
    }

    /**
     * Figures for operators (the same queries are in docs/operations.md). The ledger size is exact
     * up to 100,000 ids and the planner's estimate above, so asking stays cheap on a large ledger.
     */
    @Override
    public StoreStats stats(long now) {
        return sql.tx("read the store's figures", c -> {
            try (PreparedStatement p = sql.prepare(c, "select"
                    + " (select count(*) from " + T + "conversation where burst_id is null and pending_count > 0),"
                    + " (select count(*) from " + T + "message where burst_id is null),"
                    + " (select count(*) from " + T + "conversation where burst_id is not null and lease_until > ?),"
                    + " (select count(*) from " + T + "conversation where burst_id is not null and lease_until <= ?),"
                    + " (select count(*) from " + T + "outbox where state in ('PENDING', 'AMBIGUOUS')),"
                    + " (select min(arrived_at) from " + T + "message),"
                    + " (select count(*) from " + T + "deferred_log),"
                    + " (select reltuples::bigint from pg_class where oid = '" + T + "ledger'::regclass)")) {
                p.setLong(1, now);
                p.setLong(2, now);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    long oldest = rs.getLong(6);
                    long age = rs.wasNull() ? 0 : Math.max(0, now - oldest);
                    long ledger = rs.getLong(8);
                    if (ledger < 100_000) {
                        try (PreparedStatement q = sql.prepare(c, "select count(*) from " + T + "ledger");
                             ResultSet r = q.executeQuery()) {
                            r.next();
                            ledger = r.getLong(1);
                        }
                    }
                    return new StoreStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            age, rs.getLong(7), ledger);
                }
            }
        });
    }

    @Override
    public Optional<ConversationKey> conversationOf(String phoneNumberId, String waIdOrUserId) {
        Objects.requireNonNull(phoneNumberId, "phoneNumberId");
        Objects.requireNonNull(waIdOrUserId, "waIdOrUserId");
        String key = sql.tx("look a conversation up", c -> {
            try (PreparedStatement p = sql.prepare(c, "select coalesce((select user_key from " + T + "key_link"
                    + " where phone_number_id = ? and identity = ?), (select user_key from " + T + "conversation"
                    + " where phone_number_id = ? and user_key = ?))")) {
                p.setString(1, phoneNumberId);
                p.setString(2, waIdOrUserId);
                p.setString(3, phoneNumberId);
                p.setString(4, waIdOrUserId);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        return Optional.ofNullable(key).map(k -> new ConversationKey(phoneNumberId, k));
    }

    /**
     * Calls {@code wake} when another instance released claims or made a burst due at once
     * (LISTEN on {@value #WAKE_CHANNEL}), and once after every (re)connection. Holds one connection
     * of the listen data source while open. Needs the PostgreSQL JDBC driver and a direct or
     * session-pooled connection; otherwise (or with {@link Builder#notifications(boolean) notifications(false)})
     * it never calls back and polling alone finds the work.
     */
    @Override
    public AutoCloseable onWake(Runnable wake) {
        Objects.requireNonNull(wake, "wake");
        if (listenDataSource == null) {
            return () -> { };
        }
        WakeListener listener = new WakeListener(listenDataSource, wake);
        synchronized (listeners) {
            listeners.add(listener);
        }
        listener.start();
        return () -> {
            listener.stop();
            synchronized (listeners) {
                listeners.remove(listener);
            }
        };
    }

    /** Stops the commit threads (queued appends fail with {@link StoreUnavailableException}) and listeners. */
    @Override
    public void close() {
        commits.close();
        List<WakeListener> open;
        synchronized (listeners) {
            open = List.copyOf(listeners);
            listeners.clear();
        }
        open.forEach(WakeListener::stop);
    }

    private int update(String operation, String statement, Object... params) {
        return sql.tx(operation, c -> {
            try (PreparedStatement p = sql.prepare(c, statement)) {
                for (int i = 0; i < params.length; i++) {
                    p.setObject(i + 1, params[i]);
                }
                return p.executeUpdate();
            }
        });
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    /** A stored message of a burst: ordered by Meta's timestamp, then arrival. */
    private final class Stored {
        static final Comparator<Stored> ORDER = Comparator.<Stored>comparingLong(s -> s.sentAt)
                .thenComparingLong(s -> s.seq);
        final long seq;
        final long sentAt;
        final String body;

        Stored(long seq, long sentAt, String body) {
            this.seq = seq;
            this.sentAt = sentAt;
            this.body = body;
        }

        InboundMessage message() {
            return json.message(body);
        }
    }

    /** Settings of a {@link PostgresStateStore}. */
    public static final class Builder {

        private final DataSource dataSource;
        private DataSource listenDataSource;
        private BufferPolicy policy = BufferPolicy.defaults();
        private Duration ledgerRetention = Duration.ofHours(48);
        private Duration finishedRetention = Duration.ofHours(48);
        private Duration keyRetention = Duration.ofDays(30);
        private Duration writeDeadline = Duration.ofSeconds(2);
        private Duration queryTimeout = Duration.ofSeconds(10);
        private int commitThreads = 2;
        private int maxCommitBatch = 500;
        private boolean migrate = true;
        private boolean notifications = true;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** When bursts are due; default {@link BufferPolicy#defaults()}. Every instance on one database must use the same. */
        public Builder policy(BufferPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How long message ids are remembered; at least the maximum message age. Default 48 h. */
        public Builder ledgerRetention(Duration retention) {
            this.ledgerRetention = retention;
            return this;
        }

        /** How long sent or abandoned reply parts are kept (for late status webhooks). Default 48 h. */
        public Builder finishedRetention(Duration retention) {
            this.finishedRetention = retention;
            return this;
        }

        /** How long an idle conversation and its wa_id/BSUID links are kept. Default 30 days. */
        public Builder keyRetention(Duration retention) {
            this.keyRetention = retention;
            return this;
        }

        /** How long {@link PostgresStateStore#append} may take before it throws; default 2 s (Meta waits longer). */
        public Builder writeDeadline(Duration deadline) {
            this.writeDeadline = deadline;
            return this;
        }

        /** The statement timeout of every other call (claims, outbox, purge); default 10 s. */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = timeout;
            return this;
        }

        /** Transactions committing appends at the same time (each holds a connection); default 2. */
        public Builder commitThreads(int threads) {
            this.commitThreads = threads;
            return this;
        }

        /** Messages one group commit takes at most; default 500. */
        public Builder maxCommitBatch(int messages) {
            this.maxCommitBatch = messages;
            return this;
        }

        /** Whether {@link #build()} applies the schema (default); off when Flyway or Liquibase applies it. */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /** Whether {@link PostgresStateStore#onWake} listens (default); switch off behind a transaction pooler. */
        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        /** A direct (not transaction-pooled) data source for LISTEN, when the main one goes through a pooler. */
        public Builder listenDataSource(DataSource listen) {
            this.listenDataSource = Objects.requireNonNull(listen, "listen");
            this.notifications = true;
            return this;
        }

        /**
         * The store; applies the schema first unless {@link #migrate(boolean) migrate(false)}.
         *
         * @throws IllegalArgumentException listing every invalid value
         * @throws StoreUnavailableException when the schema cannot be applied
         */
        public PostgresStateStore build() {
            new SettingsCheck("PostgresStateStore")
                    .positive("ledgerRetention", ledgerRetention)
                    .problemIf(ledgerRetention != null && ledgerRetention.compareTo(policy.maxWait()) < 0,
                            "ledgerRetention", "(" + ledgerRetention
                                    + ") must be at least the maximum message age, and longer than maxWait")
                    .positive("finishedRetention", finishedRetention)
                    .positive("keyRetention", keyRetention)
                    .positive("writeDeadline", writeDeadline)
                    .positive("queryTimeout", queryTimeout)
                    .problemIf(commitThreads < 1 || commitThreads > 64, "commitThreads",
                            "must be 1..64, was " + commitThreads)
                    .problemIf(maxCommitBatch < 1, "maxCommitBatch", "must be positive, was " + maxCommitBatch)
                    .done();
            return new PostgresStateStore(this);
        }
    }
}
