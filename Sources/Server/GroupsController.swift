import Hummingbird

/// 1MSG's group operations (`/groups`, `/groups/{groupId}`, `/groups/{groupId}/inviteLink`) on Meta's Groups API.
struct GroupsController: Sendable {
    let graph: any GraphAPI
    let metrics: BridgeMetrics

    func register(on group: RouterGroup<OneMsgRequestContext>) {
    }
}
