import Cloud
import Hummingbird
import OneMsg
import Store
import Translation

/// 1MSG's group operations (`/groups`, `/groups/{groupId}`, `/groups/{groupId}/inviteLink`) on Meta's Groups API.
struct GroupsController: Sendable {
    let graph: any GraphAPI
    /// Downloads a group picture given as a URL, under the bridge's fetch rules.
    let fetcher: RemoteFileFetcher
    let metrics: BridgeMetrics

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "groups") { _, context in try await list(context: context) }
        group.oneMsg(.post, "groups") { _, context in try await create(context: context) }
        group.oneMsg(.get, "groups/:groupId") { _, context in try await info(context: context) }
        group.oneMsg(.post, "groups/:groupId") { _, context in try await update(context: context) }
        group.oneMsg(.delete, "groups/:groupId") { _, context in try await delete(context: context) }
        group.oneMsg(.get, "groups/:groupId/inviteLink") { _, context in try await inviteLink(context: context, reset: false) }
        group.oneMsg(.post, "groups/:groupId/inviteLink") { _, context in try await inviteLink(context: context, reset: true) }
    }

    func list(context: OneMsgRequestContext) async throws -> GroupsReply {
        let query = try BridgeError.validating { try GroupTranslation.listQuery(context.fields) }
        let page = try metrics.upstreamResult("listGroups", changes: false, await graph.groups(query, channel: context.channel))
        return GroupTranslation.list(page)
    }

    func create(context: OneMsgRequestContext) async throws -> GroupCreatedReply {
        let body = try BridgeError.validating { try GroupTranslation.creation(context.fields) }
        let created = try metrics.upstreamResult("createGroup", changes: true, await graph.createGroup(body, channel: context.channel))
        return GroupTranslation.created(created)
    }

    func info(context: OneMsgRequestContext) async throws -> Response {
        let (id, fields) = try BridgeError.validating {
            (try GroupTranslation.groupID(context.parameters.get("groupId")), try GroupTranslation.infoQuery(context.fields))
        }
        let group = try metrics.upstreamResult(
            "getGroup", changes: false, await graph.group(id: id, fields: fields, channel: context.channel))
        return try BridgeJSON.response(GroupTranslation.info(group))
    }

    func update(context: OneMsgRequestContext) async throws -> GroupChangedReply {
        let (id, update) = try BridgeError.validating {
            (try GroupTranslation.groupID(context.parameters.get("groupId")), try GroupTranslation.update(context.fields))
        }
        guard let update else {
            throw BridgeError.nothingToDo("Nothing to update: send at least one of subject, description or profile_picture_file")
        }
        var picture: UploadedFile?
        if let given = update.picture { picture = try await file(for: given) }
        defer { if case .url? = update.picture?.source, let picture { FileSpool.remove([picture]) } }
        let changed = try metrics.upstreamResult(
            "updateGroup", changes: true,
            await graph.updateGroup(id: id, update.settings, picture: picture, channel: context.channel))
        return GroupTranslation.updated(changed)
    }

    func delete(context: OneMsgRequestContext) async throws -> GroupChangedReply {
        let id = try BridgeError.validating { try GroupTranslation.groupID(context.parameters.get("groupId")) }
        let deleted = try metrics.upstreamResult("deleteGroup", changes: true, await graph.deleteGroup(id: id, channel: context.channel))
        return GroupTranslation.deleted(deleted)
    }

    func inviteLink(context: OneMsgRequestContext, reset: Bool) async throws -> GroupInviteLinkReply {
        let id = try BridgeError.validating { try GroupTranslation.groupID(context.parameters.get("groupId")) }
        let channel = context.channel
        if reset {
            return GroupTranslation.inviteLink(
                try metrics.upstreamResult("resetGroupInviteLink", changes: true, await graph.resetGroupInviteLink(id: id, channel: channel)))
        }
        return GroupTranslation.inviteLink(
            try metrics.upstreamResult("getGroupInviteLink", changes: false, await graph.groupInviteLink(id: id, channel: channel)))
    }

    /// The picture's bytes: given in the request, or downloaded; refused (400) when Meta would not take it.
    func file(for picture: HandleUpload) async throws -> UploadedFile {
        let file: UploadedFile
        switch picture.source {
        case .file(let given):
            file = given
        case .url(let url):
            do {
                file = try await fetcher.fetch(url, field: picture.field, maxBytes: picture.maxBytes)
            } catch {
                throw BridgeError.invalid(error)
            }
        }
        if let problem = picture.problem(with: file) {
            if case .url = picture.source { FileSpool.remove([file]) }
            throw BridgeError.invalid(ValidationError([problem]))
        }
        return file
    }
}

extension GroupsReply: ResponseEncodable {}
extension GroupCreatedReply: ResponseEncodable {}
extension GroupChangedReply: ResponseEncodable {}
extension GroupInviteLinkReply: ResponseEncodable {}
