import Hummingbird

/// 1MSG's Flows operations (`/flows`, `/flows/{flowId}` and its publish, deprecate, preview, assets, metadata) on
/// Meta's Flows API on the channel's business account.
struct FlowsController: Sendable {
    let graph: any GraphAPI
    let metrics: BridgeMetrics

    func register(on group: RouterGroup<OneMsgRequestContext>) {
    }
}
