/**
 * PostgreSQL implementations of the SPIs over plain JDBC, for applications that keep their users,
 * credits and chat logs in their own database and for several instances sharing one.
 *
 * <p>Set-up: create a pool with {@link io.github.whatsappai.examples.jdbc.DataSources#hikari}
 * (or {@link io.github.whatsappai.examples.jdbc.DataSources#fromEnvironment} for
 * {@code DATABASE_URL}/{@code DATABASE_USER}/{@code DATABASE_PASSWORD}), apply the schema with
 * {@link io.github.whatsappai.examples.jdbc.SchemaMigrator#migrate()} (or apply
 * {@code io/github/whatsappai/storage/migration/V*.sql} from this jar with your own migration tool), then hand the same {@code DataSource}
 * to {@link io.github.whatsappai.examples.jdbc.JdbcUserMapper},
 * {@link io.github.whatsappai.examples.jdbc.JdbcChatLogger},
 * {@link io.github.whatsappai.examples.jdbc.JdbcCreditGate} and
 * {@link io.github.whatsappai.examples.jdbc.JdbcSessionStore}.
 *
 * <p>Every class is thread-safe and keeps no state outside the database, so any number of
 * instances may share it. Each operation is one short transaction; races between concurrent
 * transactions (two first messages from one person, two replies spending the last credit) are
 * settled by unique constraints, conditional updates and row locks, and retried when PostgreSQL
 * aborts the loser. Every database failure surfaces as an unchecked
 * {@link io.github.whatsappai.examples.jdbc.StorageException} naming the operation, which the
 * pipeline treats as "keep the batch and retry later".
 */
package io.github.whatsappai.examples.jdbc;
