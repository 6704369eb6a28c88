import AsyncHTTPClient
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// What ``buildApplication(_:dependencies:)`` is given instead of making it itself.
public struct BridgeDependencies: Sendable {
    /// The store to use instead of opening `database` from the configuration (tests give an in-memory one).
    /// It is migrated like an opened one.
    public var store: (any BridgeStore)?
    /// The Graph API the bridge calls; `nil` for the live ``GraphAPI`` at the configured Graph URL.
    public var graph: (any GraphAPI)?
    /// The simulated Cloud API `serve --sandbox` runs beside the bridge; required when the configuration says
    /// `sandbox`. The bridge itself knows nothing of the simulator: the executable supplies it.
    public var simulatedUpstream: (any SimulatedUpstream)?
    /// What `GET /outputIP` answers when the configuration names no `egressIP`; `nil` for the sandbox's 127.0.0.1,
    /// or else the live ``EgressAddressProbe/route(toward:)`` the Graph URL.
    public var egressAddress: EgressAddressProbe?
    /// The wrong-token cool-downs to use instead of a fresh one on the system clock (tests move their own clock).
    public var wrongTokenThrottle: WrongTokenThrottle?

    public init(
        store: (any BridgeStore)? = nil, graph: (any GraphAPI)? = nil, simulatedUpstream: (any SimulatedUpstream)? = nil,
        egressAddress: EgressAddressProbe? = nil, wrongTokenThrottle: WrongTokenThrottle? = nil
    ) {
        self.store = store
        self.graph = graph
        self.simulatedUpstream = simulatedUpstream
        self.egressAddress = egressAddress
        self.wrongTokenThrottle = wrongTokenThrottle
    }
}

/// A Cloud API served beside the bridge (the sandbox): it prepares its demo channel in the bridge's store and
/// runs as one more service of the bridge's application.
public protocol SimulatedUpstream: Sendable {
    /// Prepares the store and answers the service that serves the simulated Graph API. The service calls
    /// `listening` with its base URL once it accepts connections; the bridge's Graph calls go there.
    func start(
        config: BridgeConfiguration, store: any BridgeStore, httpClient: HTTPClient, logger: Logger,
        listening: @escaping @Sendable (String) -> Void
    ) async throws -> SimulatedUpstreamRun
}

/// A simulated upstream that is about to run.
public struct SimulatedUpstreamRun: Sendable {
    /// Serves the simulated Graph API for as long as the application runs.
    public var service: any Service
    /// Told the bridge's base URL and port once the bridge listens (the simulator posts webhooks there).
    public var bridgeListening: @Sendable (_ baseURL: String, _ port: Int) -> Void

    public init(service: any Service, bridgeListening: @escaping @Sendable (_ baseURL: String, _ port: Int) -> Void) {
        self.service = service
        self.bridgeListening = bridgeListening
    }
}

/// `sandbox` was configured but no simulated upstream was given to ``buildApplication(_:dependencies:)``.
struct SandboxUnavailable: Error, CustomStringConvertible {
    var description: String {
        "sandbox mode needs a simulated Cloud API: pass BridgeDependencies(simulatedUpstream:) (the onemsg-bridge executable does)"
    }
}

/// A URL known only once a server is running (port 0), readable from any thread.
public final class LateBoundURL: Sendable {
    private let value: Mutex<String?>

    public init(_ url: String? = nil) {
        value = Mutex(url)
    }

    /// The URL, or `nil` while it is not known yet.
    public var url: String? {
        value.withLock { $0 }
    }

    public func set(_ url: String) {
        value.withLock { $0 = url }
    }
}
