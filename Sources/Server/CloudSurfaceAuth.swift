import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import OneMsg
import Store

/// A request path of the Cloud API surface: `/[vNN.N/]{object-id}[/{edge}]`, the Graph API's shape. Graph ids are
/// digits, so a path whose object is not (`/favicon.ico`, a 1MSG operation the bridge does not have) is not a Cloud
/// path and stays a 404.
struct CloudPath: Sendable, Hashable {
    /// The edges of an object the surface serves.
    enum Edge: String, Sendable {
        case messages
        case media
        case messageTemplates = "message_templates"
    }

    /// The Graph API version the client named (`v23.0`), if it named one; the bridge uses its own.
    var version: String?
    /// The phone number id, WhatsApp Business Account id or media id.
    var objectID: String
    var edge: Edge?

    init?(_ path: String) {
        var segments = path.split(separator: "/").map(String.init)
        if segments.count > 1, segments[0].wholeMatch(of: /v[0-9]{1,3}\.[0-9]{1,3}/) != nil {
            version = segments.removeFirst()
        }
        guard (1...2).contains(segments.count), (1...64).contains(segments[0].count),
            segments[0].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        objectID = segments[0]
        if segments.count == 2 {
            guard let edge = Edge(rawValue: segments[1]) else { return nil }
            self.edge = edge
        }
    }

    /// Whether `channel` owns the object: its phone number for messages and media uploads, its WhatsApp Business
    /// Account for templates. Media ids are Meta's to check: the lookup goes to Meta with the channel's phone number id.
    func isOwned(by channel: ChannelRecord) -> Bool {
        switch edge {
        case .messages?, .media?: objectID == channel.phoneNumberID
        case .messageTemplates?: objectID == channel.wabaID
        case nil: true
        }
    }
}

/// Authenticates Cloud surface requests: the channel's bridge token as `Authorization: Bearer` (Meta's access token
/// never leaves the bridge), and a path object the channel owns. A missing or unknown token is a
/// ``BridgeError/wrongToken(token:channelID:)``, which the wrong-token throttle counts and ``CloudErrorMiddleware``
/// writes as Meta's 401.
struct CloudAuthMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    let channels: ChannelDirectory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let path = CloudPath(request.uri.path) else { throw HTTPError(.notFound) }
        let token = OneMsgAuthMiddleware.bearerToken(request.headers[.authorization])
        guard let token, let channel = try await channels.authenticate(tokens: [token], channelID: nil) else {
            throw BridgeError.wrongToken(token: token, channelID: nil)
        }
        guard path.isOwned(by: channel) else {
            throw CloudSurfaceError(status: .forbidden, error: .permissionDenied(object: path.objectID, traceID: CloudSurfaceError.traceID()))
        }
        var context = context
        context.authentication = .init(channel: channel, fields: RequestFields())
        return try await next(request, context)
    }
}

/// Outermost on the Cloud surface: the bridge's own refusals (a wrong token, a cool-down, a body too large, a
/// store failure) in Meta's envelope instead of 1MSG's.
struct CloudErrorMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as BridgeError {
            throw CloudSurfaceError(error)
        }
    }
}

/// The context of the Cloud surface's handlers: the channel the Bearer token identified.
struct CloudRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The channel the token identified; it owns the path's phone number id or account.
    let channel: ChannelRecord

    var responseEncoder: JSONEncoder { BridgeJSON.encoder }

    /// Fails for a route registered outside the authenticated group: a wiring mistake, answered with a 500.
    init(context: BridgeRequestContext) throws {
        guard let authentication = context.authentication else {
            throw HTTPError(.internalServerError, message: "route is missing authentication")
        }
        coreContext = context.coreContext
        channel = authentication.channel
    }
}
