extension CloudJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: CloudJSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, CloudJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// An object of the members that are present; `nil` members are left out, as Meta expects.
    public static func members(_ members: KeyValuePairs<String, CloudJSON?>) -> CloudJSON {
        var object: [String: CloudJSON] = [:]
        for (key, value) in members {
            if let value { object[key] = value }
        }
        return .object(object)
    }

    /// A string member, or `nil` for an absent text.
    public static func text(_ text: String?) -> CloudJSON? {
        text.map(CloudJSON.string)
    }
}
