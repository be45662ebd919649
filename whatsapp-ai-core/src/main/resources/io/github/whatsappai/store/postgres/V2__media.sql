-- whatsapp-ai durable state, version 2: media. Applied on top of version 1, in place: existing rows
-- and bursts in flight are kept. Never edit this file once released: add V3__....sql instead.

-- The user turn the history keeps for a burst with media (the model's transcripts and descriptions),
-- stored with the reply so that an instance taking the burst over appends it. Cleared with the rest
-- of the burst's progress when the burst completes.
alter table whatsapp_ai.conversation add column if not exists history_turn text;
