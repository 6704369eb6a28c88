import Cloud
import Foundation
import Hummingbird

/// Meta's Flows API: `GET/POST /{waba-id}/flows`, `GET/POST/DELETE /{flow-id}`, `POST /{flow-id}/assets` (the
/// multipart upload of `flow.json`), `/publish` and `/deprecate`, with Meta's lifecycle (only a draft changes or is
/// deleted, only a valid draft is published, only a published Flow is deprecated) and its error codes (100,
/// 139001–139004).
enum FlowEndpoints {
    static let categories: Set = [
        "SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER",
    ]
    static let defaultFields = ["id", "name", "status", "categories", "validation_errors"]
    static let availableFields: Set = [
        "id", "name", "status", "categories", "validation_errors", "json_version", "data_api_version", "endpoint_uri",
        "preview", "whatsapp_business_account", "application", "health_status",
    ]

    /// `GET /{version}/{waba-id}/flows[?fields=…&limit=…&after=…]`.
    static func list(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let wabaID = try call.wabaID(in: state)
        let (fields, _) = try requestedFields(call)
        let flows = state.withAccounts { $0.flows.flows.filter { $0.wabaID == wabaID } }
        let page = try GraphPaging.page(flows, call: call)
        return CloudSimulator.json200(
            CloudJSON.members(["data": .array(page.items.map { $0.node(fields: fields, origin: call.origin) }), "paging": page.paging]))
    }

    /// `POST /{version}/{waba-id}/flows` (JSON): `name`, `categories`, optional `endpoint_uri`, `flow_json` (text),
    /// `publish`. A Flow JSON with errors is kept, and the Flow stays a draft.
    static func create(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let wabaID = try call.wabaID(in: state)
        let json = try call.jsonObject()
        guard let name = json["name"]?.asString, !name.isEmpty else { throw GraphFailure(400, "The parameter name is required.") }
        guard let categories = try categoryList(json["categories"]) else { throw GraphFailure(400, "The parameter categories is required.") }
        var flow = SimulatedFlow(wabaID: wabaID, name: name, categories: categories, endpointURI: try endpointURI(json["endpoint_uri"]))
        if let text = json["flow_json"] {
            guard let text = text.asString else { throw GraphFailure(400, "Param flow_json must be a string") }
            flow.setFlowJSON(text)
        }
        if json["publish"]?.asBool == true, publishRefusal(flow) == nil { flow.status = "PUBLISHED" }
        let created = flow
        let taken = state.withAccounts { accounts -> Bool in
            guard !accounts.flows.nameTaken(name, wabaID: wabaID) else { return true }
            accounts.flows.flows.append(created)
            return false
        }
        if taken { throw nameNotUnique }
        return CloudSimulator.json200(
            CloudJSON.members([
                "id": .string(created.id), "success": true,
                "validation_errors": created.flowJSON == nil ? nil : .array(created.validationErrors),
            ]))
    }

    /// `GET /{version}/{flow-id}[?fields=…]`; `preview.invalidate(true)` makes a new preview link first.
    static func node(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let flow = try ownFlow(call, state: state)
        let (fields, invalidate) = try requestedFields(call)
        var current = flow
        if invalidate {
            current =
                state.withAccounts { accounts in
                    accounts.flows.update(flow.id) { flow in
                        flow.previewToken = UUID().uuidString.lowercased()
                        flow.previewExpires = Date().addingTimeInterval(30 * 24 * 3600)
                        return flow
                    }
                } ?? flow
        }
        var node = current.node(fields: fields, origin: call.origin)
        if case .object(var members) = node, members["id"] == nil {
            members["id"] = .string(flow.id)
            node = .object(members)
        }
        return CloudSimulator.json200(node)
    }

    /// `POST /{version}/{flow-id}` (JSON): new `name`, `categories` or `endpoint_uri` of a draft.
    static func updateMetadata(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let flow = try ownFlow(call, state: state)
        let json = try call.jsonObject()
        let name = json["name"]?.asString
        let categories = try categoryList(json["categories"])
        let endpoint = try endpointURI(json["endpoint_uri"])
        guard name != nil || categories != nil || endpoint != nil else {
            throw GraphFailure(400, "At least one of name, categories or endpoint_uri is required")
        }
        guard flow.status == "DRAFT" else { throw cannotUpdate(flow) }
        let taken = state.withAccounts { accounts -> Bool in
            if let name, accounts.flows.nameTaken(name, wabaID: flow.wabaID, except: flow.id) { return true }
            accounts.flows.update(flow.id) { flow in
                if let name { flow.name = name }
                if let categories { flow.categories = categories }
                if let endpoint { flow.endpointURI = endpoint }
            }
            return false
        }
        if taken { throw nameNotUnique }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `DELETE /{version}/{flow-id}`: only a draft.
    static func delete(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let flow = try ownFlow(call, state: state)
        guard flow.status == "DRAFT" else {
            throw GraphFailure(
                400, code: 139004, "Can't delete published Flow", userTitle: "Can't delete published Flow",
                userMessage: "The Flow is \(flow.status); only a draft can be deleted. Deprecate it instead.")
        }
        state.withAccounts { $0.flows.flows.removeAll { $0.id == flow.id } }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `POST /{version}/{flow-id}/assets` (multipart: `name`, `asset_type=FLOW_JSON`, `file`): a draft's new Flow JSON.
    static func assets(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let flow = try ownFlow(call, state: state)
        guard let boundary = boundary(of: call.request.headers[.contentType] ?? "") else {
            throw GraphFailure(400, "The Flow JSON must be uploaded as multipart/form-data.")
        }
        guard let parts = MediaUploads.parse(call.body, boundary: boundary) else { throw GraphFailure(400, "The multipart body is malformed.") }
        guard parts.fields["name"]?.isEmpty == false else { throw GraphFailure(400, "The parameter name is required.") }
        guard parts.fields["asset_type"] == "FLOW_JSON" else { throw GraphFailure(400, "Param asset_type must be FLOW_JSON") }
        guard let file = parts.file else { throw GraphFailure(400, "The parameter file is required.") }
        guard flow.status == "DRAFT" else { throw cannotUpdate(flow) }
        let text = String(decoding: file.bytes, as: UTF8.self)
        let errors: [CloudJSON] = state.withAccounts { accounts -> [CloudJSON] in
            let stored = accounts.flows.update(flow.id) { (flow: inout SimulatedFlow) -> [CloudJSON] in
                flow.setFlowJSON(text)
                return flow.validationErrors
            }
            return stored ?? []
        }
        return CloudSimulator.json200(["success": true, "validation_errors": .array(errors)] as CloudJSON)
    }

    /// `POST /{version}/{flow-id}/publish`: a draft whose Flow JSON Meta found nothing wrong in.
    static func publish(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let flow = try ownFlow(call, state: state)
        if let refusal = publishRefusal(flow) {
            throw GraphFailure(400, code: 139002, refusal.title, userTitle: refusal.title, userMessage: refusal.detail)
        }
        state.withAccounts { accounts in _ = accounts.flows.update(flow.id) { $0.status = "PUBLISHED" } }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `POST /{version}/{flow-id}/deprecate`: only a published Flow.
    static func deprecate(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let flow = try ownFlow(call, state: state)
        guard flow.status == "PUBLISHED" else {
            let title = flow.status == "DEPRECATED" ? "Flow is already deprecated" : "Can't deprecate unpublished flow"
            throw GraphFailure(
                400, code: 139003, title, userTitle: title, userMessage: "The Flow is \(flow.status); only a published Flow can be deprecated.")
        }
        state.withAccounts { accounts in _ = accounts.flows.update(flow.id) { $0.status = "DEPRECATED" } }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    // MARK: - Rules

    /// Why Meta would not publish the Flow, or `nil` when it would.
    static func publishRefusal(_ flow: SimulatedFlow) -> (title: String, detail: String)? {
        if flow.status != "DRAFT" {
            return ("Publishing Flow in invalid state", "The Flow is \(flow.status); only a draft can be published. Clone it to change it.")
        }
        if flow.flowJSON == nil {
            return ("Publishing Flow with validation errors", "The Flow has no Flow JSON yet; upload flow.json first.")
        }
        if !flow.validationErrors.isEmpty {
            return ("Publishing Flow with validation errors", "The Flow JSON has \(flow.validationErrors.count) validation error(s).")
        }
        if flow.flowJSONMember("data_api_version") != nil, flow.endpointURI == nil {
            return ("Publishing without specifying endpoint_uri is forbidden", "Set the Flow's endpoint_uri before publishing it.")
        }
        return nil
    }

    /// The Flow named by the path, when the call's token is one of its account's; another account's Flow does not exist.
    static func ownFlow(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> SimulatedFlow {
        guard let flow = state.flow(call.objectID) else { throw call.unknownObject }
        let authorization = call.request.headers[.authorization] ?? ""
        guard state.knowsAccessToken(authorization) else { throw .badToken }
        guard state.numbers(inWABA: flow.wabaID).contains(where: { authorization == "Bearer \($0.accessToken)" }) else {
            throw call.unknownObject
        }
        return flow
    }

    /// `fields` with Graph's field expansions (`preview.invalidate(false)`): the base names, and whether the
    /// preview link is to be renewed.
    static func requestedFields(_ call: GraphCall) throws(GraphFailure) -> (fields: [String], invalidatePreview: Bool) {
        guard let list = call.query("fields").map({ $0.removingPercentEncoding ?? $0 }) else { return (defaultFields, false) }
        var fields: [String] = []
        var invalidate = false
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let base = String(item.prefix { $0 != "." })
            guard availableFields.contains(base) else {
                throw GraphFailure(400, "Tried accessing nonexisting field (\(base)) on node type (WhatsAppFlow)")
            }
            if item.hasPrefix("preview.invalidate(true)") { invalidate = true }
            fields.append(base)
        }
        return (fields, invalidate)
    }

    /// `categories` as a JSON array or the JSON text of one (as multipart clients send it); `nil` when absent.
    static func categoryList(_ value: CloudJSON?) throws(GraphFailure) -> [String]? {
        guard let value else { return nil }
        var items = value.asArray
        if let text = value.asString, case .array(let parsed)? = try? JSONDecoder().decode(CloudJSON.self, from: Data(text.utf8)) {
            items = parsed
        }
        let names = items?.compactMap(\.asString) ?? []
        guard let items, !items.isEmpty, names.count == items.count, names.allSatisfy(categories.contains) else {
            throw GraphFailure(400, "Param categories must be a non-empty array of {\(categories.sorted().joined(separator: ", "))}")
        }
        return names
    }

    static func endpointURI(_ value: CloudJSON?) throws(GraphFailure) -> String? {
        guard let value else { return nil }
        guard let text = value.asString, let url = URL(string: text), url.scheme?.lowercased() == "https", url.host != nil else {
            throw GraphFailure(400, "Invalid Endpoint URI", userTitle: "Invalid Endpoint URI", userMessage: "Provide a valid https URL.")
        }
        return text
    }

    static func boundary(of contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        return contentType.split(separator: ";").compactMap { part -> String? in
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            return pair.count == 2 && pair[0].lowercased() == "boundary" ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
        }.first
    }

    static var nameNotUnique: GraphFailure {
        GraphFailure(
            400, "Flow name is not unique", userTitle: "Flow name is not unique",
            userMessage: "Another Flow of this WhatsApp Business Account already has this name.")
    }

    static func cannotUpdate(_ flow: SimulatedFlow) -> GraphFailure {
        GraphFailure(
            400, code: 139001, "Flow can't be updated", userTitle: "Flow can't be updated",
            userMessage: "The Flow is \(flow.status); only a draft can change. Clone it to make a new draft.")
    }
}
