import Cloud
import Crypto
import Foundation
import Hummingbird

/// The simulator's Groups API: `GET/POST /{phone-number-id}/groups`, `GET/POST/DELETE /{group-id}` and
/// `GET/POST /{group-id}/invite_link`, with Meta's shapes and refusals (131041 for a group the number does not
/// have, 131209/131210 for a picture that is not square or too small, 131211 past the create limit).
/// A created group exists at once; as Meta, the simulator announces its id in a `group_lifecycle_update` webhook
/// (`type: group_create`, the creation's `request_id`) after the reply.
enum GroupEndpoints {
    /// Groups one sandbox number may have before Meta's create limit (131211).
    static let createLimit = 100
    static let infoDefaults = ["subject", "description", "suspended", "creation_timestamp", "total_participant_count"]
    static let infoFields: Set<String> = [
        "id", "subject", "description", "suspended", "creation_timestamp", "participants", "total_participant_count",
        "join_approval_mode",
    ]

    /// Whether an id has the form of Meta's group ids (base64 of `capi_group:…`), so the generic
    /// `/{object-id}` routes hand it here, and an unknown one gets the groups' error.
    static func isGroupID(_ id: String) -> Bool {
        id.hasPrefix("Y2FwaV9ncm91cDo")
    }

    /// `GET /{phone-number-id}/groups ?limit(1…1024)&after|before`.
    static func list(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        var limit = 25
        if let text = call.query("limit") {
            guard let value = Int(text), (1...1024).contains(value) else {
                throw GraphFailure(400, "Param limit must be a number between 1 and 1024")
            }
            limit = value
        }
        let groups = state.withAccounts { $0.groups.groups(of: number.phoneNumberID) }
        var start = 0
        var end = min(limit, groups.count)
        if let after = call.query("after") {
            guard let position = GraphPaging.position(of: after) else { throw GraphFailure(400, code: 131059, "Invalid cursor") }
            start = min(position + 1, groups.count)
            end = min(start + limit, groups.count)
        } else if let before = call.query("before") {
            guard let position = GraphPaging.position(of: before) else { throw GraphFailure(400, code: 131059, "Invalid cursor") }
            end = min(position, groups.count)
            start = max(0, end - limit)
        }
        let page = groups[start..<max(start, end)].map { group -> CloudJSON in
            ["id": .string(group.id), "subject": .string(group.subject), "created_at": .string(String(group.creationTimestamp))]
        }
        var paging: CloudGroupPaging?
        if !page.isEmpty {
            paging = CloudGroupPaging(cursors: .init(before: GraphPaging.cursor(start), after: GraphPaging.cursor(end - 1)))
            if end < groups.count {
                paging?.next = "\(call.origin)\(call.request.uri.path)?limit=\(limit)&after=\(GraphPaging.cursor(end - 1))"
            }
            if start > 0 {
                paging?.previous = "\(call.origin)\(call.request.uri.path)?limit=\(limit)&before=\(GraphPaging.cursor(start))"
            }
        }
        return CloudSimulator.json200(CloudGroupList(groups: page, paging: paging))
    }

    /// `POST /{phone-number-id}/groups {messaging_product, subject, description?, join_approval_mode?}`; `announce`
    /// gets the `group_lifecycle_update` value (`type: group_create` with the group id and the request id) to post.
    static func create(
        _ call: GraphCall, state: SimulatorState, announce: (_ value: [String: CloudJSON], _ number: SimulatedNumber) -> Void = { _, _ in }
    ) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let body = try call.jsonObject()
        guard body["messaging_product"]?.asString == "whatsapp" else {
            throw GraphFailure(400, "The parameter messaging_product is required and must be whatsapp")
        }
        guard let subject = body["subject"]?.asString?.trimmingCharacters(in: .whitespacesAndNewlines), !subject.isEmpty else {
            throw GraphFailure(400, "The parameter subject is required")
        }
        guard subject.unicodeScalars.count <= 128 else { throw GraphFailure(400, "Param subject must be at most 128 characters long") }
        let description = body["description"]?.asString
        guard (description?.unicodeScalars.count ?? 0) <= 2048 else {
            throw GraphFailure(400, "Param description must be at most 2048 characters long")
        }
        let mode = body["join_approval_mode"]?.asString ?? "auto_approve"
        guard ["auto_approve", "approval_required"].contains(mode) else {
            throw GraphFailure(400, "Param join_approval_mode must be one of {approval_required, auto_approve}")
        }
        let group = SimulatedGroup(number: number, subject: subject, description: description, joinApprovalMode: mode)
        let added = state.withAccounts { accounts in
            guard accounts.groups.groups(of: number.phoneNumberID).count < createLimit else { return false }
            accounts.groups.add(group)
            return true
        }
        guard added else { throw GraphFailure(400, code: 131211, "Group create limit reached") }
        let requestID = (0..<16).map { _ in String(format: "%02X", UInt8.random(in: 0...255)) }.joined()
        var event: [String: CloudJSON] = [
            "timestamp": .number(String(group.creationTimestamp)), "group_id": .string(group.id), "type": "group_create",
            "request_id": .string(requestID), "subject": .string(subject),
        ]
        event["description"] = description.map(CloudJSON.string)
        announce(["groups": [.object(event)]], number)
        return CloudSimulator.json200(CloudGroupCreated(requestID: requestID))
    }

    /// `GET /{group-id}?fields=…`.
    static func info(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let group = try ownGroup(call, state: state)
        let fields = try call.fields(available: infoFields, defaults: infoDefaults, nodeType: "WhatsAppBusinessGroup")
        var values: [String: CloudJSON] = [
            "subject": .string(group.subject), "suspended": .bool(group.suspended),
            "creation_timestamp": .number(String(group.creationTimestamp)),
            "participants": .array(group.participants.map { ["wa_id": .string($0)] }),
            "total_participant_count": .number(String(group.participants.count)),
            "join_approval_mode": .string(group.joinApprovalMode),
        ]
        values["description"] = group.description.map(CloudJSON.string)
        var reply: [String: CloudJSON] = ["id": .string(group.id), "messaging_product": "whatsapp"]
        for field in fields { reply[field] = values[field] ?? reply[field] }
        return CloudSimulator.json200(CloudJSON.object(reply))
    }

    /// `POST /{group-id}`: JSON `{messaging_product, subject?, description?}`, or multipart with a JPEG `file`.
    static func update(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let group = try ownGroup(call, state: state)
        var fields: [String: String] = [:]
        var picture: [UInt8]?
        let contentType = call.request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = contentType.firstMatch(of: /boundary="?([^";]+)"?/).map({ String($0.1) }),
                let parts = MediaUploads.parse(call.body, boundary: boundary)
            else { throw GraphFailure(400, "The multipart body is malformed.") }
            fields = parts.fields
            picture = parts.file?.bytes
        } else {
            for (name, value) in try call.jsonObject() {
                guard let text = value.asString else { throw GraphFailure(400, "Param \(name) must be a string") }
                fields[name] = text
            }
        }
        guard fields["messaging_product"] == "whatsapp" else {
            throw GraphFailure(400, "The parameter messaging_product is required and must be whatsapp")
        }
        let subject = fields["subject"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let subject, subject.isEmpty || subject.unicodeScalars.count > 128 {
            throw GraphFailure(400, "Param subject must be 1 to 128 characters long")
        }
        if let description = fields["description"], description.unicodeScalars.count > 2048 {
            throw GraphFailure(400, "Param description must be at most 2048 characters long")
        }
        if let picture { try checkPicture(picture) }
        state.withAccounts { accounts in
            if let subject { accounts.groups.groups[group.id]?.subject = subject }
            if let description = fields["description"] { accounts.groups.groups[group.id]?.description = description }
            if let picture {
                accounts.groups.groups[group.id]?.pictureSHA256 = SHA256.hash(data: picture).map { String(format: "%02x", $0) }.joined()
            }
        }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `DELETE /{group-id}`.
    static func delete(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let group = try ownGroup(call, state: state)
        state.withAccounts { $0.groups.remove(group.id) }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `GET /{group-id}/invite_link`, or with `reset` `POST` (a new link replaces the old one).
    static func inviteLink(_ call: GraphCall, state: SimulatorState, reset: Bool) throws(GraphFailure) -> Response {
        let group = try ownGroup(call, state: state)
        guard reset else { return CloudSimulator.json200(CloudGroupInviteLink(inviteLink: group.inviteLink)) }
        guard try call.jsonObject()["messaging_product"]?.asString == "whatsapp" else {
            throw GraphFailure(400, "The parameter messaging_product is required and must be whatsapp")
        }
        let link = SimulatedGroup.newInviteLink()
        state.withAccounts { $0.groups.groups[group.id]?.inviteLink = link }
        return CloudSimulator.json200(CloudGroupInviteLink(inviteLink: link))
    }

    /// The group the path names, when the call carries the token of the number that owns it: an unknown group,
    /// or one of another number, is Meta's 131041; a token of no known number is 190.
    static func ownGroup(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> SimulatedGroup {
        let authorization = call.request.headers[.authorization] ?? ""
        guard state.knowsAccessToken(authorization) else { throw .badToken }
        let group = state.withAccounts { $0.groups.groups[call.objectID] }
        guard let group, let owner = state.number(group.phoneNumberID), authorization == "Bearer \(owner.accessToken)" else {
            throw GraphFailure(
                400, code: 131041, "Group unknown",
                userMessage: "The group was not found, either because it doesn't exist or you are not a member.")
        }
        return group
    }

    /// Meta's picture rules: a JPEG at most 5 MB, square (131209), at least 192×192 (131210).
    static func checkPicture(_ bytes: [UInt8]) throws(GraphFailure) {
        guard bytes.count <= 5 * 1024 * 1024 else { throw GraphFailure(400, "The image must be at most 5 MB") }
        guard let (width, height) = jpegSize(bytes) else { throw GraphFailure(400, "The group picture must be a JPEG image") }
        guard width == height else {
            throw GraphFailure(
                400, code: 131209, "Invalid Group Profile Picture Aspect Ratio", userMessage: "Width and height of the image must be equal.")
        }
        guard width >= 192 else {
            throw GraphFailure(400, code: 131210, "Image is Too Small to Process", userMessage: "Image width and height must be greater than 192px.")
        }
    }

    /// The width and height from a JPEG's start-of-frame segment; `nil` when `bytes` is no JPEG.
    static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
                let width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
                return (width, height)
            }
            index += 2 + length
        }
        return nil
    }
}

extension StatusWebhookPoster {
    /// Posts, after the status delay, a change of `field` whose value is `value` plus the number's metadata, as
    /// Meta announces asynchronous results (a created group).
    func announce(_ value: [String: CloudJSON], field: String, for number: SimulatedNumber) {
        var value = value
        value["messaging_product"] = "whatsapp"
        value["metadata"] = [
            "display_phone_number": .string(number.displayPhoneNumber), "phone_number_id": .string(number.phoneNumberID),
        ]
        let payload: CloudJSON = [
            "object": "whatsapp_business_account",
            "entry": [["id": .string(number.wabaID), "changes": [["field": .string(field), "value": .object(value)]]]],
        ]
        guard let body = try? JSONEncoder().encode(payload) else { return }
        enqueue(.change(body: Array(body), number: number))
    }
}
