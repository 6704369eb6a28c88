import Cloud
import Foundation
import Hummingbird

/// `/{version}/{waba-id}/message_templates`: list (cursor paging, filters), create (Meta's checks; the
/// sandbox approves at once) and delete by name or by `hsm_id`.
enum TemplateEndpoints {
    static let categories: Set<String> = ["MARKETING", "UTILITY", "AUTHENTICATION"]
    static let componentTypes: Set<String> = ["HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "LIMITED_TIME_OFFER"]
    static let headerFormats: Set<String> = ["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION", "PRODUCT"]
    /// Header formats whose example must be a resumable-upload handle.
    static let mediaHeaderFormats: Set<String> = ["IMAGE", "VIDEO", "GIF", "DOCUMENT"]
    static let defaultFields = ["name", "components", "language", "status", "category"]
    static let listFields: Set<String> = [
        "id", "name", "components", "language", "status", "category", "rejected_reason", "parameter_format",
        "message_send_ttl_seconds",
    ]

    /// `GET …/message_templates[?limit=&after=&name=&status=&category=&language=&fields=]`.
    static func list(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let wabaID = try call.wabaID(in: state)
        let fields = try call.fields(available: listFields, defaults: defaultFields, nodeType: "WhatsAppMessageTemplate")
        let filters = ["name", "status", "category", "language"].compactMap { key in call.query(key).map { (key, $0) } }
        let templates = state.withAccounts { $0.withWABA(wabaID) { $0.templates } }.filter { template in
            filters.allSatisfy { key, wanted in
                switch key {
                case "name": template.name == wanted
                case "status": template.status == wanted.uppercased()
                case "category": template.category == wanted.uppercased()
                default: template.language == wanted
                }
            }
        }
        let page = try GraphPaging.page(templates, call: call)
        var reply: [String: CloudJSON] = [
            "data": .array(page.items.map { json($0, fields: fields, defaulted: call.query("fields") == nil) })
        ]
        reply["paging"] = page.paging
        return CloudSimulator.json200(CloudJSON.object(reply))
    }

    /// A template as Meta lists it: `id` and the asked fields (`rejected_reason` too, by default, when set).
    static func json(_ template: SimulatedTemplate, fields: [String], defaulted: Bool) -> CloudJSON {
        let values: [String: CloudJSON?] = [
            "name": .string(template.name),
            "components": .array(template.components),
            "language": .string(template.language),
            "status": .string(template.status),
            "category": .string(template.category),
            "rejected_reason": template.rejectedReason.map(CloudJSON.string),
            "parameter_format": .string(template.parameterFormat),
            "message_send_ttl_seconds": template.messageSendTTLSeconds.map { .number(String($0)) },
        ]
        var members: [String: CloudJSON] = ["id": .string(template.id)]
        for field in defaulted ? fields + ["rejected_reason"] : fields where field != "id" {
            if let value = values[field] ?? nil { members[field] = value }
        }
        return .object(members)
    }

    /// `POST …/message_templates`.
    /// `created` is called with a template once stored (the simulator announces its status as Meta does).
    static func create(
        _ call: GraphCall, state: SimulatorState, created: (SimulatedTemplate, _ wabaID: String) -> Void = { _, _ in }
    ) throws(GraphFailure) -> Response {
        let wabaID = try call.wabaID(in: state)
        let json = try call.jsonObject()
        for key in ["name", "language", "category", "components"] where json[key] == nil {
            throw GraphFailure(400, "The parameter \(key) is required.")
        }
        guard let name = json["name"]?.asString, name.wholeMatch(of: /[a-z0-9_]{1,512}/) != nil else {
            throw GraphFailure(400, "Param name must be 1 to 512 lowercase letters, digits or underscores")
        }
        guard let language = json["language"]?.asString, !language.isEmpty else {
            throw GraphFailure(400, "Param language must be a non-empty string")
        }
        guard let category = json["category"]?.asString, categories.contains(category) else {
            throw GraphFailure(400, "Param category must be one of {\(categories.sorted().joined(separator: ", "))}")
        }
        var parameterFormat = "POSITIONAL"
        if let value = json["parameter_format"] {
            guard let format = value.asString?.uppercased(), ["POSITIONAL", "NAMED"].contains(format) else {
                throw GraphFailure(400, "Param parameter_format must be one of {NAMED, POSITIONAL}")
            }
            parameterFormat = format
        }
        var ttl: Int?
        if let value = json["message_send_ttl_seconds"] {
            guard let seconds = value.asInt else { throw GraphFailure(400, "Param message_send_ttl_seconds must be an integer") }
            ttl = seconds
        }
        guard let components = json["components"]?.asArray, !components.isEmpty else {
            throw GraphFailure(400, "Param components must be a non-empty array")
        }
        try check(components, category: category, state: state)

        let template = SimulatedTemplate(
            name: name, language: language, category: category, components: components, parameterFormat: parameterFormat,
            messageSendTTLSeconds: ttl)
        let stored = state.withAccounts { accounts in
            accounts.withWABA(wabaID) { waba in
                guard !waba.templates.contains(where: { $0.name == name && $0.language == language }) else { return false }
                waba.templates.append(template)
                return true
            }
        }
        guard stored else {
            throw GraphFailure(
                400, "Invalid parameter", subcode: 2388024, userTitle: "Content in this language already exists",
                userMessage: "There is already \(language) content for this template. You can create a new template and try again.")
        }
        created(template, wabaID)
        return CloudSimulator.json200(
            [
                "id": .string(template.id), "status": .string(template.status), "category": .string(category),
            ] as CloudJSON)
    }

    /// Meta's synchronous checks of `components`.
    static func check(_ components: [CloudJSON], category: String, state: SimulatorState) throws(GraphFailure) {
        var counts: [String: Int] = [:]
        for (index, component) in components.enumerated() {
            let path = "components[\(index)]"
            guard let object = component.asObject else { throw GraphFailure(400, "Param \(path) must be an object") }
            guard let type = object["type"]?.asString, componentTypes.contains(type) else {
                throw GraphFailure(
                    400, "Param \(path)[type] must be one of {\(componentTypes.sorted().joined(separator: ", "))}")
            }
            counts[type, default: 0] += 1
            guard counts[type] == 1 else { throw GraphFailure(400, "Param components has more than one \(type) component") }
            switch type {
            case "HEADER":
                try checkHeader(object, path: path, state: state)
            case "BODY":
                if category != "AUTHENTICATION" || object["text"] != nil {
                    _ = try AccountEndpoints.text(object["text"] ?? .null, "\(path)[text]", 1...1024)
                }
            case "FOOTER":
                if category != "AUTHENTICATION" || object["text"] != nil {
                    _ = try AccountEndpoints.text(object["text"] ?? .null, "\(path)[text]", 1...60)
                }
            case "BUTTONS":
                try checkButtons(object, path: path)
            default:
                break
            }
        }
        if category != "AUTHENTICATION", counts["BODY"] != 1 {
            throw GraphFailure(400, "Param components must contain a BODY component")
        }
    }

    static func checkHeader(_ header: [String: CloudJSON], path: String, state: SimulatorState) throws(GraphFailure) {
        guard let format = header["format"]?.asString, headerFormats.contains(format) else {
            throw GraphFailure(400, "Param \(path)[format] must be one of {\(headerFormats.sorted().joined(separator: ", "))}")
        }
        if format == "TEXT" {
            _ = try AccountEndpoints.text(header["text"] ?? .null, "\(path)[text]", 1...60)
        }
        if mediaHeaderFormats.contains(format) {
            guard let handles = header["example"]?.asObject?["header_handle"]?.asArray, handles.count == 1,
                let handle = handles[0].asString, state.uploadedHandle(handle) != nil
            else {
                throw GraphFailure(
                    400, "Param \(path)[example][header_handle] must hold one handle from the Resumable Upload API")
            }
        }
    }

    static func checkButtons(_ component: [String: CloudJSON], path: String) throws(GraphFailure) {
        guard let buttons = component["buttons"]?.asArray, (1...10).contains(buttons.count) else {
            throw GraphFailure(400, "Param \(path)[buttons] must be an array of 1 to 10 buttons")
        }
        for (index, button) in buttons.enumerated() {
            let buttonPath = "\(path)[buttons][\(index)]"
            guard let type = button.asObject?["type"]?.asString, !type.isEmpty, type == type.uppercased() else {
                throw GraphFailure(400, "Param \(buttonPath)[type] must be an uppercase button type")
            }
            if let text = button.asObject?["text"] {
                _ = try AccountEndpoints.text(text, "\(buttonPath)[text]", 1...25)
            }
        }
    }

    /// `DELETE …/message_templates?name=X[&hsm_id=ID]`.
    static func delete(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let wabaID = try call.wabaID(in: state)
        guard let name = call.query("name"), !name.isEmpty else { throw GraphFailure(400, "The parameter name is required.") }
        let templateID = call.query("hsm_id")
        let removed = state.withAccounts { accounts in
            accounts.withWABA(wabaID) { waba in
                let before = waba.templates.count
                waba.templates.removeAll { $0.name == name && (templateID == nil || $0.id == templateID) }
                return before - waba.templates.count
            }
        }
        guard removed > 0 else { throw GraphFailure(404, "Message template \"\(name)\" does not exist") }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }
}

extension SimulatorState {
    /// Adds `count` approved UTILITY `en_US` templates named `prefix_0001`… to a WABA, for paging tests.
    public func addTemplates(wabaID: String, count: Int, prefix: String) {
        withAccounts { accounts in
            accounts.withWABA(wabaID) { waba in
                for index in 0..<max(count, 0) {
                    let name = "\(prefix)_\(String(format: "%04d", index + 1))"
                    waba.templates.append(
                        SimulatedTemplate(
                            name: name, language: "en_US", category: "UTILITY",
                            components: [["type": "BODY", "text": .string("Sandbox template \(name)")]]))
                }
            }
        }
    }

    /// The category of the approved template `name` in `language`, lower case as status pricing spells it;
    /// `nil` when there is no such approved template.
    func approvedTemplateCategory(wabaID: String, name: String, language: String) -> String? {
        withAccounts { accounts in
            accounts.withWABA(wabaID) { account in
                account.templates.first { $0.name == name && $0.language == language && $0.status == "APPROVED" }?.category.lowercased()
            }
        }
    }

    /// The names of a WABA's templates, in creation order.
    public func templateNames(wabaID: String) -> [String] {
        withAccounts { accounts in accounts.withWABA(wabaID) { $0.templates.map(\.name) } }
    }
}

extension StatusWebhookPoster {
    /// Posts the `message_template_status_update` webhook Meta sends when it has reviewed a template (the simulator
    /// approves at once), signed for a number of the WABA; nothing when the WABA has no number.
    func announceStatus(of template: SimulatedTemplate, wabaID: String) {
        guard let number = state.numbers(inWABA: wabaID).first else { return }
        let value: CloudJSON = [
            "event": .string(template.status), "message_template_id": .number(template.id),
            "message_template_name": .string(template.name), "message_template_language": .string(template.language),
            "reason": .string(template.rejectedReason ?? "NONE"),
        ]
        let payload: CloudJSON = [
            "object": "whatsapp_business_account",
            "entry": [
                [
                    "id": .string(wabaID), "time": .number(String(Int(Date().timeIntervalSince1970))),
                    "changes": [["field": "message_template_status_update", "value": value]],
                ]
            ],
        ]
        guard let body = try? JSONEncoder().encode(payload) else { return }
        enqueue(.change(body: Array(body), number: number))
    }
}
