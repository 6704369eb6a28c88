import Cloud
import OneMsg

/// `GET/POST /callingSettings` ↔ the number's calling settings (`/{phone-number-id}/settings`), and
/// `POST /initiateCall` → a call action on `/{phone-number-id}/calls`. Pure.
public enum CallingTranslation {
    /// The settings Meta takes, each with its allowed values (`nil`: an object passed on as given).
    static let settings: [(name: String, values: [String]?)] = [
        ("status", ["ENABLED", "DISABLED"]), ("call_icon_visibility", ["DEFAULT", "DISABLE_ALL"]),
        ("callback_permission_status", ["ENABLED", "DISABLED"]), ("srtp_key_exchange_protocol", ["DTLS", "SDES"]),
        ("call_hours", nil), ("sip", nil), ("video", nil), ("audio", nil),
    ]
    /// What `GET` answers but Meta does not take back; a client that posts a read object back loses nothing.
    static let readOnly: Set = ["restrictions", "ip_addresses", "call_icons"]
    /// The call actions: `connect` starts a call to `to`; the others act on the call `call_id`.
    static let actions = ["connect", "pre_accept", "accept", "reject", "terminate"]

    /// `GET`: 1MSG's `{calling: {…}}` from Meta's settings (the storage and encryption settings stay out).
    public static func settingsReply(_ settings: CloudJSON) -> CloudJSON {
        ["calling": settings["calling"] ?? [:]]
    }

    /// `POST`: Meta's `{calling: {…}}` from 1MSG's `{calling: {…}}`, or from the same settings at the top level (where
    /// other names are ignored, as every 1MSG operation ignores fields it does not know). Inside `calling` an unknown
    /// name is a 400. Values are matched without letter case and sent in Meta's upper case; the read-only members a
    /// `GET` answers are dropped, so a client may post back what it read.
    public static func settingsUpdate(_ fields: RequestFields) throws(ValidationError) -> CloudJSON {
        var reader = FieldReader(fields)
        let nested = reader.object(reader.structure("calling"), at: "calling")
        let prefix = nested == nil ? "" : "calling."
        let known = Set(settings.map(\.name))
        let given = nested ?? fields.values.filter { known.contains($0.key) }
        var calling: [String: CloudJSON] = [:]
        for (name, value) in given.sorted(by: { $0.key < $1.key }) where !readOnly.contains(name) {
            guard let setting = settings.first(where: { $0.name == name }) else {
                reader.report(
                    "\(prefix)\(name)", "is not a calling setting (known: \(settings.map(\.name).joined(separator: ", ")))")
                continue
            }
            if let values = setting.values {
                if let choice = reader.choice(value, at: "\(prefix)\(name)", required: true, from: values) {
                    calling[name] = .string(choice)
                }
            } else if let object = reader.object(value, at: "\(prefix)\(name)", required: true) {
                calling[name] = .object(object)
            }
        }
        if calling.isEmpty, reader.problems.isEmpty {
            reader.report("calling", "is required: at least one of \(settings.map(\.name).joined(separator: ", "))")
        }
        try reader.throwIfProblems()
        return ["calling": .object(calling)]
    }

    /// `POST /initiateCall` → Meta's call action. `connect` starts a call to `to` with an SDP offer;
    /// `pre_accept` and `accept` answer call `call_id` with an SDP answer; `reject` and `terminate` end it.
    public static func callAction(_ fields: RequestFields) throws(ValidationError) -> CloudJSON {
        var reader = FieldReader(fields)
        if let product = reader.text("messaging_product"), product != "whatsapp" {
            reader.report("messaging_product", "must be whatsapp (got \"\(product)\")")
        }
        let action = reader.choice(fields["action"], at: "action", required: true, from: actions)
        let isNewCall = action == "connect"
        // Every field given is checked, also where the action does not use it; only what the action needs is sent.
        let to = reader.phoneText(fields["to"], at: "to", required: isNewCall)
        if let digits = to, digits.wholeMatch(of: /[0-9]{7,15}/) == nil {
            reader.report("to", "must be the user's number of 7 to 15 digits, country code first (got \"\(digits)\")")
        }
        let callID = reader.text(fields["call_id"], at: "call_id", required: action != nil && !isNewCall, maxLength: 256)
        let needsSession = action.map { ["connect", "pre_accept", "accept"].contains($0) } ?? false
        var session: CloudJSON?
        if let given = reader.object(reader.structure("session"), at: "session", required: needsSession) {
            let allowed = needsSession ? [isNewCall ? "offer" : "answer"] : ["offer", "answer"]
            let type = reader.choice(given["sdp_type"], at: "session.sdp_type", required: true, from: allowed)
            let sdp = reader.text(given["sdp"], at: "session.sdp", required: true)
            session = .members(["sdp_type": .text(type), "sdp": .text(sdp)])
        }
        let callback = reader.text("biz_opaque_callback_data", maxLength: 512)
        try reader.throwIfProblems()
        return .members([
            "messaging_product": "whatsapp", "to": isNewCall ? .text(to) : nil, "call_id": isNewCall ? nil : .text(callID),
            "action": .text(action), "session": needsSession ? session : nil, "biz_opaque_callback_data": .text(callback),
        ])
    }

    /// Meta's answer to a call action as 1MSG passes it on, with `success: true` (a new call's id is in `calls`).
    public static func callReply(_ answer: CloudJSON) -> CloudJSON {
        guard case .object(var members) = answer else { return ["success": true] }
        members["success"] = members["success"] ?? true
        return .object(members)
    }
}
