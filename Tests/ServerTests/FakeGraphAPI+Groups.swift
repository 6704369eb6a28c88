import Cloud
import OneMsg
import Server
import Store
import Testing

/// What ``FakeGraphAPI`` answers for each group operation; every operation not set up fails the test.
struct FakeGroupsAnswers: Sendable {
    var onGroups: @Sendable (CloudGroupListQuery) -> Result<CloudGroupList, CloudCallFailure> = unexpected("groups")
    var onCreateGroup: @Sendable (CloudJSON) -> Result<CloudGroupCreated, CloudCallFailure> = unexpected("createGroup")
    var onGroup: @Sendable (String, String) -> Result<CloudJSON, CloudCallFailure> = unexpected("group")
    var onUpdateGroup: @Sendable (String, CloudJSON, UploadedFile?) -> Result<CloudGroupChanged, CloudCallFailure> =
        unexpected("updateGroup")
    var onDeleteGroup: @Sendable (String) -> Result<CloudGroupChanged, CloudCallFailure> = unexpected("deleteGroup")
    var onGroupInviteLink: @Sendable (String) -> Result<CloudGroupInviteLink, CloudCallFailure> = unexpected("groupInviteLink")
    var onResetGroupInviteLink: @Sendable (String) -> Result<CloudGroupInviteLink, CloudCallFailure> = unexpected("resetGroupInviteLink")

    /// Every group operation answering `failure`, as Meta does with an expired token.
    static func refusing(with failure: CloudCallFailure) -> FakeGroupsAnswers {
        FakeGroupsAnswers(
            onGroups: { _ in .failure(failure) }, onCreateGroup: { _ in .failure(failure) }, onGroup: { _, _ in .failure(failure) },
            onUpdateGroup: { _, _, _ in .failure(failure) }, onDeleteGroup: { _ in .failure(failure) },
            onGroupInviteLink: { _ in .failure(failure) }, onResetGroupInviteLink: { _ in .failure(failure) })
    }
}

extension FakeGraphAPI {
    func groups(_ query: CloudGroupListQuery, channel: ChannelRecord) async -> Result<CloudGroupList, CloudCallFailure> {
        record("groups", channel, json: .object(Dictionary(query.items.map { ($0.name, CloudJSON.string($0.value)) }) { $1 }))
        return groups.onGroups(query)
    }

    func createGroup(_ group: CloudJSON, channel: ChannelRecord) async -> Result<CloudGroupCreated, CloudCallFailure> {
        record("createGroup", channel, json: group)
        return groups.onCreateGroup(group)
    }

    func group(id: String, fields: String, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        record("group", channel, json: ["id": .string(id), "fields": .string(fields)])
        return groups.onGroup(id, fields)
    }

    func updateGroup(
        id: String, _ settings: CloudJSON, picture: UploadedFile?, channel: ChannelRecord
    ) async -> Result<CloudGroupChanged, CloudCallFailure> {
        var recorded = settings.groupMembers ?? [:]
        recorded["id"] = .string(id)
        if let picture { recorded["file"] = .string("\(picture.size) bytes") }
        record("updateGroup", channel, json: .object(recorded))
        return groups.onUpdateGroup(id, settings, picture)
    }

    func deleteGroup(id: String, channel: ChannelRecord) async -> Result<CloudGroupChanged, CloudCallFailure> {
        record("deleteGroup", channel, json: ["id": .string(id)])
        return groups.onDeleteGroup(id)
    }

    func groupInviteLink(id: String, channel: ChannelRecord) async -> Result<CloudGroupInviteLink, CloudCallFailure> {
        record("groupInviteLink", channel, json: ["id": .string(id)])
        return groups.onGroupInviteLink(id)
    }

    func resetGroupInviteLink(id: String, channel: ChannelRecord) async -> Result<CloudGroupInviteLink, CloudCallFailure> {
        record("resetGroupInviteLink", channel, json: ["id": .string(id)])
        return groups.onResetGroupInviteLink(id)
    }
}

extension CloudJSON {
    /// The members of an object; `nil` for anything else.
    fileprivate var groupMembers: [String: CloudJSON]? {
        if case .object(let members) = self { members } else { nil }
    }
}

/// Same for three inputs.
func unexpected<First, Second, Third, Success>(
    _ operation: String
) -> @Sendable (First, Second, Third) -> Result<Success, CloudCallFailure> {
    { _, _, _ in
        Issue.record("unexpected Graph call: \(operation)")
        return .failure(.unreachable(reason: "unexpected call in a test"))
    }
}
