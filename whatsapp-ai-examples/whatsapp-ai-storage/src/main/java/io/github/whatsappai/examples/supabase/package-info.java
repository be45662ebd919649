/**
 * Supabase implementations of the SPIs over PostgREST, with the JDK's {@code java.net.http} client
 * and no Supabase library. One {@link io.github.whatsappai.examples.supabase.SupabaseClient} per
 * project (from {@code SUPABASE_URL}/{@code SUPABASE_KEY}) serves
 * {@link io.github.whatsappai.examples.supabase.SupabaseChatLogger}, which writes the chat log into
 * {@code chat_logs}, and {@link io.github.whatsappai.examples.supabase.SupabaseUserMapper}, which
 * finds or creates users through the schema's {@code whatsapp_ai_find_or_create_user} function.
 * Create the schema with {@code io/github/whatsappai/storage/migration/V1__whatsapp_ai_schema.sql} in the Supabase SQL editor,
 * including the row level security statements at its top.
 *
 * <p>Use a server-side key: a {@code sb_secret_…} key (sent in {@code apikey} only) or a legacy
 * {@code service_role} JWT (also sent as a Bearer token). Errors surface as
 * {@link io.github.whatsappai.examples.supabase.SupabaseException}, whose {@code isRetryable()} tells
 * an outage from a mistake. Everything here is thread-safe.
 */
package io.github.whatsappai.examples.supabase;
