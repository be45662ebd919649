/**
 * Supabase implementations of the SPIs over PostgREST, with the JDK's {@code java.net.http} client
 * and no Supabase library: {@link io.github.whatsappai.examples.supabase.SupabaseChatLogger} writes
 * the chat log into a {@code chat_logs} table (created with
 * {@code db/migration/V1__whatsapp_ai_schema.sql} in the Supabase SQL editor) from
 * {@code SUPABASE_URL}/{@code SUPABASE_KEY}. Use a server-side key: a {@code sb_secret_…} key (sent
 * in {@code apikey} only) or a legacy {@code service_role} JWT (also sent as a Bearer token). Errors
 * surface as {@link io.github.whatsappai.examples.supabase.SupabaseException}, whose
 * {@code isRetryable()} tells an outage from a mistake.
 */
package io.github.whatsappai.examples.supabase;
