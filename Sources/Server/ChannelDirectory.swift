import Store

/// Looks channels up for the edge: by token (hashed, compared in constant time), by phone number id,
/// by verify token. The store is the source of truth; nothing is cached, so CLI changes apply at once.
struct ChannelDirectory: Sendable {
    let store: any BridgeStore

    /// The channel one of `tokens` belongs to; with `channelID`, only that channel qualifies.
    func authenticate(tokens: [String], channelID: String?) async throws -> ChannelRecord? {
        guard !tokens.isEmpty else { return nil }
        do {
            if let channelID {
                guard let channel = try await store.channel(id: channelID) else { return nil }
                let matches = tokens.map { ChannelToken.matches($0, storedHash: channel.tokenHash) }
                return matches.contains(true) ? channel : nil
            }
            for token in tokens {
                if let channel = try await store.channel(tokenHash: ChannelToken.hash(token)),
                    ChannelToken.matches(token, storedHash: channel.tokenHash)
                {
                    return channel
                }
            }
            return nil
        } catch {
            throw BridgeError.storeUnavailable
        }
    }
}
