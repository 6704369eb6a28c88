import AsyncHTTPClient
import Logging
import Sandbox
import Server
import Store

/// `serve --sandbox`: the Cloud API simulator beside the bridge, with its demo channel in the bridge's store,
/// and the banner (channel id, token, curl lines) once both servers listen.
public struct SandboxUpstream: SimulatedUpstream {
    public init() {}

    public func start(
        config: BridgeConfiguration, store: any BridgeStore, httpClient: HTTPClient, logger: Logger,
        listening: @escaping @Sendable (String) -> Void
    ) async throws -> SimulatedUpstreamRun {
        let setup = try await SandboxSetup.prepare(store: store)
        let announcer = SandboxAnnouncer(setup: setup, announce: config.announce)
        let simulator = CloudSimulator.buildApplication(
            state: setup.state, httpClient: httpClient, statusDelay: config.sandboxStatusDelay, logger: logger
        ) { port in
            listening("http://127.0.0.1:\(port)")
            announcer.simulatorRunning(at: "http://127.0.0.1:\(port)")
        }
        return SimulatedUpstreamRun(service: simulator) { baseURL, port in
            setup.state.setWebhookURL("http://127.0.0.1:\(port)/cloud/webhook")
            announcer.bridgeRunning(at: baseURL)
        }
    }
}
