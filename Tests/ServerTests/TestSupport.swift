import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Sandbox
import Server
import Store
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two channels and a simulator that knows their numbers: the world most server tests run in.
struct TestWorld: Sendable {
    static let alphaToken = "alpha-token-0000000000000001"
    static let betaToken = "beta-token-00000000000000002"
    static let alpha = ChannelRecord(
        id: "alpha", tokenHash: ChannelToken.hash(alphaToken), phoneNumberID: "1001", wabaID: "2001",
        accessToken: "EAAG-alpha-access-token-secret", appSecret: "alpha-app-secret-value",
        verifyToken: "alpha-verify-token")
    static let beta = ChannelRecord(
        id: "beta", tokenHash: ChannelToken.hash(betaToken), phoneNumberID: "1002", wabaID: "2002",
        accessToken: "EAAG-beta-access-token-secret", appSecret: "beta-app-secret-value",
        verifyToken: "beta-verify-token")

    /// Where a bridge built from ``configuration(graphURL:logs:)`` keeps its database; `nil` for an in-memory world.
    let databasePath: String?
    /// The world's store: the bridges of ``bridge(graph:logs:configure:)`` use it, and tests check it.
    let database: SQLiteStore
    let simulator: SimulatorState
    /// What the simulator received, and the answers a test scripts for it.
    let probe: SimulatorProbe

    /// Where a world keeps its database: a file, for bridges built from a configuration (`.live` tests), or
    /// memory, for router tests that only use ``bridge(graph:logs:configure:)``.
    enum Storage {
        case file, memory
    }

    /// A fresh database holding both channels, and a simulator that knows both numbers.
    static func make(_ storage: Storage = .file) async throws -> TestWorld {
        let path: String? =
            switch storage {
            case .file:
                FileManager.default.temporaryDirectory.appendingPathComponent("bridge-tests-\(UUID().uuidString)/bridge.sqlite").path
            case .memory: nil
            }
        let store = try path.map { try SQLiteStore(path: $0) } ?? SQLiteStore.inMemory()
        try await store.migrate()
        try await store.addChannel(alpha)
        try await store.addChannel(beta)
        let probe = SimulatorProbe()
        let simulator = SimulatorState(
            numbers: [alpha, beta].map {
                SimulatedNumber(
                    phoneNumberID: $0.phoneNumberID, displayPhoneNumber: "1555000\($0.phoneNumberID)", wabaID: $0.wabaID,
                    accessToken: $0.accessToken, appSecret: $0.appSecret)
            }, probe: probe)
        return TestWorld(databasePath: path, database: store, simulator: simulator, probe: probe)
    }

    /// The bridge's database, to check what it recorded.
    func store() -> SQLiteStore {
        database
    }

    func configuration(graphURL: String, logs: LogCapture? = nil) -> BridgeConfiguration {
        var config = BridgeConfiguration()
        config.port = 0
        config.database = databasePath ?? "in-memory worlds have no database file: use bridge(graph:)"
        config.graphURL = graphURL
        config.upstreamTimeout = .seconds(5)
        config.upstreamConnectTimeout = .seconds(2)
        config.logLevel = .trace
        let capture = logs ?? LogCapture()
        config.logHandlerFactory = { label in capture.handler(label: label) }
        config.announce = { capture.announce($0) }
        return config
    }

    /// The bridge on this world's database with `graph` in place of Meta and `egress` in place of the machine's
    /// route to Meta (by default a probe that fails the test if asked): for `.router` tests, no sockets.
    func bridge(
        graph: FakeGraphAPI, egress: EgressAddressProbe = .unexpected, logs: LogCapture? = nil,
        configure: (inout BridgeConfiguration) -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        var config = configuration(graphURL: "http://graph.invalid", logs: logs)
        configure(&config)
        return try await buildApplication(config, dependencies: BridgeDependencies(store: database, graph: graph, egressAddress: egress))
    }

    /// Runs the simulator on a free port for the duration of `body`.
    func withSimulator<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let app = CloudSimulator.buildApplication(
            state: simulator, httpClient: HTTPClient.shared, statusDelay: .milliseconds(10),
            logger: Logger(label: "simulator", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

extension EgressAddressProbe {
    /// A probe for tests that do not expect `GET /outputIP` to look for the address: asking records an issue.
    static let unexpected = EgressAddressProbe {
        Issue.record("unexpected egress address probe")
        return .failure(EgressAddressUnknown(reason: "unexpected probe in a test"))
    }

    /// A probe that finds nothing, as on a machine without a route to Meta.
    static func failing(_ reason: String) -> EgressAddressProbe {
        EgressAddressProbe { .failure(EgressAddressUnknown(reason: reason)) }
    }
}

/// Collects log lines (message and metadata) and sandbox announcements.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    func announce(_ text: String) {
        append("ANNOUNCE " + text)
    }

    func handler(label: String) -> any LogHandler {
        CapturingLogHandler(label: label, capture: self)
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(label) \(event.message) \(all) \(event.source) \(event.file)")
    }
}

extension sockaddr_in {
    /// 127.0.0.1:`port` (0: any free port).
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}

/// A loopback TCP port bound by a socket that never listens: connecting to it is refused, and while the socket
/// is held no other test (or simulator on port 0) can be given the port.
struct ClosedPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        self.descriptor = descriptor
        var address = sockaddr_in.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() {
        close(descriptor)
    }
}

/// A TCP server that accepts connections and never answers: an upstream that hangs.
final class SilentServer: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    init() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func close() async {
        try? await channel.close()
    }
}

extension TestClientProtocol {
    /// POSTs a body with a content type.
    func post(
        _ uri: String, _ body: String, contentType: String = "application/x-www-form-urlencoded", headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = contentType
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    var text: String { String(buffer: body) }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `seconds`.
func eventually(seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Waits until `condition` holds, checking every 20 ms, for at most `seconds`.
func eventually(seconds: Double = 10, _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
