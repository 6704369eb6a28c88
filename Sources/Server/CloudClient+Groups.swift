import AsyncHTTPClient
import Cloud
import NIOCore
import OneMsg
import Store
import Translation

/// The Graph calls of the group operations.
extension CloudClient {
    func groups(_ query: CloudGroupListQuery, channel: ChannelRecord) async -> Result<CloudGroupList, CloudCallFailure> {
        await get("\(channel.phoneNumberID)/groups", query: query.items.map { ($0.name, $0.value) }, channel: channel)
    }

    func createGroup(_ group: CloudJSON, channel: ChannelRecord) async -> Result<CloudGroupCreated, CloudCallFailure> {
        await post("\(channel.phoneNumberID)/groups", json: group, channel: channel)
    }

    func group(id: String, fields: String, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        await get(Self.pathSegment(id), query: [("fields", fields)], channel: channel)
    }

    /// With a picture, one multipart request: the settings' text members as form fields, the picture as `file`.
    func updateGroup(
        id: String, _ settings: CloudJSON, picture: UploadedFile?, channel: ChannelRecord
    ) async -> Result<CloudGroupChanged, CloudCallFailure> {
        guard let picture else { return await post(Self.pathSegment(id), json: settings, channel: channel) }
        let boundary = "onemsg-bridge-\(UInt64.random(in: 0...UInt64.max))"
        var head = ""
        if case .object(let members) = settings {
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value else { continue }
                head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(text)\r\n"
            }
        }
        let filename = (picture.filename ?? "group.jpg").replacingOccurrences(of: "\"", with: "'")
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
        head += "Content-Type: image/jpeg\r\n\r\n"
        let headBuffer = ByteBuffer(string: head)
        let tail = ByteBuffer(string: "\r\n--\(boundary)--\r\n")
        let length = Int64(headBuffer.readableBytes + picture.size + tail.readableBytes)
        return await call(
            .POST, path: Self.pathSegment(id),
            body: .init(
                contentType: "multipart/form-data; boundary=\(boundary)",
                body: .stream(FileSpool.chunks(of: picture, between: headBuffer, and: tail), length: .known(length))),
            channel: channel)
    }

    func deleteGroup(id: String, channel: ChannelRecord) async -> Result<CloudGroupChanged, CloudCallFailure> {
        await delete(Self.pathSegment(id), channel: channel)
    }

    func groupInviteLink(id: String, channel: ChannelRecord) async -> Result<CloudGroupInviteLink, CloudCallFailure> {
        await get("\(Self.pathSegment(id))/invite_link", channel: channel)
    }

    func resetGroupInviteLink(id: String, channel: ChannelRecord) async -> Result<CloudGroupInviteLink, CloudCallFailure> {
        await post("\(Self.pathSegment(id))/invite_link", json: GroupTranslation.inviteLinkReset, channel: channel)
    }
}
