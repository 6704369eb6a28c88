import Foundation
import Hummingbird
import NIOCore
import OneMsg
import Store

/// Authenticates 1MSG requests the ways 1MSG clients do it and decodes their bodies once.
///
/// The token may come from the query (`token`, possibly repeated), `Authorization: Bearer`, or a
/// `token` field in the body. With a `/{channelId}/…` path the token must belong to that channel;
/// without it the token alone names the channel. Any failure is 1MSG's 401.
struct OneMsgAuthMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    let channels: ChannelDirectory
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let body = try await request.collectBody(limit: maxBodyBytes)
        let decoded = Result { () throws(BodyDecodingError) in
            try LenientBodyDecoder.decode(body: Array(buffer: body), contentType: request.headers[.contentType])
        }
        var fields = (try? decoded.get()) ?? RequestFields()
        let bodyToken = fields.remove("token")?.scalarText

        let candidates = Self.queryTokens(request.uri.query)
            + [Self.bearerToken(request.headers[.authorization]), bodyToken].compactMap { $0 }
        let pathChannelID = context.parameters.get("channelId")
        guard let channel = try await channels.authenticate(tokens: candidates, channelID: pathChannelID) else {
            throw BridgeError.wrongToken(token: candidates.first, channelID: pathChannelID)
        }
        if case .failure(let error) = decoded {
            throw BridgeError.unreadableBody(error.description)
        }
        context.channel = channel
        context.fields = fields
        return try await next(request, context)
    }

    static func queryTokens(_ query: String?) -> [String] {
        guard let query else { return [] }
        return LenientBodyDecoder.formPairs(Substring(query)).filter { $0.0 == "token" && !$0.1.isEmpty }.map(\.1)
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}


extension Request {
    /// Collects the whole body, or throws ``BridgeError/bodyTooLarge(limit:)``.
    mutating func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw BridgeError.bodyTooLarge(limit: limit)
        }
    }
}
