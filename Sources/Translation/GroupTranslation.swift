import Cloud
import Foundation
import OneMsg

/// 1MSG's group operations ↔ Meta's Groups API (`/{phone-number-id}/groups`, `/{group-id}`,
/// `/{group-id}/invite_link`). A `groupId` is Meta's group id as `GET /groups` and the group webhooks give it;
/// a trailing `@g.us` (1MSG's chat id form) is accepted and dropped.
public enum GroupTranslation {
    /// The fields `GET /groups/{groupId}` asks Meta for when the client names none.
    public static let infoFields = [
        "subject", "description", "suspended", "creation_timestamp", "participants", "total_participant_count",
        "join_approval_mode",
    ]
    /// Group profile pictures: Meta takes JPEG only, at most 5 MB (square, at least 192×192, checked by Meta).
    public static let pictureTypes = ["image/jpeg"]
    /// The largest group picture accepted.
    public static let maxPictureBytes = 5 * 1024 * 1024
    /// The longest group id accepted (Meta's are ~60 characters of base64).
    static let maxGroupIDLength = 256

    /// The group id from the path: without `@g.us`, one safe path segment (letters, digits, `-`, `_`).
    public static func groupID(_ raw: String?) throws(ValidationError) -> String {
        var id = (raw ?? "").removingPercentEncoding ?? raw ?? ""
        if id.lowercased().hasSuffix("@g.us") { id.removeLast("@g.us".count) }
        guard !id.isEmpty else { throw ValidationError([FieldProblem(field: "groupId", rule: "is required")]) }
        guard id.count <= maxGroupIDLength,
            id.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") })
        else {
            throw ValidationError([
                FieldProblem(
                    field: "groupId",
                    rule: "must be a group id from GET /groups: up to \(maxGroupIDLength) letters, digits, - or _ (optionally followed by @g.us)")
            ])
        }
        return id
    }

    /// `GET /groups ?limit&before&after`: the page to ask Meta for (limit 1…1024, one cursor at most).
    public static func listQuery(_ fields: RequestFields) throws(ValidationError) -> CloudGroupListQuery {
        var reader = FieldReader(fields)
        let limit = reader.integer(fields["limit"], at: "limit", in: 1...1024)
        let before = reader.text("before", maxLength: 1024)
        let after = reader.text("after", maxLength: 1024)
        if before != nil, after != nil { reader.report("before", "and after cannot both be given: page one way at a time") }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return CloudGroupListQuery(limit: limit, before: before, after: after)
    }

    /// Meta's page as 1MSG's reply.
    public static func list(_ page: CloudGroupList) -> GroupsReply {
        GroupsReply(
            groups: page.data?.groups ?? [], before: page.paging?.cursors?.before, after: page.paging?.cursors?.after,
            hasMore: page.paging?.next != nil)
    }

    /// `POST /groups {groupName (required), description, joinApprovalMode}` → Meta's creation body.
    /// `joinApprovalMode` (`approval_required` or `auto_approve`) is the bridge's addition: Meta's option, unset by 1MSG.
    public static func creation(_ fields: RequestFields) throws(ValidationError) -> CloudJSON {
        var reader = FieldReader(fields)
        let subject = reader.text("groupName", required: true, maxLength: 128).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let subject { checkSubject(subject, field: "groupName", reader: &reader) }
        let description = reader.text("description", maxLength: 2048)
        let approval = reader.choice(fields["joinApprovalMode"], at: "joinApprovalMode", from: ["approval_required", "auto_approve"])
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return .members([
            "messaging_product": .string("whatsapp"), "subject": .text(subject), "description": .text(description),
            "join_approval_mode": .text(approval),
        ])
    }

    /// Meta's acknowledgement as 1MSG's reply.
    public static func created(_ answer: CloudGroupCreated) -> GroupCreatedReply {
        GroupCreatedReply(requestId: answer.requestID)
    }

    /// `GET /groups/{groupId} ?fields=a,b`: the fields to ask Meta for (the known group fields; all without `fields`).
    public static func infoQuery(_ fields: RequestFields) throws(ValidationError) -> String {
        var reader = FieldReader(fields)
        let given = reader.text("fields", maxLength: 1024)
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        guard let given else { return infoFields.joined(separator: ",") }
        let names = given.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let unknown = names.filter { $0 != "id" && !infoFields.contains($0) }
        guard unknown.isEmpty, !names.isEmpty else {
            throw ValidationError([
                FieldProblem(
                    field: "fields",
                    rule: "must be a comma-separated list of \(infoFields.joined(separator: ", "))"
                        + (unknown.isEmpty ? "" : " (unknown: \(unknown.joined(separator: ", ")))"))
            ])
        }
        return names.joined(separator: ",")
    }

    /// Meta's group object is the reply, as Meta gave it (with `id`).
    public static func info(_ group: CloudJSON) -> FieldValue {
        group
    }

    /// What `POST /groups/{groupId}` changes: Meta's settings body, and the picture to send with it.
    public struct Update: Sendable, Hashable {
        /// `messaging_product` and the given `subject` and `description` (`""` clears the description).
        public var settings: CloudJSON
        /// `profile_picture_file`: sent to Meta as the multipart `file` part with the settings.
        public var picture: HandleUpload?
    }

    /// `POST /groups/{groupId} {subject, description, profile_picture_file}`; `nil` when none is given.
    public static func update(_ fields: RequestFields) throws(ValidationError) -> Update? {
        var reader = FieldReader(fields)
        let subject = reader.text("subject", maxLength: 128).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let subject { checkSubject(subject, field: "subject", reader: &reader) }
        var description = reader.text("description", maxLength: 2048)
        if description == nil, fields.clearedFields.contains("description") { description = "" }
        var picture: HandleUpload?
        if fields["profile_picture_file"] != nil || fields.files["profile_picture_file"] != nil,
            let source = FileSource.read("profile_picture_file", fields: fields, reader: &reader)
        {
            picture = HandleUpload(field: "profile_picture_file", source: source, allowedMIMETypes: pictureTypes, maxBytes: maxPictureBytes)
            if case .file(let file) = source, let problem = picture?.problem(with: file) {
                reader.report(problem.field, problem.rule)
            }
        }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        guard subject != nil || description != nil || picture != nil else { return nil }
        let settings: CloudJSON = .members([
            "messaging_product": .string("whatsapp"), "subject": .text(subject), "description": .text(description),
        ])
        return Update(settings: settings, picture: picture)
    }

    /// Meta's answer to the settings update.
    public static func updated(_ answer: CloudGroupChanged) -> GroupChangedReply {
        GroupChangedReply(success: answer.success ?? true)
    }

    /// Meta's answer to the deletion, with Meta's answer itself as `response`.
    public static func deleted(_ answer: CloudGroupChanged) -> GroupChangedReply {
        GroupChangedReply(success: answer.success ?? true, response: ["success": .bool(answer.success ?? true)])
    }

    /// The body of `POST /{group-id}/invite_link` (a new link; the old one stops working).
    public static let inviteLinkReset: CloudJSON = ["messaging_product": "whatsapp"]

    /// Meta's link as 1MSG's reply.
    public static func inviteLink(_ answer: CloudGroupInviteLink) -> GroupInviteLinkReply {
        GroupInviteLinkReply(inviteLink: answer.inviteLink)
    }

    /// Meta's subject rule: at most 128 characters (checked as given), not blank once white space is trimmed.
    static func checkSubject(_ subject: String, field: String, reader: inout FieldReader) {
        if subject.isEmpty { reader.report(field, "must not be blank") }
    }
}
