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
        let outcome = await graph.updatePhoneSettings(settings, channel: context.channel)
        return try legacyReply("updateCallingSettings", outcome.map { _ in ["success": true] as CloudJSON })
    }

    func callAction(context: OneMsgRequestContext) async throws -> Response {
        let action = try BridgeError.validating { try CallingTranslation.callAction(context.fields) }
        let outcome = await graph.callAction(action, channel: context.channel)
        return try legacyReply("initiateCall", outcome.map(CallingTranslation.callReply))
    }

    /// The reply, or Meta's refusal in 1MSG's legacy wrapper.
    private func legacyReply(_ operation: String, _ outcome: Result<CloudJSON, CloudCallFailure>) throws -> Response {
        metrics.recordUpstream(operation: operation, outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let reply): return try BridgeJSON.response(reply)
        case .failure(let failure): return try BridgeJSON.response(LegacyErrorReply(error: BridgeError.upstream(failure).message))
        }
    }
}
