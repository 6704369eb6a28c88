import Cloud
import Foundation
import OneMsg
import Testing
import Translation

/// The fixture pairs of the group operations (`fixtures/groups/`), in the format of ``AccountFixture``; a request
/// fixture may name the path's `groupId`.
@Suite("Group fixture pairs")
struct GroupFixtureTests {
    static let directory = AccountFixture.directory.deletingLastPathComponent().appendingPathComponent("groups")

    static func all() throws -> [AccountFixture] { try AccountFixture.all(in: directory) }

    static var requests: [AccountFixture] { ((try? all()) ?? []).filter { $0.root["reply"] == nil } }
    static var replies: [AccountFixture] { ((try? all()) ?? []).filter { $0.root["reply"] != nil } }
    static let operations: Set = [
        "listGroups", "createGroup", "getGroup", "updateGroup", "deleteGroup", "getGroupInviteLink", "resetGroupInviteLink",
    ]

    @Test("every group operation has fixtures in both directions")
    func coverage() {
        #expect(Set(Self.requests.map(\.operation)) == Self.operations)
        #expect(Set(Self.replies.map(\.operation)) == Self.operations)
    }

    @Test("1MSG request → exact Cloud call, or the exact 400 text", arguments: requests)
    func request(fixture: AccountFixture) throws {
        let fields = try fixture.fields()
        fixture.expectCall { try Self.call(fixture.operation, fields, groupID: fixture.root["groupId"]?.text) }
    }

    @Test("Cloud answer → exact 1MSG reply", arguments: replies)
    func reply(fixture: AccountFixture) throws {
        let reply: FieldValue =
            switch fixture.operation {
            case "listGroups": try encoded(GroupTranslation.list(fixture.cloudResponse(CloudGroupList.self)))
            case "createGroup": try encoded(GroupTranslation.created(fixture.cloudResponse(CloudGroupCreated.self)))
            case "getGroup": GroupTranslation.info(try fixture.cloudResponse(CloudJSON.self))
            case "updateGroup": try encoded(GroupTranslation.updated(fixture.cloudResponse(CloudGroupChanged.self)))
            case "deleteGroup": try encoded(GroupTranslation.deleted(fixture.cloudResponse(CloudGroupChanged.self)))
            case "getGroupInviteLink", "resetGroupInviteLink":
                try encoded(GroupTranslation.inviteLink(fixture.cloudResponse(CloudGroupInviteLink.self)))
            default: throw FixtureError(file: fixture.name, reason: "no reply translation for \(fixture.operation)")
            }
        #expect(reply == fixture.root["reply"])
    }

    static func call(_ operation: String, _ fields: RequestFields, groupID: String?) throws -> AccountFixtureTests.Call {
        let id = { () throws(ValidationError) -> String in try GroupTranslation.groupID(groupID) }
        switch operation {
        case "listGroups":
            let query = try GroupTranslation.listQuery(fields)
            return ("groups", "GET", nil, .object(Dictionary(uniqueKeysWithValues: query.items.map { ($0.name, .string($0.value)) })), nil)
        case "createGroup":
            return ("groups", "POST", try GroupTranslation.creation(fields), nil, nil)
        case "getGroup":
            _ = try id()
            return ("group", "GET", nil, ["fields": .string(try GroupTranslation.infoQuery(fields))], nil)
        case "updateGroup":
            _ = try id()
            guard let update = try GroupTranslation.update(fields) else { return nil }
            return ("group", "POST", update.settings, nil, update.picture.map { AccountFixtureTests.describe([$0]) })
        case "deleteGroup":
            _ = try id()
            return ("group", "DELETE", nil, nil, nil)
        case "getGroupInviteLink":
            _ = try id()
            return ("group_invite_link", "GET", nil, nil, nil)
        case "resetGroupInviteLink":
            _ = try id()
            return ("group_invite_link", "POST", GroupTranslation.inviteLinkReset, nil, nil)
        default:
            throw FixtureError(file: operation, reason: "no request translation for this operation")
        }
    }

    func encoded(_ value: some Encodable) throws -> FieldValue {
        try AccountFixtureTests.encoded(value)
    }
}
