import Foundation
import Hummingbird
import NIOCore
import OneMsg
import Store

/// The request context of every route. On 1MSG routes ``OneMsgAuthMiddleware`` fills in ``authentication``,
/// from which ``OneMsgRequestContext`` is made for the handlers.
public struct BridgeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection (a proxy's address behind a load balancer); `nil` in in-process tests.
    public var remoteAddress: SocketAddress?
    /// The channel the token identified and the request's fields; set by ``OneMsgAuthMiddleware``.
    public var authentication: Authentication?

    /// JSON replies as 1MSG writes them: `/` not escaped.
    public var responseEncoder: JSONEncoder { BridgeJSON.encoder }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// What a 1MSG request carries once its token is checked.
    public struct Authentication: Sendable {
        /// The channel the token identified.
        public var channel: ChannelRecord
        /// The request's fields: body and query, without `token`.
        public var fields: RequestFields
    }
}

/// The context of every 1MSG operation's handler: the authenticated channel (never missing) and the request's
/// fields, so handlers never see tokens or raw bodies.
public struct OneMsgRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The channel the token identified.
    public let channel: ChannelRecord
    /// The request body's fields merged with the query's (without `token`).
    public let fields: RequestFields

    public var responseEncoder: JSONEncoder { BridgeJSON.encoder }

    /// Fails for a route registered outside the authenticated group: a wiring mistake, answered with a 500.
    public init(context: BridgeRequestContext) throws {
        guard let authentication = context.authentication else {
            throw HTTPError(.internalServerError, message: "route is missing authentication")
        }
        coreContext = context.coreContext
        channel = authentication.channel
        fields = authentication.fields
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
