import Cloud
import Hummingbird
import OneMsg
import Translation

/// 1MSG's calling operations: `GET/POST /callingSettings` on the number's calling settings and `POST /initiateCall`
/// for every call action. As in 1MSG, a write Meta refuses answers HTTP 200 `{"response": {"error": …}}`.
struct CallingController: Sendable {
    let graph: any GraphAPI
    let metrics: BridgeMetrics

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "callingSettings") { _, context in try await settings(context: context) }
        group.oneMsg(.post, "callingSettings") { _, context in try await updateSettings(context: context) }
        group.oneMsg(.post, "initiateCall") { _, context in try await callAction(context: context) }
    }

    func settings(context: OneMsgRequestContext) async throws -> Response {
        let settings = try metrics.upstreamResult("getCallingSettings", changes: false, await graph.phoneSettings(channel: context.channel))
        return try BridgeJSON.response(CallingTranslation.settingsReply(settings))
    }

    func updateSettings(context: OneMsgRequestContext) async throws -> Response {
        let settings = try BridgeError.validating { try CallingTranslation.settingsUpdate(context.fields) }
        return try metrics.legacyReply("updateCallingSettings", await graph.updatePhoneSettings(settings, channel: context.channel)) { _ in
            SuccessReply(success: true)
        }
    }

    func callAction(context: OneMsgRequestContext) async throws -> Response {
        let action = try BridgeError.validating { try CallingTranslation.callAction(context.fields) }
        return try metrics.legacyReply(
            "initiateCall", await graph.callAction(action, channel: context.channel), reply: CallingTranslation.callReply)
    }
}
