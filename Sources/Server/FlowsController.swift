import Cloud
import Hummingbird
import OneMsg
import Store
import Translation

/// 1MSG's Flows operations (`/flows`, `/flows/{flowId}` and its publish, deprecate, preview, assets, metadata) on
/// Meta's Flows API on the channel's business account.
struct FlowsController: Sendable {
    let graph: any GraphAPI
    let metrics: BridgeMetrics

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "flows") { _, context in try await list(context: context) }
        group.oneMsg(.post, "flows") { _, context in try await create(context: context) }
        group.oneMsg(.get, "flows/:flowId") { _, context in try await flow(context: context) }
        group.oneMsg(.delete, "flows/:flowId") { _, context in
            try await change(context: context, operation: "deleteFlow") { id, channel in await graph.deleteFlow(id: id, channel: channel) }
        }
        group.oneMsg(.post, "flows/:flowId/publish") { _, context in
            try await change(context: context, operation: "publishFlow") { id, channel in await graph.publishFlow(id: id, channel: channel) }
        }
        group.oneMsg(.post, "flows/:flowId/deprecate") { _, context in
            try await change(context: context, operation: "deprecateFlow") { id, channel in
                await graph.deprecateFlow(id: id, channel: channel)
            }
        }
        group.oneMsg(.get, "flows/:flowId/preview") { _, context in try await preview(context: context) }
        group.oneMsg(.patch, "flows/:flowId/assets") { _, context in try await assets(context: context) }
        group.oneMsg(.patch, "flows/:flowId/metadata") { _, context in try await metadata(context: context) }
    }

    func list(context: OneMsgRequestContext) async throws -> FlowListReply {
        let channel = context.channel
        let fields = try BridgeError.validating { try FlowTranslation.list(context.fields, wabaID: channel.wabaID) }
        let flows = try metrics.upstreamResult("listFlows", changes: false, await graph.listFlows(fields: fields, channel: channel))
        return FlowTranslation.list(flows)
    }

    func create(context: OneMsgRequestContext) async throws -> FlowCreatedReply {
        let channel = context.channel
        let flow = try BridgeError.validating { try FlowTranslation.creation(context.fields, wabaID: channel.wabaID) }
        let created = try metrics.upstreamResult("createFlow", changes: true, await graph.createFlow(flow, channel: channel))
        return FlowTranslation.created(created)
    }

    /// Meta's Flow object, verbatim.
    func flow(context: OneMsgRequestContext) async throws -> Response {
        let channel = context.channel
        let lookup = try BridgeError.validating {
            try FlowTranslation.lookup(context.parameters.get("flowId"), context.fields, wabaID: channel.wabaID)
        }
        let flow = try metrics.upstreamResult(
            "getFlow", changes: false, await graph.flow(id: lookup.id, fields: lookup.fields, channel: channel))
        return try BridgeJSON.response(flow)
    }

    /// Delete, publish or deprecate: one call on the Flow, answered `{"success": true}`.
    func change(
        context: OneMsgRequestContext, operation: String,
        _ call: @Sendable (String, ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    ) async throws -> SuccessReply {
        let channel = context.channel
        let id = try BridgeError.validating {
            try FlowTranslation.target(context.parameters.get("flowId"), context.fields, wabaID: channel.wabaID)
        }
        let outcome = try metrics.upstreamResult(operation, changes: true, await call(id, channel))
        return SuccessReply(success: outcome.success)
    }

    func preview(context: OneMsgRequestContext) async throws -> FlowPreviewReply {
        let channel = context.channel
        let id = try BridgeError.validating {
            try FlowTranslation.target(context.parameters.get("flowId"), context.fields, wabaID: channel.wabaID)
        }
        let preview = try metrics.upstreamResult("getFlowPreview", changes: false, await graph.flowPreview(id: id, channel: channel))
        return FlowTranslation.preview(preview, flowID: id)
    }

    func assets(context: OneMsgRequestContext) async throws -> FlowAssetsReply {
        let channel = context.channel
        let upload = try BridgeError.validating {
            try FlowTranslation.assets(context.parameters.get("flowId"), context.fields, wabaID: channel.wabaID)
        }
        let result = try metrics.upstreamResult(
            "updateFlowJson", changes: true, await graph.uploadFlowJSON(id: upload.id, json: upload.flowJSON, channel: channel))
        return FlowTranslation.assets(result)
    }

    func metadata(context: OneMsgRequestContext) async throws -> SuccessReply {
        let channel = context.channel
        let update = try BridgeError.validating {
            try FlowTranslation.metadata(context.parameters.get("flowId"), context.fields, wabaID: channel.wabaID)
        }
        let outcome = try metrics.upstreamResult(
            "updateFlowMetadata", changes: true, await graph.updateFlowMetadata(id: update.id, update.metadata, channel: channel))
        return SuccessReply(success: outcome.success)
    }
}

extension FlowListReply: ResponseEncodable {}
extension FlowCreatedReply: ResponseEncodable {}
extension FlowAssetsReply: ResponseEncodable {}
extension FlowPreviewReply: ResponseEncodable {}
