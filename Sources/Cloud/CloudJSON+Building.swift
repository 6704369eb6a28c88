extension CloudJSON {
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
