import OneMsg

/// `sendTemplate`'s Marketing Messages fields (formerly MM Lite): `useMMlite` sends the template through
/// `/{phone-number-id}/marketing_messages`; `messageActivitySharing` becomes `message_activity_sharing` there;
/// `messageSendTtlSeconds` is checked against the ranges Meta allows.
struct MarketingOptions {
    /// Meta's time-to-live range for marketing templates sent as Marketing Messages.
    static let marketingTTL = 43_200...2_592_000
    /// Meta's time-to-live range for authentication (30–900) and utility (30–43200) templates; both also take −1.
    static let otherTTL = 30...43_200

    var useMMLite = false
    /// `nil` unless it is a Marketing Messages send that sets it.
    var activitySharing: Bool?

    init(reading reader: inout FieldReader, notes: inout [String]) {
        useMMLite = reader.bool("useMMlite") ?? false
        let sharing = reader.bool("messageActivitySharing")
        if useMMLite {
            activitySharing = sharing
        } else if sharing != nil {
            notes.append("messageActivitySharing ignored: only Marketing Messages sends (useMMlite) take it")
        }
        guard let ttl = reader.integer(reader.fields["messageSendTtlSeconds"], at: "messageSendTtlSeconds", in: Int.min...Int.max)
        else { return }
        // The template's category is not known here, so the check is the union of the ranges that can apply.
        if useMMLite, !Self.marketingTTL.contains(ttl) {
            reader.report(
                "messageSendTtlSeconds",
                "must be between 43200 and 2592000 for a Marketing Messages send (useMMlite) (got \(ttl))")
        } else if !useMMLite, ttl != -1, !Self.otherTTL.contains(ttl) {
            reader.report(
                "messageSendTtlSeconds",
                "must be -1 or between 30 and 43200 (authentication and utility templates; a marketing template takes "
                    + "one only with useMMlite) (got \(ttl))")
        } else {
            // Meta's send bodies have no time-to-live field: it is the template's message_send_ttl_seconds.
            notes.append("messageSendTtlSeconds not sent: Meta takes the time-to-live from the template")
        }
    }
}
