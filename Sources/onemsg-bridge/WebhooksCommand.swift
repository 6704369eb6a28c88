import ArgumentParser
import Foundation
import Store

/// `onemsg-bridge webhooks list|replay`: the client webhook deliveries that gave up (dead letters).
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Show and resend client webhook deliveries that were dead-lettered.",
        subcommands: [List.self, Replay.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters and the outbox depth.")
        @Option(help: "At most this many rows.") var limit = 100
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            let stats = try await store.outboxStats(now: Date())
            print("pending: \(stats.pending)  dead: \(stats.dead)  oldest pending: \(Int(stats.oldestPendingAge)) s")
            let dead = try await store.deadLetters(limit: limit)
            guard !dead.isEmpty else { return }
            print(["id", "channel", "url", "chat", "attempts", "queued_at", "last_error"].joined(separator: "\t"))
            let formatter = ISO8601DateFormatter()
            for entry in dead {
                print(
                    [
                        String(entry.id), entry.channelID, Self.safe(entry.url), entry.chatID, String(entry.attempts),
                        formatter.string(from: entry.queuedAt), entry.lastError ?? "",
                    ].joined(separator: "\t"))
            }
        }

        /// Webhook URLs may carry credentials in their query or user info: show scheme, host and path only.
        static func safe(_ url: String) -> String {
            guard var components = URLComponents(string: url) else { return "(unparseable URL)" }
            components.query = nil
            components.user = nil
            components.password = nil
            return components.string ?? "(unparseable URL)"
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put dead letters back in line with a fresh retry budget (a running bridge picks them up).")
        @Option(name: .customLong("id"), help: "Dead letter id (repeatable).") var ids: [Int64] = []
        @Flag(help: "Replay every dead letter.") var all = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give --all or at least one --id") }
        }

        func run() async throws {
            try await ChannelCommand.withStore(database) { store in try await run(on: store) }
        }

        func run(on store: any BridgeStore) async throws {
            let count = try await store.replayDeadLetters(ids: all ? nil : ids, now: Date())
            print("Replayed \(count) dead letter\(count == 1 ? "" : "s").")
        }
    }
}
