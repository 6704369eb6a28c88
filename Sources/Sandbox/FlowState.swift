import Cloud
import Foundation

/// The simulator's WhatsApp Flows, in creation order, across every business account.
struct FlowsState: Sendable {
    var flows: [SimulatedFlow] = []

    func flow(_ id: String) -> SimulatedFlow? {
        flows.first { $0.id == id }
    }

    /// Whether another Flow of the account already has `name` (Meta wants names unique per account).
    func nameTaken(_ name: String, wabaID: String, except id: String? = nil) -> Bool {
        flows.contains { $0.wabaID == wabaID && $0.name == name && $0.id != id }
    }

    /// Changes one Flow; `nil` when there is none with `id`.
    mutating func update<Result>(_ id: String, _ change: (inout SimulatedFlow) -> Result) -> Result? {
        guard let index = flows.firstIndex(where: { $0.id == id }) else { return nil }
        return change(&flows[index])
    }
}

/// A Flow as Meta keeps it: its metadata, its status, and its Flow JSON with what Meta found wrong in it.
struct SimulatedFlow: Sendable {
    var id = SimulatedTemplate.newID()
    var wabaID: String
    var name: String
    var categories: [String]
    var endpointURI: String?
    /// `DRAFT`, `PUBLISHED` or `DEPRECATED`.
    var status = "DRAFT"
    var flowJSON: String?
    var validationErrors: [CloudJSON] = []
    /// The preview link's token and expiry; `preview.invalidate(true)` makes a new one.
    var previewToken = UUID().uuidString.lowercased()
    var previewExpires = Date().addingTimeInterval(30 * 24 * 3600)

    /// Stores a new Flow JSON and what is wrong with it.
    mutating func setFlowJSON(_ text: String) {
        flowJSON = text
        validationErrors = FlowJSONCheck.errors(in: text)
    }

    /// The Flow JSON's member `key` as text (`version`, `data_api_version`), if it has one.
    func flowJSONMember(_ key: String) -> String? {
        guard let text = flowJSON, case .object(let members)? = try? JSONDecoder().decode(CloudJSON.self, from: Data(text.utf8))
        else { return nil }
        return members[key]?.asString
    }

    /// The Flow's node with the given fields, as `GET /{flow-id}` and `GET /{waba-id}/flows` show it.
    func node(fields: [String], origin: String) -> CloudJSON {
        var members: [String: CloudJSON] = [:]
        for field in fields {
            switch field {
            case "id": members[field] = .string(id)
            case "name": members[field] = .string(name)
            case "status": members[field] = .string(status)
            case "categories": members[field] = .array(categories.map(CloudJSON.string))
            case "validation_errors": members[field] = .array(validationErrors)
            case "json_version": members[field] = flowJSONMember("version").map(CloudJSON.string)
            case "data_api_version": members[field] = flowJSONMember("data_api_version").map(CloudJSON.string)
            case "endpoint_uri": members[field] = endpointURI.map(CloudJSON.string)
            case "whatsapp_business_account": members[field] = ["id": .string(wabaID)]
            case "application": members[field] = ["id": "sandbox-app", "name": "Sandbox App"]
            case "health_status":
                members[field] = [
                    "can_send_message": status == "PUBLISHED" ? "AVAILABLE" : "BLOCKED",
                    "entities": [["entity_type": "FLOW", "id": .string(id), "can_send_message": "AVAILABLE"]],
                ]
            case "preview":
                members[field] = [
                    "preview_url": .string("https://business.facebook.com/wa/manage/flows/\(id)/preview/?token=\(previewToken)"),
                    "expires_at": .string(Self.metaTime(previewExpires)),
                ]
            default: continue
            }
        }
        return .object(members)
    }

    /// Graph's time text: `2023-05-21T11:18:09+0000`.
    static func metaTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return formatter.string(from: date)
    }
}

/// The simulator's minimal check of a Flow JSON: readable JSON, an object with a `version` text and a non-empty
/// `screens` array. Each problem is reported the way Meta reports validation errors.
enum FlowJSONCheck {
    static func errors(in text: String) -> [CloudJSON] {
        guard let value = try? JSONDecoder().decode(CloudJSON.self, from: Data(text.utf8)) else {
            return [error("INVALID_JSON", "FLOW_JSON_ERROR", "The Flow JSON is not valid JSON.")]
        }
        guard case .object(let members) = value else {
            return [error("INVALID_PROPERTY_TYPE", "JSON_SCHEMA_ERROR", "The Flow JSON must be an object at \"$root\".")]
        }
        var errors: [CloudJSON] = []
        if members["version"]?.asString == nil {
            errors.append(error("MISSING_REQUIRED_PROPERTY", "JSON_SCHEMA_ERROR", "The property \"version\" is required at \"$root\"."))
        }
        if let screens = members["screens"]?.asArray {
            if screens.isEmpty {
                errors.append(error("INVALID_PROPERTY_VALUE", "JSON_SCHEMA_ERROR", "The property \"screens\" must not be empty."))
            }
        } else {
            errors.append(error("MISSING_REQUIRED_PROPERTY", "JSON_SCHEMA_ERROR", "The property \"screens\" is required at \"$root\"."))
        }
        return errors
    }

    static func error(_ code: String, _ type: String, _ message: String) -> CloudJSON {
        [
            "error": .string(code), "error_type": .string(type), "message": .string(message),
            "line_start": 1, "line_end": 1, "column_start": 1, "column_end": 1,
        ]
    }
}

extension SimulatorState {
    /// The Flow with this id, if the simulator has one.
    func flow(_ id: String) -> SimulatedFlow? {
        withAccounts { $0.flows.flow(id) }
    }

    /// Adds a Flow to a business account, as if it had been created through the Flows API (for tests and demos).
    public func addFlow(id: String, wabaID: String, name: String, status: String = "DRAFT", flowJSON: String? = nil) {
        var flow = SimulatedFlow(id: id, wabaID: wabaID, name: name, categories: ["OTHER"])
        if let flowJSON { flow.setFlowJSON(flowJSON) }
        flow.status = status
        withAccounts { $0.flows.flows.append(flow) }
    }

    /// A Flow's status (`DRAFT`, `PUBLISHED`, `DEPRECATED`), or `nil` when there is no such Flow.
    public func flowStatus(_ id: String) -> String? {
        flow(id)?.status
    }

    /// Whether `id` names a Flow (the generic `/{version}/{object-id}` routes hand such calls to ``FlowEndpoints``).
    func isFlow(_ id: String) -> Bool {
        flow(id) != nil
    }
}
