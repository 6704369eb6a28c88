import Foundation
import OneMsg

/// Realistic inputs read from the repository's `fixtures/` (the same files the fixture tests use).
enum Inputs {
    /// A request body as a client sends it, with its content type.
    struct Body: Sendable {
        var bytes: [UInt8]
        var contentType: String?
    }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    /// The request body of `fixtures/send/<name>.json`, as the fixture tests build it.
    static func sendBody(_ name: String) -> Body {
        guard case .object(let root) = fixture("send/\(name)"), case .object(let request)? = root["request"] else {
            fatalError("fixtures/send/\(name).json has no request")
        }
        if let json = request["json"] {
            return Body(bytes: Array(try! JSONEncoder().encode(json)), contentType: request["contentType"]?.scalarText)
        }
        guard case .string(let text)? = request["text"] else { fatalError("fixtures/send/\(name).json: no body") }
        return Body(bytes: Array(text.utf8), contentType: request["contentType"]?.scalarText)
    }

    /// The Meta POST body of `fixtures/webhooks/<name>.json`, as raw JSON.
    static func webhookPayload(_ name: String) -> [String: Any] {
        let data = try! Data(contentsOf: root.appendingPathComponent("webhooks/\(name).json"))
        guard let object = try! JSONSerialization.jsonObject(with: data) as? [String: Any],
            let payload = object["payload"] as? [String: Any]
        else { fatalError("fixtures/webhooks/\(name).json has no payload") }
        return payload
    }

    /// `payload` as the bytes Meta POSTs.
    static func bytes(_ payload: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    private static func fixture(_ name: String) -> FieldValue {
        let data = try! Data(contentsOf: root.appendingPathComponent("\(name).json"))
        return try! JSONDecoder().decode(FieldValue.self, from: data)
    }
}
