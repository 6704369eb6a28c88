import AsyncHTTPClient
import Cloud
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Store
import Translation

/// The live ``GraphAPI``: a shared AsyncHTTPClient, the channel's Bearer token, Meta's answers decoded into
/// results or ``CloudCallFailure``s. Never logs bodies, URLs with secrets, or tokens.
struct CloudClient: GraphAPI {
    let httpClient: HTTPClient
    /// Graph base URL; late-bound because the sandbox simulator's port is known only once it runs.
    let graphURL: LateBoundURL
    let apiVersion: String
    let timeout: Duration
    let logger: Logger

    /// `POST /{version}/{phone-number-id}/messages`.
    func sendMessage(_ message: CloudMessage, channel: ChannelRecord) async -> Result<CloudSendResponse, CloudCallFailure> {
        await send(message, to: "messages", channel: channel)
    }

    /// `POST /{version}/{phone-number-id}/marketing_messages`.
    func sendMarketingMessage(
        _ message: CloudMessage, channel: ChannelRecord
    ) async -> Result<CloudSendResponse, CloudCallFailure> {
        await send(message, to: "marketing_messages", channel: channel)
    }

    /// Encodes every message body (keys sorted, as the fixtures hold them); one for all sends, not one per send.
    static let messageEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private func send(
        _ message: CloudMessage, to edge: String, channel: ChannelRecord
    ) async -> Result<CloudSendResponse, CloudCallFailure> {
        let body: Data
        do {
            body = try Self.messageEncoder.encode(message)
        } catch {
            return .failure(.unexpectedResponse(httpStatus: 0))
        }
        return await call(.POST, path: "\(channel.phoneNumberID)/\(edge)", body: .json(body), channel: channel)
    }

    /// `POST /{version}/{phone-number-id}/messages` with a Cloud surface client's body, keys sorted; Meta's answer as JSON.
    func sendCloudMessage(_ body: CloudJSON, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        guard let data = try? Self.messageEncoder.encode(body) else { return .failure(.unexpectedResponse(httpStatus: 0)) }
        return await call(.POST, path: "\(channel.phoneNumberID)/messages", body: .json(data), channel: channel)
    }

    /// `POST /{version}/{phone-number-id}/messages` with a read receipt (and typing indicator).
    func markRead(_ receipt: CloudReadReceipt, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        guard let body = try? JSONEncoder().encode(receipt) else { return .failure(.unexpectedResponse(httpStatus: 0)) }
        return await call(.POST, path: "\(channel.phoneNumberID)/messages", body: .json(body), channel: channel)
    }

    /// `POST /{version}/{phone-number-id}/media`: uploads a file as multipart/form-data (`messaging_product`,
    /// `type`, `file`), answering the new media id.
    func uploadMedia(_ upload: MediaUpload, channel: ChannelRecord) async -> Result<CloudMediaID, CloudCallFailure> {
        let boundary = "onemsg-bridge-\(UInt64.random(in: 0...UInt64.max))"
        let filename = (upload.file.filename ?? "file").replacingOccurrences(of: "\"", with: "'")
        let head = ByteBuffer(
            string:
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n\(upload.mimeType)\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: \(upload.mimeType)\r\n\r\n")
        let tail = ByteBuffer(string: "\r\n--\(boundary)--\r\n")
        // The file streams from memory or its spool file; only one chunk is held at a time.
        let parts = FileSpool.chunks(of: upload.file, between: head, and: tail)
        return await call(
            .POST, path: "\(channel.phoneNumberID)/media",
            body: .init(
                contentType: "multipart/form-data; boundary=\(boundary)",
                body: .stream(parts, length: .known(Int64(head.readableBytes + upload.file.size + tail.readableBytes)))),
            channel: channel)
    }

    /// `DELETE /{version}/{media-id}`.
    func deleteMedia(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await call(.DELETE, path: "\(Self.pathSegment(id))?phone_number_id=\(channel.phoneNumberID)", body: nil, channel: channel)
    }

    /// `GET /{version}/{media-id}`: the short-lived download URL of a media file.
    func mediaInfo(id: String, channel: ChannelRecord) async -> Result<CloudMediaInfo, CloudCallFailure> {
        await call(.GET, path: "\(Self.pathSegment(id))?phone_number_id=\(channel.phoneNumberID)", body: nil, channel: channel)
    }

    /// Starts downloading a media file from the URL Meta gave, with the channel's token; the caller streams the body.
    func downloadMedia(url: String, channel: ChannelRecord) async throws -> MediaDownload {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(channel.accessToken)")
        let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanosecondsValue))
        return MediaDownload(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
            contentLength: response.headers.first(name: "Content-Length"), body: ResponseBody(asyncSequence: response.body))
    }

    func call<Success: Decodable>(
        _ method: NIOHTTP1.HTTPMethod, path: String, body: RequestBody?, channel: ChannelRecord,
        headers: [(String, String)] = []
    ) async -> Result<Success, CloudCallFailure> {
        guard let base = graphURL.url else {
            return .failure(.unreachable(reason: "the Cloud API address is not known yet"))
        }
        var request = HTTPClientRequest(url: "\(base.trimmingSuffix("/"))/\(apiVersion)/\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(channel.accessToken)")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: body.contentType)
            request.body = body.body
        }
        let status: Int
        let responseBody: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanosecondsValue))
            status = Int(response.status.code)
            responseBody = try await response.body.collect(upTo: 4 * 1024 * 1024)
        } catch {
            let failure = Self.failure(for: error, timeout: timeout)
            logger.warning("cloud api call failed", metadata: ["cloud.path": "\(Self.template(path))", "error.type": "\(type(of: error))"])
            return .failure(failure)
        }
        let decoder = JSONDecoder()
        if (200..<300).contains(status) {
            guard let success = try? decoder.decode(Success.self, from: responseBody) else {
                return .failure(.unexpectedResponse(httpStatus: status))
            }
            return .success(success)
        }
        guard let envelope = try? decoder.decode(CloudErrorEnvelope.self, from: responseBody) else {
            return .failure(.unexpectedResponse(httpStatus: status))
        }
        logger.info(
            "cloud api refused",
            metadata: ["cloud.path": "\(Self.template(path))", "http.status": "\(status)", "cloud.error.code": "\(envelope.error.code)"])
        return .failure(.refused(httpStatus: status, error: envelope.error))
    }

    /// A request body and its content type.
    struct RequestBody {
        var contentType: String
        var body: HTTPClientRequest.Body

        static func json(_ data: Data) -> RequestBody {
            RequestBody(contentType: "application/json", body: .bytes(ByteBuffer(bytes: data)))
        }
    }

    /// A client-given id made safe as one path segment (Graph ids are digits; anything else is escaped).
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? ""
    }

    /// Sorts transport errors into "nothing was sent" and "outcome unknown".
    static func failure(for error: any Error, timeout: Duration) -> CloudCallFailure {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return .unreachable(reason: "connection timed out")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timedOut(seconds: timeout.secondsValue)
            case .remoteConnectionClosed:
                return .interrupted(reason: "connection closed by the remote end")
            default:
                return .interrupted(reason: "HTTP client error")
            }
        }
        if error is NIOConnectionError || error is ChannelError {
            return .unreachable(reason: "connection failed")
        }
        if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
            return .unreachable(reason: "connection refused")
        }
        return .interrupted(reason: String(describing: type(of: error)))
    }

    /// The path without its query and with ids replaced, for logs.
    static func template(_ path: String) -> String {
        let bare = path.split(separator: "?", maxSplits: 1).first ?? ""
        return bare.split(separator: "/").map { $0.allSatisfy(\.isNumber) ? "{id}" : String($0) }.joined(separator: "/")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

/// Shuts the shared HTTP client down when the service group stops (after the server has drained).
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
