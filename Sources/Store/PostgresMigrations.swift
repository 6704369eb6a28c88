import Logging
import PostgresNIO

/// The PostgreSQL schema, as a list of versioned migrations recorded in `schema_migrations`. Released migrations are
/// never edited: a change is a new migration appended at the end. The tables are those of ``SQLiteMigrations`` v1–v7
/// (same names, columns and indexes), with PostgreSQL types (`BIGINT`, `BIGSERIAL`, `BOOLEAN`, `BYTEA`, dates as
/// `DOUBLE PRECISION` seconds since 1970) and one table of its own, `message_counters`, which numbers each channel's
/// messages under a row lock so that concurrent writers never take the same number.
enum PostgresMigrations {
    /// The advisory lock key that serializes migrations of one database (any constant, fixed forever).
    static let lockKey: Int64 = 0x6F6E_656D_7367_0001

    /// One schema change: its version (ascending from 1), a name, and its statements.
    struct Migration: Sendable {
        let version: Int64
        let name: String
        let statements: [String]
    }

    /// Runs the migrations `connection`'s database lacks, in one transaction under `pg_advisory_xact_lock`, so that
    /// instances starting together migrate one after the other and the later ones find nothing to do.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        func execute(_ query: PostgresQuery) async throws -> [PostgresRow] {
            try await connection.query(query, logger: logger).collect()
        }
        _ = try await execute("BEGIN")
        do {
            _ = try await execute("SELECT pg_advisory_xact_lock(\(lockKey))")
            _ = try await execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = Set(try await execute("SELECT version FROM schema_migrations").map { try $0.decode(Int64.self) })
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    _ = try await execute(PostgresQuery(unsafeSQL: statement))
                }
                _ = try await execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))")
            }
            _ = try await execute("COMMIT")
        } catch {
            _ = try? await execute("ROLLBACK")
            throw error
        }
    }

    /// Every migration, in order.
    static let all: [Migration] = [
        Migration(
            version: 1, name: "v1-channels-messages",
            statements: [
                """
                CREATE TABLE channels (
                    id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, phone_number_id TEXT NOT NULL UNIQUE,
                    waba_id TEXT NOT NULL, access_token TEXT NOT NULL, app_secret TEXT NOT NULL, verify_token TEXT NOT NULL,
                    settings TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE messages (
                    channel_id TEXT NOT NULL, message_number BIGINT NOT NULL, id TEXT NOT NULL, chat_id TEXT NOT NULL,
                    from_me BOOLEAN NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, quoted_msg_id TEXT,
                    time DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (channel_id, message_number), UNIQUE (channel_id, id))
                """,
                "CREATE TABLE message_counters (channel_id TEXT PRIMARY KEY, last_number BIGINT NOT NULL)",
                """
                CREATE TABLE inbound_payloads (
                    id BIGSERIAL PRIMARY KEY, received_at DOUBLE PRECISION NOT NULL, body BYTEA NOT NULL)
                """,
            ]),
        Migration(
            version: 2, name: "v2-inbound-outbox",
            statements: [
                "ALTER TABLE inbound_payloads ADD COLUMN unroutable TEXT",
                """
                CREATE TABLE message_statuses (
                    channel_id TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, rank BIGINT NOT NULL,
                    raw BYTEA NOT NULL, received_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (channel_id, message_id, status))
                """,
                """
                CREATE TABLE outbox (
                    id BIGSERIAL PRIMARY KEY, channel_id TEXT NOT NULL, url TEXT NOT NULL, chat_id TEXT NOT NULL,
                    body BYTEA NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, queued_at DOUBLE PRECISION NOT NULL,
                    next_attempt_at DOUBLE PRECISION NOT NULL, last_error TEXT, state TEXT NOT NULL)
                """,
                "CREATE INDEX outbox_line ON outbox (state, channel_id, url, chat_id, id)",
                "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
                "CREATE TABLE installation_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]),
        Migration(
            version: 3, name: "v3-history-events",
            statements: [
                "ALTER TABLE messages ADD COLUMN event BYTEA",
                "CREATE INDEX messages_chat ON messages (channel_id, chat_id, message_number)",
            ]),
        Migration(
            version: 4, name: "v4-single-attempt-statistics",
            statements: [
                "ALTER TABLE outbox ADD COLUMN single_attempt BOOLEAN NOT NULL DEFAULT FALSE",
                "CREATE INDEX message_statuses_received ON message_statuses (channel_id, received_at)",
            ]),
        Migration(
            version: 5, name: "v5-customer-identities",
            statements: [
                """
                CREATE TABLE customer_identities (
                    channel_id TEXT NOT NULL, username TEXT NOT NULL, bsuid TEXT NOT NULL,
                    seen_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (channel_id, username))
                """,
                "ALTER TABLE messages ADD COLUMN bsuid TEXT",
                "CREATE INDEX messages_bsuid ON messages (channel_id, bsuid, message_number)",
            ]),
        Migration(
            version: 6, name: "v6-keyed-events-business-contacts",
            statements: [
                """
                CREATE TABLE inbound_event_keys (
                    channel_id TEXT NOT NULL, key_digest TEXT NOT NULL, received_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (channel_id, key_digest))
                """,
                """
                CREATE TABLE business_contacts (
                    channel_id TEXT NOT NULL, phone TEXT NOT NULL, full_name TEXT, first_name TEXT,
                    removed BOOLEAN NOT NULL, changed_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (channel_id, phone))
                """,
                "CREATE INDEX customer_identities_bsuid ON customer_identities (channel_id, bsuid)",
            ]),
        Migration(
            version: 7, name: "v7-outbox-leases",
            statements: [
                "ALTER TABLE outbox ADD COLUMN lease_owner TEXT",
                "ALTER TABLE outbox ADD COLUMN lease_until DOUBLE PRECISION",
            ]),
        Migration(
            version: 8, name: "v8-idempotency-keys",
            statements: [
                """
                CREATE TABLE idempotency_keys (
                    channel_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
                    claimed_at DOUBLE PRECISION NOT NULL, reply_status INTEGER, reply_body BYTEA,
                    PRIMARY KEY (channel_id, key))
                """,
                "CREATE INDEX idempotency_keys_claimed_at ON idempotency_keys (claimed_at)",
            ]),
        Migration(version: 9, name: "v9-add-message-function", statements: [addMessageFunction]),
    ]

    /// Numbers and adds a message and queues its event in one round trip, so that the channel's counter row, locked
    /// first, is held only until the commit that follows (it was held through every later statement of the
    /// transaction). Each statement of the function sees what other transactions committed before it ran: a wamid
    /// committed while this one waited for the lock is found. Returns the number, whether the message was new, and
    /// how many deliveries were queued (none for a known wamid).
    static let addMessageFunction = """
        CREATE FUNCTION onemsg_bridge_add_message(
            p_channel TEXT, p_id TEXT, p_chat TEXT, p_from_me BOOLEAN, p_type TEXT, p_body TEXT, p_quoted TEXT,
            p_time DOUBLE PRECISION, p_event BYTEA, p_bsuid TEXT,
            p_queue_chat TEXT, p_queue_body BYTEA, p_queue_urls TEXT[], p_queue_single BOOLEAN, p_queue_at DOUBLE PRECISION,
            p_queue_state TEXT, p_notify_channel TEXT, p_notify_payload TEXT,
            OUT o_number BIGINT, OUT o_inserted BOOLEAN, OUT o_queued INTEGER)
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO message_counters AS counter (channel_id, last_number) VALUES (p_channel, 0)
                ON CONFLICT (channel_id) DO UPDATE SET last_number = counter.last_number;
            o_queued := 0;
            SELECT message_number INTO o_number FROM messages WHERE channel_id = p_channel AND id = p_id;
            IF FOUND THEN
                o_inserted := FALSE;
                RETURN;
            END IF;
            UPDATE message_counters SET last_number = last_number + 1 WHERE channel_id = p_channel
                RETURNING last_number INTO o_number;
            INSERT INTO messages (channel_id, message_number, id, chat_id, from_me, type, body, quoted_msg_id, time, event, bsuid)
                VALUES (p_channel, o_number, p_id, p_chat, p_from_me, p_type, p_body, p_quoted, p_time, p_event, p_bsuid);
            o_inserted := TRUE;
            IF p_queue_body IS NOT NULL AND cardinality(p_queue_urls) > 0 THEN
                INSERT INTO outbox (channel_id, url, chat_id, body, attempts, queued_at, next_attempt_at, state, single_attempt)
                    SELECT p_channel, queued.url, p_queue_chat, p_queue_body, 0, p_queue_at, p_queue_at, p_queue_state, p_queue_single
                    FROM unnest(p_queue_urls) WITH ORDINALITY AS queued (url, position) ORDER BY queued.position;
                o_queued := cardinality(p_queue_urls);
                PERFORM pg_notify(p_notify_channel, p_notify_payload);
            END IF;
        END
        $$
        """
}
