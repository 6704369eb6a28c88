import Cloud
import NIOCore
import Store

/// The Graph calls of the Flows operations, on the channel's business account.
extension CloudClient {
    func listFlows(fields: String?, channel: ChannelRecord) async -> Result<[CloudJSON], CloudCallFailure> {
        await allPages("\(channel.wabaID)/flows", query: fields.map { [("fields", $0)] } ?? [], channel: channel)
    }

    func createFlow(_ flow: CloudJSON, channel: ChannelRecord) async -> Result<CloudFlowCreated, CloudCallFailure> {
        await post("\(channel.wabaID)/flows", json: flow, channel: channel)
    }

    func flow(id: String, fields: String, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        await get(Self.pathSegment(id), query: [("fields", fields)], channel: channel)
    }

    func deleteFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await delete(Self.pathSegment(id), channel: channel)
    }

    func publishFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await post("\(Self.pathSegment(id))/publish", channel: channel)
    }

    func deprecateFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await post("\(Self.pathSegment(id))/deprecate", channel: channel)
    }

    func flowPreview(id: String, channel: ChannelRecord) async -> Result<CloudFlowPreview, CloudCallFailure> {
        await get(Self.pathSegment(id), query: [("fields", CloudFlowPreview.fields)], channel: channel)
    }

    /// Meta takes the Flow JSON only as a file part: multipart/form-data with `name=flow.json`,
    /// `asset_type=FLOW_JSON` and `file` (`flow.json`, `application/json`).
    func uploadFlowJSON(id: String, json: String, channel: ChannelRecord) async -> Result<CloudFlowAssetsResult, CloudCallFailure> {
        let boundary = "onemsg-bridge-\(UInt64.random(in: 0...UInt64.max))"
        let body = ByteBuffer(
            string:
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nflow.json\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"asset_type\"\r\n\r\nFLOW_JSON\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"flow.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n\(json)\r\n--\(boundary)--\r\n")
        return await call(
            .POST, path: "\(Self.pathSegment(id))/assets",
            body: RequestBody(contentType: "multipart/form-data; boundary=\(boundary)", body: .bytes(body)), channel: channel)
    }

    func updateFlowMetadata(id: String, _ metadata: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await post(Self.pathSegment(id), json: metadata, channel: channel)
    }
}
