import GRDB

/// The SQLite schema, as a list of migrations. Released migrations are never edited: a change to the
/// schema is a new migration appended at the end, so every existing database upgrades the same way.
enum SQLiteMigrations {
    /// Every migration, in order; `DatabaseMigrator` records which ones a database has run.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-channels-messages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE channels (
                        id TEXT PRIMARY KEY NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        phone_number_id TEXT NOT NULL UNIQUE,
                        waba_id TEXT NOT NULL,
                        access_token TEXT NOT NULL,
                        app_secret TEXT NOT NULL,
                        verify_token TEXT NOT NULL,
                        settings TEXT NOT NULL,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE TABLE messages (
                        channel_id TEXT NOT NULL,
                        message_number INTEGER NOT NULL,
                        id TEXT NOT NULL,
                        chat_id TEXT NOT NULL,
                        from_me INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        body TEXT NOT NULL,
                        quoted_msg_id TEXT,
                        time DOUBLE NOT NULL,
                        PRIMARY KEY (channel_id, message_number),
                        UNIQUE (channel_id, id)
                    );
                    CREATE TABLE inbound_payloads (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        received_at DOUBLE NOT NULL,
                        body BLOB NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-inbound-outbox") { db in
            try db.execute(
                sql: """
                    ALTER TABLE inbound_payloads ADD COLUMN unroutable TEXT;
                    CREATE TABLE message_statuses (
                        channel_id TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        rank INTEGER NOT NULL,
                        raw BLOB NOT NULL,
                        received_at DOUBLE NOT NULL,
                        PRIMARY KEY (channel_id, message_id, status)
                    );
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        channel_id TEXT NOT NULL,
                        url TEXT NOT NULL,
                        chat_id TEXT NOT NULL,
                        body BLOB NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        queued_at DOUBLE NOT NULL,
                        next_attempt_at DOUBLE NOT NULL,
                        last_error TEXT,
                        state TEXT NOT NULL
                    );
                    CREATE INDEX outbox_line ON outbox (state, channel_id, url, chat_id, id);
                    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
                    CREATE TABLE installation_secrets (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("v3-history-events") { db in
            try db.execute(
                sql: """
                    ALTER TABLE messages ADD COLUMN event BLOB;
                    CREATE INDEX messages_chat ON messages (channel_id, chat_id, message_number);
                    """)
        }
        migrator.registerMigration("v4-single-attempt-statistics") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN single_attempt INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX message_statuses_received ON message_statuses (channel_id, received_at);
                    """)
        }
        migrator.registerMigration("v5-customer-identities") { db in
            try db.execute(
                sql: """
                    CREATE TABLE customer_identities (
                        channel_id TEXT NOT NULL,
                        username TEXT NOT NULL,
                        bsuid TEXT NOT NULL,
                        seen_at DOUBLE NOT NULL,
                        PRIMARY KEY (channel_id, username)
                    );
                    ALTER TABLE messages ADD COLUMN bsuid TEXT;
                    CREATE INDEX messages_bsuid ON messages (channel_id, bsuid, message_number);
                    """)
        }
        migrator.registerMigration("v6-keyed-events-business-contacts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE inbound_event_keys (
                        channel_id TEXT NOT NULL,
                        key_digest TEXT NOT NULL,
                        received_at DOUBLE NOT NULL,
                        PRIMARY KEY (channel_id, key_digest)
                    );
                    CREATE TABLE business_contacts (
                        channel_id TEXT NOT NULL,
                        phone TEXT NOT NULL,
                        full_name TEXT,
                        first_name TEXT,
                        removed INTEGER NOT NULL,
                        changed_at DOUBLE NOT NULL,
                        PRIMARY KEY (channel_id, phone)
                    );
                    CREATE INDEX customer_identities_bsuid ON customer_identities (channel_id, bsuid);
                    """)
        }
        migrator.registerMigration("v7-outbox-leases") { db in
            // A claimed entry is leased to one dispatcher until `lease_until`; NULL means not leased.
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
                    ALTER TABLE outbox ADD COLUMN lease_until DOUBLE;
                    """)
        }
        migrator.registerMigration("v8-idempotency-keys") { db in
            // reply_status and reply_body stay NULL while the request that claimed the key is under way.
            try db.execute(
                sql: """
                    CREATE TABLE idempotency_keys (
                        channel_id TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        claimed_at DOUBLE NOT NULL,
                        reply_status INTEGER,
                        reply_body BLOB,
                        PRIMARY KEY (channel_id, key)
                    );
                    CREATE INDEX idempotency_keys_claimed_at ON idempotency_keys (claimed_at);
                    """)
        }
        return migrator
    }
}
