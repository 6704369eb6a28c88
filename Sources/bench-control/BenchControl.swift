import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The control for `scripts/bench`: the smallest Hummingbird route that forwards a POST body to an upstream with
/// AsyncHTTPClient and answers with the upstream's status and body. It measures what this stack can do at all, so
/// the bridge's sends are judged against it.
///
///     bench-control port=9100 upstream=http://127.0.0.1:9000 connections=32
///
/// `connections=` sets AsyncHTTPClient's `concurrentHTTP1ConnectionsPerHostSoftLimit` (its default when absent).
@main
struct BenchControl {
    static func main() async throws {
        var values: [String: String] = [:]
        for argument in CommandLine.arguments.dropFirst() {
            let parts = argument.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        let port = Int(values["port"] ?? "") ?? 9100
        let upstream = values["upstream"] ?? "http://127.0.0.1:9000"
        var configuration = HTTPClient.Configuration()
        if let connections = Int(values["connections"] ?? "") {
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        print("control.connections=\(configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit)")
        fflush(nil)  // all streams: the script reads this line while the control runs

        let router = Router()
        router.post("**") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var outbound = HTTPClientRequest(url: upstream + request.uri.path)
            outbound.method = .POST
            if let contentType = request.headers[.contentType] {
                outbound.headers.add(name: "Content-Type", value: contentType)
            }
            outbound.body = .bytes(body)
            let response = try await client.execute(outbound, timeout: .seconds(30))
            let answer = try await response.body.collect(upTo: 1 << 20)
            return Response(
                status: .init(code: Int(response.status.code)), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: answer))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: Logger(label: "bench-control", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            try await app.runService()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
