import AsyncHTTPClient
import Foundation
import NIOCore
import Server
import Testing

/// Load shedding (`--max-in-flight`): an overload is answered at once instead of queued inside the bridge.
@Suite("Load shedding")
struct AdmissionTests {
    /// `sendMessage` on a connection of its own.
    static func send(port: Int) async throws -> (status: Int, retryAfter: String?, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(InputAbuseLiveTests.path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Connection", value: "close")
        request.body = .bytes(ByteBuffer(string: "phone=12020721369&body=hi"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        return (Int(response.status.code), response.headers.first(name: "Retry-After"), String(buffer: body))
    }

    @Test(".live: with the limit under way, a request gets 503 with Retry-After and nothing is done; health is served")
    func shedsBeyondTheLimit() async throws {
        try await InputAbuseLiveTests.withBridge({
            $0.maxInFlight = 1
            $0.idleTimeout = .seconds(30)
        }) { port in
            // A request whose body never completes stays under way.
            let holding = try RawConnection(port: port)
            #expect(await holding.send(InputAbuseLiveTests.head(contentLength: 100) + "phone=1"))
            var refused: (status: Int, retryAfter: String?, body: String)?
            for _ in 0..<200 {
                let answer = try await Self.send(port: port)
                if answer.status == 503 {
                    refused = answer
                    break
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            let answer = try #require(refused, "no request was refused while one was under way")
            #expect(answer.retryAfter == "1")
            #expect(answer.body.contains("at capacity (1 requests under way); nothing was done"), "\(answer.body)")
            #expect(try await InputAbuseLiveTests.healthy(port))

            _ = consume holding  // closing it ends the request under way: requests are admitted again
            var admitted = false
            for _ in 0..<200 where !admitted {
                admitted = try await Self.send(port: port).status != 503
                if !admitted { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(admitted, "requests stay refused after the one under way ended")
        }
    }
}
