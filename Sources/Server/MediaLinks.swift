import Crypto
import Foundation
import Store
import Translation

/// Signed, expiring bridge URLs for media Meta holds: `GET /{channelId}/media/{mediaId}?expires=…&signature=…`.
/// The client needs no token; the signature binds channel, media id and expiry.
struct MediaLinks: Sendable {
    /// Meta keeps inbound media downloadable for 7 days.
    static let lifetime: TimeInterval = 7 * 24 * 3600

    /// The HMAC key's bytes (`SymmetricKey` itself is not Sendable).
    let keyBytes: Data
    let baseURL: LateBoundURL

    func url(channelID: String, media: InboundMedia, now: Date = Date()) -> String {
        url(channelID: channelID, mediaID: media.id, now: now)
    }

    func url(channelID: String, mediaID: String, now: Date = Date()) -> String {
        let expires = Int(now.timeIntervalSince1970 + Self.lifetime)
        let base = baseURL.url ?? ""
        let segment = CloudClient.pathSegment(mediaID)
        return
            "\(base)/\(channelID)/media/\(segment)?expires=\(expires)&signature=\(signature(channelID: channelID, mediaID: mediaID, expires: expires))"
    }

    /// Why a link is refused, for the 4xx reply.
    enum Refusal: Error, Equatable {
        case malformed, expired, tampered
    }

    func verify(channelID: String, mediaID: String, expires: String?, signature: String?, now: Date = Date()) -> Refusal? {
        guard let expires, let expiry = Int(expires), let signature else { return .malformed }
        let expected = self.signature(channelID: channelID, mediaID: mediaID, expires: expiry)
        guard constantTimeEquals(expected, signature) else { return .tampered }
        return Double(expiry) < now.timeIntervalSince1970 ? .expired : nil
    }

    private func signature(channelID: String, mediaID: String, expires: Int) -> String {
        let message = Data("\(channelID)\n\(mediaID)\n\(expires)".utf8)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes)))
            .base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
