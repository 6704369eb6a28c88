/// Collects the problems of one body while ``CloudMessageSchema`` walks it; each check reports what it finds and hands
/// back the value when it has the right kind, so the walk goes on below it.
struct SchemaCheck {
    private(set) var problems: [CloudMessageSchema.Problem] = []

    mutating func report(_ field: String, _ rule: String) {
        problems.append(.init(field: field, rule: rule))
    }

    /// The members of an object, or `nil` (reported) when the value is something else.
    mutating func object(_ value: CloudJSON?, at field: String) -> [String: CloudJSON]? {
        guard let value else {
            report(field, "is required")
            return nil
        }
        guard case .object(let members) = value else {
            report(field, "must be an object (got \(CloudMessageSchema.show(value)))")
            return nil
        }
        return members
    }

    /// The items of an array within `count`, or `nil` (reported) when the value is no array.
    @discardableResult
    mutating func array(_ value: CloudJSON?, at field: String, count: ClosedRange<Int> = 0...Int.max) -> [CloudJSON]? {
        guard let value else {
            report(field, "is required")
            return nil
        }
        guard case .array(let items) = value else {
            report(field, "must be an array (got \(CloudMessageSchema.show(value)))")
            return nil
        }
        if !count.contains(items.count) {
            let bounds = count.upperBound == Int.max ? "at least \(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            report(field, "must have \(bounds) items (got \(items.count))")
        }
        return items
    }

    /// A string of at most `maxLength` characters; `required` also refuses it missing or empty.
    @discardableResult
    mutating func text(_ value: CloudJSON?, at field: String, required: Bool = false, maxLength: Int) -> String? {
        guard let value else {
            if required { report(field, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            report(field, "must be a string (got \(CloudMessageSchema.show(value)))")
            return nil
        }
        if required, text.isEmpty { report(field, "is required and must not be empty") }
        if text.count > maxLength { report(field, "must be at most \(maxLength) characters (got \(text.count))") }
        return text
    }

    mutating func bool(_ value: CloudJSON?, at field: String) {
        guard let value else { return }
        if case .bool = value { return }
        report(field, "must be true or false (got \(CloudMessageSchema.show(value)))")
    }

    /// An http(s) URL.
    mutating func url(_ value: CloudJSON?, at field: String, required: Bool = true) {
        guard let text = text(value, at: field, required: required, maxLength: 2000), !text.isEmpty else { return }
        let lower = text.lowercased()
        if !(lower.hasPrefix("https://") || lower.hasPrefix("http://")) || text.contains(" ") {
            report(field, "must be an http:// or https:// URL")
        }
    }

    /// A latitude or longitude: a number (or numeric string, which Meta also takes) within ±`limit`.
    mutating func coordinate(_ value: CloudJSON?, at field: String, limit: Double) {
        guard let value else {
            report(field, "is required")
            return
        }
        guard let text = value.text, let number = Double(text), number.isFinite else {
            report(field, "must be a number (got \(CloudMessageSchema.show(value)))")
            return
        }
        if abs(number) > limit { report(field, "must be between -\(Int(limit)) and \(Int(limit)) (got \(text))") }
    }
}
