import ArgumentParser
import Foundation
import Logging
import Server
import Store

/// The `onemsg-bridge` command: serves the 1MSG API on top of the WhatsApp Cloud API.
@main
struct OneMsgBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onemsg-bridge",
        abstract: "Serves the 1MSG.IO WhatsApp API and translates it to Meta's WhatsApp Cloud API.",
        subcommands: [Serve.self, ChannelCommand.self, WebhooksCommand.self, StoreCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite file path or postgres:// URL (env BRIDGE_DATABASE; default ./.bridge/bridge.sqlite).")
    var database: String?

    @Option(help: "Most connections open to a PostgreSQL database (env BRIDGE_DATABASE_POOL_SIZE; default 10).")
    var databasePoolSize: Int?

    var resolved: String {
        database ?? Environment.value("BRIDGE_DATABASE") ?? BridgeConfiguration().database
    }

    /// The pool size: the option, else the environment, else the default; at least 1.
    func resolvedPoolSize() throws -> Int {
        let size: Int
        if let databasePoolSize {
            size = databasePoolSize
        } else if let text = Environment.value("BRIDGE_DATABASE_POOL_SIZE") {
            guard let value = Int(text) else { throw ValidationError("BRIDGE_DATABASE_POOL_SIZE must be a whole number") }
            size = value
        } else {
            size = BridgeConfiguration().databasePoolSize
        }
        guard size >= 1 else { throw ValidationError("the database pool size must be at least 1") }
        return size
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Fails the command with a message and exit code 1, without a stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
