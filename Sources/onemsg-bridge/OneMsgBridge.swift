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
        subcommands: [Serve.self, ChannelCommand.self, WebhooksCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite file path or postgres:// URL (env BRIDGE_DATABASE; default ./.bridge/bridge.sqlite).")
    var database: String?

    var resolved: String {
        database ?? Environment.value("BRIDGE_DATABASE") ?? BridgeConfiguration().database
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
