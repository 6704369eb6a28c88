import Cloud
import OneMsg
import Store

/// The part of ``GraphAPI`` that manages the business number's groups (`/{phone-number-id}/groups`, `/{group-id}`).
public protocol GroupsGraphAPI: Sendable {
    /// `GET /{phone-number-id}/groups`: one page of the number's active groups.
    func groups(_ query: CloudGroupListQuery, channel: ChannelRecord) async -> Result<CloudGroupList, CloudCallFailure>
    /// `POST /{phone-number-id}/groups`: asks Meta to create a group; its id arrives later by webhook.
    func createGroup(_ group: CloudJSON, channel: ChannelRecord) async -> Result<CloudGroupCreated, CloudCallFailure>
    /// `GET /{group-id}?fields=…`: the group's facts named by `fields`.
    func group(id: String, fields: String, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure>
    /// `POST /{group-id}`: new settings, as JSON; with a `picture`, as multipart with the picture in `file`.
    func updateGroup(
        id: String, _ settings: CloudJSON, picture: UploadedFile?, channel: ChannelRecord
    ) async -> Result<CloudGroupChanged, CloudCallFailure>
    /// `DELETE /{group-id}`: deletes the group and removes every participant.
    func deleteGroup(id: String, channel: ChannelRecord) async -> Result<CloudGroupChanged, CloudCallFailure>
    /// `GET /{group-id}/invite_link`: the group's current invitation link.
    func groupInviteLink(id: String, channel: ChannelRecord) async -> Result<CloudGroupInviteLink, CloudCallFailure>
    /// `POST /{group-id}/invite_link`: a new invitation link (the old one stops working).
    func resetGroupInviteLink(id: String, channel: ChannelRecord) async -> Result<CloudGroupInviteLink, CloudCallFailure>
}
