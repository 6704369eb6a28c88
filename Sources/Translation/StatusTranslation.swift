import Cloud
import OneMsg

/// `GET /status` ← the phone number's state on Meta (`GET /{phone-number-id}`).
///
/// | Meta `status` | 1MSG `status` |
/// |---|---|
/// | CONNECTED, LINKED, FLAGGED, WARNED, RATE_LIMITED, RESTRICTED | connected |
/// | MIGRATED | connecting |
/// | PENDING, or no status while the number is not verified | uninitialized |
/// | UNLINKED, DISCONNECTED, or Meta cannot be reached | disconnected |
/// | DELETED, BANNED, UNVERIFIED, or Meta does not know the number | unregistered |
///
/// Any other value is `disconnected` with Meta's value in `accountStatus`, so a new state is seen, not hidden.
public enum StatusTranslation {
    static let states: [String: String] = [
        "CONNECTED": "connected", "LINKED": "connected", "FLAGGED": "connected", "WARNED": "connected",
        "RATE_LIMITED": "connected", "RESTRICTED": "connected",
        "MIGRATED": "connecting",
        "PENDING": "uninitialized",
        "UNLINKED": "disconnected", "DISCONNECTED": "disconnected",
        "DELETED": "unregistered", "BANNED": "unregistered", "UNVERIFIED": "unregistered",
    ]

    static let reasons: [String: String] = [
        "connecting": "Meta is migrating the number; sends resume when it is done",
        "uninitialized": "the number's registration with the Cloud API is not finished; register it in WhatsApp Manager",
        "disconnected": "the number is not connected to the Cloud API; check it in WhatsApp Manager",
        "unregistered": "the number is not registered (deleted, banned or unverified); see WhatsApp Manager",
    ]

    /// The status of a number Meta answered for.
    public static func status(_ number: CloudPhoneNumber) -> StatusReply {
        let metaStatus = number.status?.uppercased()
        let status: String
        if let metaStatus {
            status = states[metaStatus] ?? "disconnected"
        } else if let verification = number.codeVerificationStatus?.uppercased(), verification != "VERIFIED" {
            status = "uninitialized"
        } else {
            // Meta leaves `status` out for numbers in good standing on some API versions.
            status = "connected"
        }
        var reason = reasons[status]
        if let metaStatus, states[metaStatus] == nil {
            reason = "Meta reports the number as \(metaStatus), a state the bridge does not know"
        }
        return StatusReply(
            status: status, accountStatus: metaStatus ?? "UNKNOWN", qualityRating: number.qualityRating, reason: reason)
    }

    /// The status when Meta could not be asked or refused: `unregistered` when Meta does not know the
    /// number, else `disconnected`; `reason` says what went wrong.
    public static func status(after failure: CloudCallFailure) -> StatusReply {
        let reason = ReplyTranslation.operationFailure(failure, changes: false)
        if case .refused(let httpStatus, let error) = failure,
            httpStatus == 404 || (error.code == 100 && error.message?.contains("does not exist") == true)
        {
            return StatusReply(status: "unregistered", accountStatus: "UNKNOWN", reason: reason)
        }
        return StatusReply(status: "disconnected", accountStatus: "UNKNOWN", reason: reason)
    }
}
