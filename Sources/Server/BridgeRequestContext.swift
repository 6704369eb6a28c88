import Foundation
import Hummingbird
import OneMsg
import Store

/// The request context of every route: after ``OneMsgAuthMiddleware`` it carries the authenticated
/// channel and the leniently decoded body, so handlers never see tokens or raw bodies.
public struct BridgeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The channel the token identified; set for every 1MSG route.
    public var channel: ChannelRecord?
    /// The request body's fields (without `token`).
    public var fields = RequestFields()

    /// JSON replies as 1MSG writes them: `/` not escaped.
    public var responseEncoder: JSONEncoder { BridgeJSON.encoder }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The authenticated channel. Only 1MSG routes, which all sit behind the auth middleware, call this.
    public func authenticatedChannel() throws -> ChannelRecord {
        guard let channel else { throw HTTPError(.internalServerError, message: "route is missing authentication") }
        return channel
    }
}

/// The JSON encoder of every reply the bridge writes, and the one place JSON replies are made.
enum BridgeJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as an `application/json` reply.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
