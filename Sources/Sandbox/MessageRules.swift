import Foundation

/// Meta's synchronous checks of a `/messages` body, as far as the simulator reproduces them: the
/// envelope, the required members of every message type, the limits Meta enforces at once, and media
/// ids that must exist.
enum MessageRules {
    struct Problem {
        var code: Int
        var message: String
        var details: String?
    }

    static let knownTypes: Set<String> = [
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "reaction",
        "interactive", "template",
    ]
    static let mediaTypes: Set<String> = ["image", "audio", "video", "document", "sticker"]
    static let interactiveTypes: Set<String> = [
        "button", "list", "cta_url", "flow", "product", "product_list", "catalog_message", "location_request_message",
        "address_message", "carousel", "call_permission_request", "voice_call", "order_details",
    ]

    static func problem(in json: [String: Any], state: SimulatorState) -> Problem? {
        guard json["messaging_product"] as? String == "whatsapp" else {
            return missing("messaging_product")
        }
        if json["status"] as? String == "read" {
            return json["message_id"] is String ? nil : missing("message_id")
        }
        guard json["to"] is String || json["recipient"] is String else { return missing("to") }
        let type = json["type"] as? String ?? "text"
        guard knownTypes.contains(type) else {
            return Problem(code: 100, message: "Param type must be one of {\(knownTypes.sorted().joined(separator: ", "))} - got \"\(type)\".")
        }
        guard let content = json[type] else { return missing(type) }
        if let context = json["context"] as? [String: Any], !(context["message_id"] is String) {
            return missing("context['message_id']")
        }
        if type == "reaction", json["context"] != nil {
            return Problem(code: 100, message: "Reactions cannot be sent as replies (no context).")
        }
        switch type {
        case "text":
            guard let body = (content as? [String: Any])?["body"] as? String else { return missing("text['body']") }
            if body.count > 4096 { return tooLong("text['body']", 4096) }
        case _ where mediaTypes.contains(type):
            return media(content, type: type, state: state)
        case "location":
            let location = content as? [String: Any] ?? [:]
            for key in ["latitude", "longitude"] where !(location[key] is NSNumber || location[key] is String) {
                return missing("location['\(key)']")
            }
        case "contacts":
            guard let contacts = content as? [[String: Any]], !contacts.isEmpty else { return missing("contacts") }
            for (index, contact) in contacts.enumerated() {
                guard let name = contact["name"] as? [String: Any], name["formatted_name"] is String else {
                    return missing("contacts[\(index)]['name']['formatted_name']")
                }
            }
        case "reaction":
            let reaction = content as? [String: Any] ?? [:]
            guard reaction["message_id"] is String else { return missing("reaction['message_id']") }
            guard reaction["emoji"] is String else { return missing("reaction['emoji']") }
        case "interactive":
            return interactive(content as? [String: Any] ?? [:])
        case "template":
            let template = content as? [String: Any] ?? [:]
            guard template["name"] is String else { return missing("template['name']") }
            guard (template["language"] as? [String: Any])?["code"] is String else { return missing("template['language']['code']") }
        default:
            break
        }
        return nil
    }

    static func media(_ content: Any, type: String, state: SimulatorState) -> Problem? {
        let media = content as? [String: Any] ?? [:]
        switch (media["id"] as? String, media["link"] as? String) {
        case (nil, nil):
            return Problem(code: 100, message: "Param \(type) must have either id or link.")
        case (.some, .some):
            return Problem(code: 100, message: "Param \(type) must have either id or link, not both.")
        case (let id?, nil) where !state.hasMedia(id):
            return Problem(code: 131053, message: "Media upload error", details: "Media id \(id) is not a valid uploaded media id")
        default:
            break
        }
        if media["caption"] != nil, type == "audio" || type == "sticker" {
            return Problem(code: 100, message: "Param \(type)['caption'] is not supported for this media type.")
        }
        return nil
    }

    static func interactive(_ interactive: [String: Any]) -> Problem? {
        guard let type = interactive["type"] as? String, interactiveTypes.contains(type) else {
            return Problem(code: 131009, message: "Parameter value is not valid", details: "Unsupported Interactive Message type")
        }
        guard let action = interactive["action"] as? [String: Any] else { return missing("interactive['action']") }
        if type != "product", !((interactive["body"] as? [String: Any])?["text"] is String) {
            return missing("interactive['body']['text']")
        }
        switch type {
        case "list":
            guard action["button"] is String, let sections = action["sections"] as? [[String: Any]], !sections.isEmpty else {
                return missing("interactive['action']['sections']")
            }
            let rows = sections.reduce(0) { $0 + (($1["rows"] as? [Any])?.count ?? 0) }
            if rows > 10 {
                return Problem(code: 131009, message: "Parameter value is not valid", details: "Total row count exceed max allowed count: 10")
            }
        case "button":
            guard let buttons = action["buttons"] as? [[String: Any]], (1...3).contains(buttons.count) else {
                return Problem(code: 131009, message: "Parameter value is not valid", details: "Buttons count should be between 1 and 3")
            }
        case "product_list":
            guard interactive["header"] != nil else { return missing("interactive['header']") }
        case "order_details":
            let parameters = action["parameters"] as? [String: Any] ?? [:]
            guard action["name"] as? String == "review_and_pay", parameters["reference_id"] is String,
                parameters["total_amount"] is [String: Any], parameters["order"] is [String: Any]
            else { return missing("interactive['action']['parameters']") }
        default:
            break
        }
        return nil
    }

    static func missing(_ parameter: String) -> Problem {
        Problem(code: 100, message: "The parameter \(parameter) is required.")
    }

    static func tooLong(_ parameter: String, _ limit: Int) -> Problem {
        Problem(code: 100, message: "Param \(parameter) must be at most \(limit) characters long.")
    }
}
