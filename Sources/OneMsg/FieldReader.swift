/// One problem with one field of a request, as shown to the client.
public struct FieldProblem: Sendable, Hashable, CustomStringConvertible {
    /// The field's name as the client sent it (`phone`, `sections[0].rows[1].title`, …).
    public var field: String
    /// The rule that was broken, phrased so that it completes "`field` …".
    public var rule: String

    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var description: String { "\(field): \(rule)" }
}

/// Every problem found in a request; rendered as one 400 reply.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "; ")
    }
}

/// A 1MSG request that can be read, leniently and with every problem collected, from ``RequestFields``.
public protocol OneMsgRequest: Sendable {
    init(reading reader: inout FieldReader)
}

extension OneMsgRequest {
    /// Reads the request, or throws every problem found.
    public static func decode(from fields: RequestFields) throws(ValidationError) -> Self {
        var reader = FieldReader(fields)
        let request = Self(reading: &reader)
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return request
    }
}

/// Reads typed values out of ``RequestFields``, tolerating the encodings real clients use and
/// collecting a ``FieldProblem`` for every value that breaks a rule instead of stopping at the first.
public struct FieldReader: Sendable {
    public let fields: RequestFields
    public private(set) var problems: [FieldProblem] = []

    public init(_ fields: RequestFields) {
        self.fields = fields
    }

    /// Records a problem found by the caller.
    public mutating func report(_ field: String, _ rule: String) {
        problems.append(FieldProblem(field: field, rule: rule))
    }

    /// A text field: a string (a number or boolean is refused, naming its kind); `""` and `null` count as absent;
    /// length limits count Unicode scalars.
    public mutating func text(
        _ name: String,
        required: Bool = false,
        maxLength: Int? = nil
    ) -> String? {
        text(fields[name], at: name, required: required, maxLength: maxLength)
    }

    /// A boolean: JSON `true`/`false`, or the text `true/false/True/False/1/0`.
    public mutating func bool(_ name: String) -> Bool? {
        bool(fields[name], at: name)
    }

    /// A boolean at `path` inside a structured field, read as ``bool(_:)`` reads a top-level one; `""` and `null`
    /// count as absent.
    public mutating func bool(_ value: FieldValue?, at path: String) -> Bool? {
        guard let value, !value.isUnset else { return nil }
        if case .bool(let flag) = value { return flag }
        switch value.scalarText?.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            report(path, "must be a boolean (true or false)")
            return nil
        }
    }

    /// The destination from `phone` or `chatId`: exactly one is needed; both are accepted when they agree.
    public mutating func recipient() -> Recipient? {
        let phone = phoneText(fields["phone"], at: "phone").flatMap { text -> Recipient? in
            if let id = Recipient.businessScopedID(text) { return .businessScopedUser(id) }
            guard let digits = Recipient.phoneDigits(text) else {
                report(
                    "phone",
                    "must be an international number of 7 to 15 digits, country code first, or a business-scoped user id "
                        + "like CO.1726691741709890 (got \"\(text)\")")
                return nil
            }
            return .individual(digits)
        }
        let chat = text("chatId").flatMap { text -> Recipient? in
            guard let recipient = Recipient(chatId: text) else {
                report("chatId", "must look like <digits>@c.us, <group id>@g.us or <user id>@lid (got \"\(text)\")")
                return nil
            }
            return recipient
        }
        let bsuid = text("bsuid").flatMap { text -> Recipient? in
            guard let id = Recipient.businessScopedID(text) else {
                report("bsuid", "must be a business-scoped user id: two letters, a dot and digits, like CO.1726691741709890 (got \"\(text)\")")
                return nil
            }
            return .businessScopedUser(id)
        }
        let named = [("phone", phone), ("chatId", chat), ("bsuid", bsuid)].compactMap { name, recipient in recipient.map { (name, $0) } }
        guard let (_, first) = named.first else {
            if fields["phone"] == nil, fields["chatId"] == nil, fields["bsuid"] == nil {
                report("phone", "is required when chatId is not set (send phone or chatId)")
            }
            return nil
        }
        for (name, other) in named.dropFirst() where other != first {
            report(name, "names a different recipient than \(named[0].0); send only one of them")
            return nil
        }
        return first
    }
}
