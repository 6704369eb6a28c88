import Sandbox
import Store

/// The sandbox's demo channel and simulator state: created on first start, given a fresh token on
/// every start (only its hash is stored, so a new one is the only one that can be printed).
struct SandboxSetup: Sendable {
    static let channelID = "sandbox"
    static let phoneNumberID = "100000000000001"
    static let wabaID = "200000000000001"
    static let displayPhoneNumber = "15550001234"

    let state: SimulatorState
    let token: String

    static func prepare(store: any BridgeStore) async throws -> SandboxSetup {
        let token = ChannelToken.generate()
        let channel: ChannelRecord
        if let existing = try await store.channel(id: channelID) {
            try await store.replaceTokenHash(channelID: channelID, tokenHash: ChannelToken.hash(token))
            channel = existing
        } else {
            channel = ChannelRecord(
                id: channelID, tokenHash: ChannelToken.hash(token), phoneNumberID: phoneNumberID, wabaID: wabaID,
                accessToken: "SANDBOX-" + ChannelToken.generate(), appSecret: ChannelToken.generate(),
                verifyToken: "sandbox-verify-" + ChannelToken.generate().prefix(8))
            try await store.addChannel(channel)
        }
        let state = SimulatorState(numbers: [
            SimulatedNumber(
                phoneNumberID: channel.phoneNumberID, displayPhoneNumber: displayPhoneNumber, wabaID: channel.wabaID,
                accessToken: channel.accessToken, appSecret: channel.appSecret)
        ])
        return SandboxSetup(state: state, token: token)
    }

    func banner(baseURL: String) -> String {
        """
        onemsg-bridge sandbox is running (simulated Cloud API, no Meta account needed)
          channel id: \(Self.channelID)
          token:      \(token)   (new on every sandbox start)
          try it:
            curl -X POST '\(baseURL)/\(Self.channelID)/sendMessage?token=\(token)' -d 'phone=12020721369&body=hi'
        """
    }
}
