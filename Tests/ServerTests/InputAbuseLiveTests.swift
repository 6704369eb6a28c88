import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// Raw sockets against a live bridge: the pace and order of bytes are the point of these tests.
@Suite("Input abuse over real sockets: oversized bodies, trickled headers and bodies")
struct InputAbuseLiveTests {
    static let path = "/alpha/sendMessage?token=\(TestWorld.alphaToken)"

    static func head(contentLength: Int, connection: String = "keep-alive") -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(contentLength)\r\nConnection: \(connection)\r\n\r\n"
    }

    /// The bridge with small limits and timeouts, so the tests need neither big bodies nor long waits.
    static func withBridge(
        _ configure: (inout BridgeConfiguration) -> Void = { _ in }, _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let world = try await TestWorld.make()
        var config = world.configuration(graphURL: "http://127.0.0.1:9")
        config.maxBodyBytes = 1024
        config.oversizeDrainBytes = 64 * 1024
        configure(&config)
        let app = try await buildApplication(config)
        try await app.test(.live) { client in try await body(client.port!) }
    }

    /// `GET /healthz` on a connection of its own: whether the bridge serves other clients.
    /// Whether another client is served: a request on a connection of its own (`Connection: close`), since a pooled
    /// one may just have been closed by the short idle timeout these tests set.
    static func healthy(_ port: Int) async throws -> Bool {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
        request.headers.add(name: "Connection", value: "close")
        return try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status == .ok
    }

    @Test("a client that writes a whole oversized body before reading (urllib) gets the 413, then the connection closes")
    func oversizedWrittenFirst() async throws {
        try await Self.withBridge { port in
            let connection = try RawConnection(port: port)
            let request = Self.head(contentLength: 40_023, connection: "close") + "phone=12020721369&body=" + String(repeating: "x", count: 40_000)
            #expect(await connection.send(request))
            let (text, end) = await connection.receiveToEnd()
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
            #expect(text.contains(#"{"error":"The request body is larger than 1024 bytes, the limit of sendMessage"}"#), "\(text)")
            #expect(end == .closed)
        }
    }

    @Test("an oversized body within the drain bound is read to its end: the same connection then serves the next request")
    func drainedKeepAlive() async throws {
        try await Self.withBridge { port in
            let connection = try RawConnection(port: port)
            let request = Self.head(contentLength: 10_000) + String(repeating: "x", count: 10_000)
            #expect(await connection.send(request))
            let first = try #require(await connection.receiveResponse())
            #expect(first.head.hasPrefix("HTTP/1.1 413"))
            #expect(await connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
            let second = try #require(await connection.receiveResponse())
            #expect(second.head.hasPrefix("HTTP/1.1 200"), "\(second.head)")
            #expect(second.body == #"{"status":"ok"}"#)
        }
    }

    @Test("a body beyond the drain bound is not read: 413 with Connection: close, and the connection is closed")
    func beyondDrainBound() async throws {
        try await Self.withBridge { port in
            let connection = try RawConnection(port: port)
            let request = Self.head(contentLength: 10_000_000) + String(repeating: "x", count: 1000)
            #expect(await connection.send(request))
            let response = try #require(await connection.receiveResponse())
            #expect(response.head.hasPrefix("HTTP/1.1 413"))
            #expect(response.head.lowercased().contains("connection: close"))
            #expect(response.body == #"{"error":"The request body is larger than 1024 bytes, the limit of sendMessage"}"#)
            #expect(await connection.receiveToEnd().end == .closed)
            #expect(try await Self.healthy(port))
        }
    }

    @Test("headers trickled a byte at a time: the connection is closed after the idle timeout; other clients are served meanwhile")
    func trickledHeaders() async throws {
        try await Self.withBridge({ $0.idleTimeout = .milliseconds(300) }) { port in
            let connection = try RawConnection(port: port)
            let request = Array(Self.head(contentLength: 5).utf8)
            var closed = false
            for byte in request.prefix(request.count - 4) {
                guard await connection.send(String(decoding: [byte], as: UTF8.self)) else {
                    closed = true
                    break
                }
                #expect(try await Self.healthy(port))
                // The attack's pace: a byte every 50 ms never completes the head.
                try await Task.sleep(for: .milliseconds(50))
            }
            let rest = await connection.receiveToEnd()
            #expect(closed || rest.end == .closed, "the server closed the trickling connection before its head was complete")
            #expect(rest.text.isEmpty, "nothing was answered to an incomplete head")
        }
    }

    @Test("a body that stops arriving: closed by the idle timeout, the handler never runs on a truncated body")
    func stalledBody() async throws {
        try await Self.withBridge({ $0.idleTimeout = .milliseconds(300) }) { port in
            let connection = try RawConnection(port: port)
            let request = Self.head(contentLength: 100) + "phone=12020721369&body=hi"
            #expect(await connection.send(request))
            let (text, end) = await connection.receiveToEnd()
            #expect(end == .closed)
            #expect(!text.contains("\"sent\""), "\(text)")
        }
    }

    @Test("a body trickled fast enough to dodge the idle timeout: 408 after the read timeout, then the connection closes")
    func trickledBody() async throws {
        try await Self.withBridge({
            $0.idleTimeout = .seconds(5)
            $0.bodyReadTimeout = .milliseconds(300)
        }) { port in
            let connection = try RawConnection(port: port)
            let head = Self.head(contentLength: 1000)
            #expect(await connection.send(head))
            var refused: (head: String, body: String)?
            for _ in 0..<200 {
                guard await connection.send("x") else { break }
                try await Task.sleep(for: .milliseconds(50))
                // The reply comes only once the timeout has passed; look without waiting.
                if connection.hasBytesToRead {
                    refused = await connection.receiveResponse()
                    break
                }
            }
            let response = try #require(refused)
            #expect(response.head.hasPrefix("HTTP/1.1 408"))
            #expect(response.body == #"{"error":"The request body took longer than 0.3 s to arrive, the limit of sendMessage"}"#)
            #expect(await connection.receiveToEnd().end == .closed)
        }
    }
}
