-- whatsapp-ai durable state, version 1. Applied by PostgresSchemaMigrator (history in
-- whatsapp_ai.schema_history) or by Flyway/Liquibase; see docs/storage.md. Never edit this file
-- once released: add V2__....sql instead. All times are epoch milliseconds from the SDK's clock.
-- Needs no extension and no superuser: the role only has to own (or be able to create in) the
-- schema whatsapp_ai.

-- Every message id accepted or seen, kept at least the ledger retention: a redelivery to any
-- instance is recognised. phone_number_id/user_key are set for buffered messages (for erase).
create table whatsapp_ai.ledger (
    message_id      text   not null primary key,
    seen_at         bigint not null,
    phone_number_id text,
    user_key        text
);
-- insertion order follows seen_at closely, so a BRIN index serves the purge at almost no write cost
create index ledger_seen_at on whatsapp_ai.ledger using brin (seen_at);
create index ledger_person on whatsapp_ai.ledger (phone_number_id, user_key) where user_key is not null;

-- One person, one conversation: each identity (wa_id or business-scoped user id) a business
-- number has seen, linked to the conversation key it was first seen under.
create table whatsapp_ai.key_link (
    phone_number_id text   not null,
    identity        text   not null,
    user_key        text   not null,
    linked_at       bigint not null,
    primary key (phone_number_id, identity)
);
create index key_link_user on whatsapp_ai.key_link (phone_number_id, user_key);

-- One row per conversation: its pending messages' figures and due time, and the burst being
-- answered with its claim, lease and progress.
create table whatsapp_ai.conversation (
    phone_number_id     text    not null,
    user_key            text    not null,
    pending_count       integer not null default 0,
    first_arrival       bigint,
    last_arrival        bigint,
    due_at              bigint,
    touched_at          bigint  not null,
    burst_id            text,
    claim_id            text,
    owner               text,
    lease_until         bigint,
    takeovers           integer not null default 0,
    burst_first_arrival bigint,
    burst_deadline      bigint,
    stage               text,
    user_id             text,
    session_id          text,
    reservation_id      text,
    reply_kind          text,
    model               text,
    prompt_tokens       integer,
    completion_tokens   integer,
    primary key (phone_number_id, user_key)
);
create index conversation_due on whatsapp_ai.conversation (due_at) where burst_id is null and due_at is not null;
create index conversation_lease on whatsapp_ai.conversation (lease_until) where burst_id is not null;
create unique index conversation_claim on whatsapp_ai.conversation (claim_id) where claim_id is not null;

-- Messages not answered yet: pending (burst_id null) or part of the burst being answered. Deleted
-- when their burst completes.
create table whatsapp_ai.message (
    seq             bigint generated always as identity primary key,
    phone_number_id text   not null,
    user_key        text   not null,
    message_id      text   not null,
    sent_at         bigint not null,
    arrived_at      bigint not null,
    burst_id        text,
    body            text   not null
);
create index message_conversation on whatsapp_ai.message (phone_number_id, user_key, seq);
create index message_burst on whatsapp_ai.message (burst_id) where burst_id is not null;

-- Reply parts, stored before they are sent. part_id is sent as biz_opaque_callback_data.
create table whatsapp_ai.outbox (
    part_id         text    not null primary key,
    burst_id        text    not null,
    part_index      integer not null,
    phone_number_id text    not null,
    user_key        text    not null,
    body            text    not null,
    state           text    not null,
    wamid           text,
    attempts        integer not null default 0,
    retry_at        bigint  not null,
    expires_at      bigint  not null,
    last_error      text,
    created_at      bigint  not null,
    updated_at      bigint  not null,
    constraint outbox_state check (state in ('PENDING', 'AMBIGUOUS', 'SENT', 'ABANDONED'))
);
create unique index outbox_burst on whatsapp_ai.outbox (burst_id, part_index);
create index outbox_person on whatsapp_ai.outbox (phone_number_id, user_key);
create index outbox_finished on whatsapp_ai.outbox (updated_at) where state in ('SENT', 'ABANDONED');

-- Chat-log entries the ChatLogger refused, written again once it takes them.
create table whatsapp_ai.deferred_log (
    seq             bigint generated always as identity primary key,
    idempotency_key text   not null unique,
    phone_number_id text,
    wa_id           text,
    bsuid           text,
    deferred_at     bigint not null,
    entry           text   not null
);
create index deferred_log_person on whatsapp_ai.deferred_log (phone_number_id);
