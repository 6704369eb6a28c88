import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OneMsg
import Store

/// Authenticates 1MSG requests the ways 1MSG clients do it and decodes their bodies once.
///
/// The token may come from the query (`token`, possibly repeated), `Authorization: Bearer`, a `token`
/// field in the body, or a `token` request header (1MSG's generated SDKs send it there). With a
/// `/{channelId}/…` path the token must belong to that channel; without it the token alone names the
/// channel. Any failure is 1MSG's 401.
struct OneMsgAuthMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    let channels: ChannelDirectory
    /// The body limits and timeouts (``BridgeConfiguration/bodyLimit(for:)``).
    let config: BridgeConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let operation = Self.operationName(request, endpointPath: context.endpointPath)
        let isUpload = request.uri.path.split(separator: "/").last.map { BridgeConfiguration.uploadOperations.contains(String($0)) } ?? false
        let reader = RequestBodyReader(operation: operation, config: config)
        let decoded: Result<RequestFields, BodyDecodingError>
        if isUpload, let boundary = LenientBodyDecoder.multipartBoundary(request.headers[.contentType]) {
            // File parts go to disk as they arrive; a 100 MB document never sits in memory.
            decoded = .success(try await MultipartSpooler.read(request, boundary: boundary, reader: reader))
        } else {
            let body = try await reader.collect(request)
            request.body = .init(buffer: body)
            decoded = Result { () throws(BodyDecodingError) in
                try LenientBodyDecoder.decode(body: Array(buffer: body), contentType: request.headers[.contentType])
            }
        }
        var fields = (try? decoded.get()) ?? RequestFields()
        defer { FileSpool.remove(fields.files.values) }
        let bodyTokenValue = fields.remove("token")
        let bodyToken: String? = if case .string(let text)? = bodyTokenValue, !text.isEmpty { text } else { nil }

        let candidates =
            Self.queryTokens(request.uri.query)
            + [Self.bearerToken(request.headers[.authorization]), bodyToken, Self.headerToken(request.headers[Self.tokenHeader])]
            .compactMap { $0 }
        let pathChannelID = context.parameters.get("channelId")
        guard let channel = try await channels.authenticate(tokens: candidates, channelID: pathChannelID) else {
            throw BridgeError.wrongToken(token: candidates.first, channelID: pathChannelID)
        }
        if case .failure(let error) = decoded {
            throw BridgeError.unreadableBody(error.description)
        }
        if let bodyTokenValue, bodyToken == nil, bodyTokenValue != .string("") {
            throw BridgeError.invalid(ValidationError([FieldProblem(field: "token", rule: "must be a string, not \(bodyTokenValue.kindName)")]))
        }
        context.authentication = .init(channel: channel, fields: Self.mergingQuery(request.uri.query, into: fields))
        return try await next(request, context)
    }

    /// Query parameters count as fields too (`GET /retrieveMedia?mediaId=…`); the body wins when both name one.
    static func mergingQuery(_ query: String?, into fields: RequestFields) -> RequestFields {
        guard let query, !query.isEmpty else { return fields }
        var values: [String: FieldValue] = [:]
        for (name, value) in LenientBodyDecoder.formPairs(Substring(query)) where name != "token" && values[name] == nil {
            values[name] = .string(value)
        }
        guard !values.isEmpty else { return fields }
        for name in fields.clearedFields { values[name] = .string("") }
        values.merge(fields.values) { _, body in body }
        return RequestFields(values: values, files: fields.files, encoding: fields.encoding)
    }

    /// The operation a body limit belongs to: `sendMessage` for a one-segment route (with or without the channel
    /// segment), else the method and the route template (`POST /groups/{groupId}`).
    static func operationName(_ request: Request, endpointPath: String?) -> String {
        let segments = (endpointPath ?? request.uri.path).split(separator: "/").filter { $0 != "{channelId}" && $0 != ":channelId" }
        if segments.count == 1 { return String(segments[0]) }
        return "\(request.method.rawValue) /\(segments.joined(separator: "/"))"
    }

    static func queryTokens(_ query: String?) -> [String] {
        guard let query else { return [] }
        return LenientBodyDecoder.formPairs(Substring(query)).filter { $0.0 == "token" && !$0.1.isEmpty }.map(\.1)
    }

    /// The `token` request header.
    static let tokenHeader = HTTPField.Name("token")!

    static func headerToken(_ header: String?) -> String? {
        guard let token = header?.trimmingCharacters(in: .whitespaces), !token.isEmpty else { return nil }
        return token
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
