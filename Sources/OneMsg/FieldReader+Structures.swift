import Foundation

extension FieldReader {
    /// A text value found at `path` inside a structured field; `""` and `null` count as absent.
    public mutating func text(
        _ value: FieldValue?, at path: String, required: Bool = false, maxLength: Int? = nil
    ) -> String? {
        guard let value, !value.isUnset else {
            if required { report(path, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            report(path, "must be a string, not \(value.kindName)")
            return nil
        }
        // Characters are Unicode scalars, as JSON Schema's maxLength and Meta's limits count them.
        if let maxLength, text.unicodeScalars.count > maxLength {
            report(path, "must be at most \(maxLength) characters (got \(text.unicodeScalars.count))")
            return nil
        }
        return text
    }

    /// A phone number as a JSON number (digits only) or a string; `""` counts as absent.
    public mutating func phoneText(_ value: FieldValue?, at path: String, required: Bool = false) -> String? {
        if case .number(let digits)? = value, !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            report(path, "must be an international number of 7 to 15 digits, country code first (got \(digits))")
            return nil
        }
        return numberOrText(value, at: path, required: required)
    }

    /// A value that may be a JSON number or a string (phone numbers, which many 1MSG clients send as
    /// numbers; counts; coordinates), as its text; `""` counts as absent.
    public mutating func numberOrText(_ value: FieldValue?, at path: String, required: Bool = false) -> String? {
        if case .number(let digits)? = value { return digits }
        return text(value, at: path, required: required)
    }

    /// A structured top-level field: an object or array, or (from form clients) JSON text of one.
    public mutating func structure(_ name: String, required: Bool = false) -> FieldValue? {
        guard let value = fields[name] else {
            if required { report(name, "is required") }
            return nil
        }
        return Self.parsedStructure(value) ?? value
    }

    /// An object at `path`; JSON text of an object is accepted too.
    public mutating func object(
        _ value: FieldValue?, at path: String, required: Bool = false
    ) -> [String: FieldValue]? {
        guard let value, !value.isUnset else {
            if required { report(path, "is required") }
            return nil
        }
        guard case .object(let members) = Self.parsedStructure(value) ?? value else {
            report(path, "must be an object, not \(value.kindName)")
            return nil
        }
        return members
    }

    /// An array at `path` with a count between `minCount` and `maxCount`; JSON text of an array is accepted too.
    public mutating func array(
        _ value: FieldValue?, at path: String, required: Bool = false, minCount: Int = 0, maxCount: Int? = nil
    ) -> [FieldValue]? {
        guard let value, !value.isUnset else {
            if required { report(path, "is required") }
            return nil
        }
        guard case .array(let elements) = Self.parsedStructure(value) ?? value else {
            report(path, "must be an array, not \(value.kindName)")
            return nil
        }
        if elements.count < minCount {
            report(path, minCount == 1 ? "must not be empty" : "must have at least \(minCount) items (got \(elements.count))")
            return nil
        }
        if let maxCount, elements.count > maxCount {
            report(path, "must have at most \(maxCount) items (got \(elements.count))")
            return nil
        }
        return elements
    }

    /// A decimal number (JSON number or numeric text) within `range`.
    public mutating func number(
        _ value: FieldValue?, at path: String, required: Bool = false, in range: ClosedRange<Double>
    ) -> Double? {
        guard let text = numberOrText(value, at: path, required: required) else { return nil }
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
            report(path, "must be a decimal number such as 45.018337 (got \"\(text)\")")
            return nil
        }
        guard range.contains(number) else {
            report(path, "must be between \(Self.plain(range.lowerBound)) and \(Self.plain(range.upperBound)) (got \(text))")
            return nil
        }
        return number
    }

    /// An integer within `range`: a whole JSON number, or digits (optionally after `-`) in a string.
    public mutating func integer(
        _ value: FieldValue?, at path: String, required: Bool = false, in range: ClosedRange<Int>
    ) -> Int? {
        guard let text = numberOrText(value, at: path, required: required) else { return nil }
        guard text.wholeMatch(of: /-?[0-9]+/) != nil, let number = Int(text) else {
            report(path, "must be a whole number (got \"\(text)\")")
            return nil
        }
        guard range.contains(number) else {
            report(path, "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
            return nil
        }
        return number
    }

    /// One of `allowed` (compared without letter case); answers the allowed spelling.
    public mutating func choice(
        _ value: FieldValue?, at path: String, required: Bool = false, from allowed: [String]
    ) -> String? {
        guard let text = text(value, at: path, required: required) else { return nil }
        guard let match = allowed.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
            report(path, "must be one of \(allowed.joined(separator: ", ")) (got \"\(text)\")")
            return nil
        }
        return match
    }

    /// An absolute http(s) URL.
    public mutating func webURL(_ value: FieldValue?, at path: String, required: Bool = false) -> String? {
        guard let text = text(value, at: path, required: required) else { return nil }
        guard Self.isWebURL(text) else {
            report(path, "must be an absolute http:// or https:// URL")
            return nil
        }
        return text
    }

    /// Whether `text` is an absolute http(s) URL with a host.
    public static func isWebURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    /// JSON text (or Python-repr text, as the newer Python SDK sends nested form values) parsed into
    /// a structure; `nil` when `value` is not such text.
    static func parsedStructure(_ value: FieldValue) -> FieldValue? {
        guard case .string(let text) = value else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first, first == "{" || first == "[" else { return nil }
        if let parsed = try? JSONDecoder().decode(FieldValue.self, from: Data(trimmed.utf8)) { return parsed }
        let pythonRepr = trimmed.replacingOccurrences(of: "'", with: "\"")
            .replacingOccurrences(of: "True", with: "true").replacingOccurrences(of: "False", with: "false")
            .replacingOccurrences(of: "None", with: "null")
        return try? JSONDecoder().decode(FieldValue.self, from: Data(pythonRepr.utf8))
    }

    private static func plain(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}
