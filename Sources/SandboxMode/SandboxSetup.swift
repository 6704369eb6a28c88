import Sandbox
import Store
import Synchronization

/// The sandbox's demo channel and simulator state: created on first start, given a fresh token on
/// every start (only its hash is stored, so a new one is the only one that can be printed).
struct SandboxSetup: Sendable {
    static let channelID = "sandbox"
    static let phoneNumberID = "100000000000001"
    static let wabaID = "200000000000001"
    static let displayPhoneNumber = "15550001234"
    static let appID = "300000000000001"

    let state: SimulatorState
    let token: String

    static func prepare(store: any BridgeStore) async throws -> SandboxSetup {
        let token = ChannelToken.generate()
        let channel: ChannelRecord
        if var existing = try await store.channel(id: channelID) {
            try await store.replaceTokenHash(channelID: channelID, tokenHash: ChannelToken.hash(token))
            if existing.settings.metaAppID == nil {
                // Sandboxes created before app ids existed get one, so that uploads work there too.
                existing.settings.metaAppID = appID
                try await store.updateSettings(channelID: channelID, settings: existing.settings)
            }
            channel = existing
        } else {
            channel = ChannelRecord(
                id: channelID, tokenHash: ChannelToken.hash(token), phoneNumberID: phoneNumberID, wabaID: wabaID,
                accessToken: "SANDBOX-" + ChannelToken.generate(), appSecret: ChannelToken.generate(),
                verifyToken: "sandbox-verify-" + ChannelToken.generate().prefix(8),
                settings: ChannelSettings(displayPhoneNumber: displayPhoneNumber, metaAppID: appID))
            try await store.addChannel(channel)
        }
        let state = SimulatorState(numbers: [
            SimulatedNumber(
                phoneNumberID: channel.phoneNumberID, displayPhoneNumber: displayPhoneNumber, wabaID: channel.wabaID,
                accessToken: channel.accessToken, appSecret: channel.appSecret)
        ])
        return SandboxSetup(state: state, token: token)
    }

    func banner(baseURL: String, simulatorURL: String) -> String {
        """
        onemsg-bridge sandbox is running (simulated Cloud API, no Meta account needed)
          channel id: \(Self.channelID)
          token:      \(token)   (new on every sandbox start)
          send a message:
            curl -X POST '\(baseURL)/\(Self.channelID)/sendMessage?token=\(token)' -d 'phone=12020721369&body=hi'
          or in the Cloud API's own format (Meta's paths, the same token as Bearer; business account \(Self.wabaID)):
            curl -X POST '\(baseURL)/v23.0/\(Self.phoneNumberID)/messages' -H 'Authorization: Bearer \(token)' -H 'Content-Type: application/json' -d '{"messaging_product":"whatsapp","to":"12020721369","type":"text","text":{"body":"hi"}}'
          receive 1MSG webhooks (messages and acks) at your URL:
            curl -X POST '\(baseURL)/\(Self.channelID)/webhook?token=\(token)' -d 'webhookUrl=http://127.0.0.1:9000/hook'
          simulate a customer writing to you:
            curl -X POST '\(simulatorURL)/sandbox/inbound' -d 'from=12020721369&text=hello'
        """
    }
}

/// Prints the sandbox banner once both the bridge's and the simulator's addresses are known
/// (the two servers start concurrently on their own ports).
final class SandboxAnnouncer: Sendable {
    private let addresses = Mutex<(bridge: String?, simulator: String?, done: Bool)>((nil, nil, false))
    let setup: SandboxSetup
    let announce: @Sendable (String) -> Void

    init(setup: SandboxSetup, announce: @escaping @Sendable (String) -> Void) {
        self.setup = setup
        self.announce = announce
    }

    func bridgeRunning(at url: String) { update { $0.bridge = url } }
    func simulatorRunning(at url: String) { update { $0.simulator = url } }

    private func update(_ change: (inout (bridge: String?, simulator: String?, done: Bool)) -> Void) {
        let ready = addresses.withLock { state -> (String, String)? in
            change(&state)
            guard !state.done, let bridge = state.bridge, let simulator = state.simulator else { return nil }
            state.done = true
            return (bridge, simulator)
        }
        if let (bridge, simulator) = ready {
            announce(setup.banner(baseURL: bridge, simulatorURL: simulator))
        }
    }
}
