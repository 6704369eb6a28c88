import Foundation
import JSONValue

/// One value of a 1MSG request, whatever encoding it arrived in.
///
/// JSON bodies keep their structure; form and multipart bodies yield `.string` (or `.array` of strings
/// for repeated keys). Numbers keep their text so that a phone number sent as a JSON number survives
/// unchanged.
public typealias FieldValue = JSONValue

extension FieldValue {
    /// Whether the value means "not set": `null`, or `""` (what form clients send for every unset field).
    public var isUnset: Bool { self == .null || self == .string("") }

    /// The value as text when it is a scalar (`true`/`false` for booleans, digits for numbers).
    public var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// A short name of the value's kind, used in error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
