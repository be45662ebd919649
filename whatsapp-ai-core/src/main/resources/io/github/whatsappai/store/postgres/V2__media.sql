-- whatsapp-ai durable state, version 2: media. Applied on top of version 1, in place: existing rows
-- and bursts in flight are kept. Never edit this file once released: add V3__....sql instead.

-- The user turn the history keeps for a burst with media (the model's transcripts and descriptions),
-- stored with the reply so that an instance taking the burst over appends it. Cleared with the rest
-- of the burst's progress when the burst completes.
alter table whatsapp_ai.conversation add column if not exists history_turn text;

-- The daily media allowance (MediaSettings.maxItemsPerUserPerDay), shared by every instance: files
-- read per user per UTC day. user_hash is the SHA-256 of the application's user id, never the id.
-- Rows of days that are over are deleted by the store's purge.
create table whatsapp_ai.media_allowance (
    user_hash bytea   not null,
    day       date    not null,
    used      integer not null,
    primary key (user_hash, day),
    constraint media_allowance_used check (used > 0)
);
create index media_allowance_day on whatsapp_ai.media_allowance (day);
