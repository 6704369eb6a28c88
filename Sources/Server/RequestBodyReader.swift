import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OneMsg

/// Reads one request body within its operation's limits: a size limit, a total read time, and a bound on how much
/// of an oversized body is read and dropped.
///
/// An oversized body is drained (up to ``drainBytes`` past the limit) before the 413 goes out, because clients
/// such as Python's urllib write the whole body before they read anything: without the drain they never see the
/// reply and the connection hangs. A body beyond that bound, or one that takes longer than ``readTimeout``, is
/// refused and the connection closed. A client that stops sending altogether is closed by the server's idle
/// timeout (``BridgeConfiguration/idleTimeout``), which this reader cannot see.
struct RequestBodyReader: Sendable {
    /// The most bytes the body may have.
    let limit: Int
    /// The operation the limit belongs to, as the 413 names it (`sendMessage`, `POST /cloud/webhook`).
    let operation: String
    /// How many bytes past the limit are read and dropped so that the client reads the 413.
    let drainBytes: Int
    /// The longest the whole body may take to arrive.
    let readTimeout: Duration

    init(limit: Int, operation: String, drainBytes: Int, readTimeout: Duration) {
        self.limit = limit
        self.operation = operation
        self.drainBytes = drainBytes
        self.readTimeout = readTimeout
    }

    /// The reader for `operation` under `config`'s limits.
    init(operation: String, config: BridgeConfiguration) {
        self.init(
            limit: config.bodyLimit(for: operation), operation: operation, drainBytes: config.oversizeDrainBytes,
            readTimeout: config.bodyReadTimeout)
    }

    /// The whole body.
    func collect(_ request: Request) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try await stream(request) { chunk in buffer.writeImmutableBuffer(chunk) }
        return buffer
    }

    /// Hands each chunk of the body to `consume` as it arrives, or throws ``BridgeError/bodyRefused(_:)``
    /// (nothing past the limit ever reaches `consume`).
    func stream(_ request: Request, consume: (ByteBuffer) async throws -> Void) async throws {
        let start = ContinuousClock.now
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > limit + drainBytes { throw tooLarge(drained: false) }
        var iterator = request.body.makeAsyncIterator()
        var total = 0
        // A body declared too large is only drained: nothing of it is buffered or parsed.
        var oversized = declared.map { $0 > limit } ?? false
        while !oversized, let chunk = try await iterator.next() {
            total += chunk.readableBytes
            guard ContinuousClock.now - start <= readTimeout else { throw tooSlow() }
            oversized = total > limit
            if !oversized { try await consume(chunk) }
        }
        if oversized {
            while let chunk = try await iterator.next() {
                total += chunk.readableBytes
                guard total <= limit + drainBytes, ContinuousClock.now - start <= readTimeout else {
                    throw tooLarge(drained: false)
                }
            }
            throw tooLarge(drained: true)
        }
        // NIO reports a connection that ends early as an error; this guards the body a handler acts on anyway.
        if let declared, total < declared {
            throw BridgeError.unreadableBody("the body ended after \(total) of its \(declared) bytes")
        }
    }

    private func tooLarge(drained: Bool) -> BridgeError {
        .bodyRefused(
            BodyRefusal(
                status: .contentTooLarge,
                message: "The request body is larger than \(Self.size(limit)), the limit of \(operation)",
                closesConnection: !drained))
    }

    private func tooSlow() -> BridgeError {
        .bodyRefused(
            BodyRefusal(
                status: .requestTimeout,
                message: "The request body took longer than \(Self.seconds(readTimeout)) to arrive, the limit of \(operation)",
                closesConnection: true))
    }

    /// `16 MiB` for whole mebibytes, else `1024 bytes`.
    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds) s" : String(format: "%.3g s", Double(seconds) + Double(attoseconds) / 1e18)
    }
}

/// A body the bridge will not read: its status, the 1MSG error message, and whether the connection must close
/// because the rest of the body was left unread.
public struct BodyRefusal: Sendable, Equatable {
    /// 413 or 408.
    public var status: HTTPResponse.Status
    /// The 1MSG error message, naming the limit and the operation.
    public var message: String
    /// Whether unread body bytes remain, so the connection cannot carry another request.
    public var closesConnection: Bool
}

extension ErrorRendering {
    /// `error` as 1MSG's error JSON; a refused body whose rest was left unread also closes the connection.
    static func response(for error: BridgeError) -> Response {
        guard case .bodyRefused(let refusal) = error, refusal.closesConnection else {
            return response(status: error.status, message: error.message)
        }
        let bytes = (try? BridgeJSON.encoder.encode(ErrorReply(error: refusal.message))) ?? Data()
        let body = ByteBuffer(bytes: bytes)
        // Hummingbird closes a connection whose response writer throws; the reply is written and flushed first.
        return Response(
            status: refusal.status,
            headers: [.contentType: "application/json; charset=utf-8", .connection: "close"],
            body: ResponseBody(contentLength: body.readableBytes) { writer in
                try await writer.write(body)
                try await writer.finish(nil)
                throw ConnectionClosedAfterRefusal()
            })
    }
}

/// Thrown after a refusal's reply is written, so the server closes the connection instead of reading on.
struct ConnectionClosedAfterRefusal: Error {}
