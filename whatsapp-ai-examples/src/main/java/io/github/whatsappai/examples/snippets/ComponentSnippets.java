package io.github.whatsappai.examples.snippets;

import com.zaxxer.hikari.HikariDataSource;
import io.github.whatsappai.WhatsAppAiConfig;
import io.github.whatsappai.ai.AiResponder;
import io.github.whatsappai.ai.KnowledgeBaseResponder;
import io.github.whatsappai.ai.OpenRouterResponder;
import io.github.whatsappai.ai.OpenRouterSettings;
import io.github.whatsappai.ai.knowledge.Embedder;
import io.github.whatsappai.ai.knowledge.KnowledgeBase;
import io.github.whatsappai.ai.knowledge.OpenAiCompatibleEmbedder;
import io.github.whatsappai.ai.knowledge.Passage;
import io.github.whatsappai.ai.knowledge.PdfKnowledgeBase;
import io.github.whatsappai.ai.knowledge.PostgresVectorCache;
import io.github.whatsappai.client.ButtonsMessage;
import io.github.whatsappai.client.GraphSettings;
import io.github.whatsappai.client.GraphWhatsAppClient;
import io.github.whatsappai.client.Recipient;
import io.github.whatsappai.event.EventListener;
import io.github.whatsappai.examples.jdbc.DataSources;
import io.github.whatsappai.examples.jdbc.JdbcChatLogger;
import io.github.whatsappai.examples.jdbc.JdbcCreditGate;
import io.github.whatsappai.examples.jdbc.JdbcSessionStore;
import io.github.whatsappai.examples.jdbc.JdbcUserMapper;
import io.github.whatsappai.examples.jdbc.SchemaMigrator;
import io.github.whatsappai.examples.supabase.SupabaseChatLogger;
import io.github.whatsappai.examples.supabase.SupabaseClient;
import io.github.whatsappai.examples.supabase.SupabaseUserMapper;
import io.github.whatsappai.spi.ChatLogger;
import io.github.whatsappai.spi.CreditGate;
import io.github.whatsappai.spi.SessionStore;
import io.github.whatsappai.spi.UserMapper;
import io.github.whatsappai.store.StateStore;
import io.github.whatsappai.store.postgres.PostgresStateStore;
import io.github.whatsappai.webhook.model.Sender;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/** Component examples quoted in docs/configuration.md, docs/knowledge-base.md, docs/sending.md and docs/storage.md. */
final class ComponentSnippets {

    private ComponentSnippets() {
    }

    static AiResponder knowledgeBase(WhatsAppAiConfig config, EventListener eventListener, String userTurn) {
        // tag::knowledge-base[]
        PdfKnowledgeBase kb = PdfKnowledgeBase.create(config.knowledgeBase(), eventListener); // KNOWLEDGE_BASE_URLS, _REFRESH_INTERVAL
        kb.start();                                     // loads at once on its own daemon thread, then every interval
        List<Passage> passages = kb.searchWithinBudget(userTurn, KnowledgeBase.DEFAULT_PROMPT_CHARS);
        AiResponder offline = new KnowledgeBaseResponder(kb); // demo without an API key, or a fallback responder
        // kb.close() stops refreshing and shuts down only the thread it created
        // end::knowledge-base[]
        return offline;
    }

    static PdfKnowledgeBase hybridRetrieval(List<String> sources, EventListener eventListener,
                                            DataSource dataSource) {
        // tag::hybrid-retrieval[]
        Embedder embedder = OpenAiCompatibleEmbedder.builder("http://localhost:11434/v1", "nomic-embed-text") // Ollama, LM Studio, OpenAI, …
                .apiKey(System.getenv("EMBEDDINGS_API_KEY"))  // none for a local server
                .build();
        // or, in process (module whatsapp-ai-embeddings-onnx): Embedder embedder = InProcessEmbedder.create();
        PdfKnowledgeBase kb = PdfKnowledgeBase.builder()
                .sources(sources)
                .embedder(embedder)                             // BM25 + vectors, fused by reciprocal rank
                .vectorCache(PostgresVectorCache.create(dataSource)) // optional: restarts embed only new text
                .eventListener(eventListener)                   // embedding progress, failures, recovery
                .build();
        // end::hybrid-retrieval[]
        return kb;
    }

    static void sending(WhatsAppAiConfig config, EventListener listener, String token, HttpClient sharedHttpClient,
                        ScheduledExecutorService scheduledExecutor, Random random, String phoneNumberId,
                        Sender sender, String llmReply, String inboundWamid, String mediaId) {
        // tag::sending[]
        GraphWhatsAppClient fromSettings = GraphWhatsAppClient.create(config.graph(), listener); // token, base URL, version, pace
        // or, with everything explicit (tests inject a VirtualScheduler, its clock and a fixed random):
        GraphWhatsAppClient client = GraphWhatsAppClient.builder()
                .accessToken(token)                      // required; never logged
                .graphApiBaseUrl("https://graph.facebook.com").graphApiVersion("v26.0")
                .outboundMessagesPerSecond(80)           // per phone number id
                .pacingBurst(2)                          // an idle number sends a read receipt and its reply at once
                .httpClient(sharedHttpClient)            // default: one new java.net.http.HttpClient
                .eventListener(listener)                 // GraphAlert, ReEngagementRequired
                .scheduler(scheduledExecutor).clock(Clock.systemUTC()).random(random)
                .maxAttempts(5).maxMediaBytes(16 << 20)
                .build();
        Recipient to = Recipient.of(sender);
        client.sendText(phoneNumberId, to, llmReply, inboundWamid);   // format + split + in order
        client.markRead(phoneNumberId, inboundWamid, true);           // + typing indicator
        client.send(phoneNumberId, to, new ButtonsMessage("Confirm?", List.of(new ButtonsMessage.Button("y", "Yes"))));
        client.downloadMedia(mediaId);                                // lookup + download with the token
        // end::sending[]
    }

    static void settings(String key, String token, KnowledgeBase knowledgeBase, EventListener listener) {
        // tag::settings[]
        OpenRouterResponder responder = OpenRouterResponder.create(
                OpenRouterSettings.builder().apiKey(key).model("openai/gpt-4o-mini").build(), knowledgeBase);
        GraphWhatsAppClient client = GraphWhatsAppClient.create(GraphSettings.builder().accessToken(token).build(), listener);
        // end::settings[]
    }

    static void jdbc() {
        // tag::storage-jdbc[]
        HikariDataSource db = DataSources.fromEnvironment(System.getenv()).orElseThrow(); // DATABASE_URL, _USER, _PASSWORD
        new SchemaMigrator(db).migrate();                // idempotent; one transaction under an advisory lock
        UserMapper users = new JdbcUserMapper(db);
        ChatLogger log = new JdbcChatLogger(db);         // batched insert … on conflict (idempotency_key) do nothing
        CreditGate credits = new JdbcCreditGate(db);     // 1 credit per reply; new JdbcCreditGate(db, n) for n
        SessionStore sessions = new JdbcSessionStore(db);
        // end::storage-jdbc[]
    }

    static void supabase() {
        // tag::storage-supabase[]
        SupabaseClient supabase = SupabaseClient.fromEnvironment(System.getenv()).orElseThrow(); // SUPABASE_URL, _KEY
        ChatLogger log = new SupabaseChatLogger(supabase);   // POST /rest/v1/chat_logs?on_conflict=idempotency_key
        UserMapper users = new SupabaseUserMapper(supabase); // POST /rest/v1/rpc/whatsapp_ai_find_or_create_user
        // end::storage-supabase[]
    }

    static void postgresStateStore(WhatsAppAiConfig config, HikariDataSource db) {
        // tag::storage-state-store[]
        StateStore store = PostgresStateStore.builder(db)        // any javax.sql.DataSource; a pool
                .policy(config.buffer())                         // the SDK's buffer policy (same on every instance)
                .ledgerRetention(config.guards().maxMessageAge().plusHours(1))
                .build();                                        // applies the schema whatsapp_ai (see below)
        // end::storage-state-store[]
        store.close();
    }

    static void postgresStateStoreMigratedElsewhere(WhatsAppAiConfig config, HikariDataSource db) {
        // tag::storage-state-store-flyway[]
        StateStore store = PostgresStateStore.builder(db).policy(config.buffer()).migrate(false).build();
        // end::storage-state-store-flyway[]
        store.close();
    }
}
