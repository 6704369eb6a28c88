import Cloud
import OneMsg

/// `GET /mmLiteStatus` ← the business account's Marketing Messages onboarding status
/// (`GET /{waba-id}?fields=marketing_messages_onboarding_status`). Only `ONBOARDED` makes `useMMlite` sends
/// available; any other value is reported as Meta spells it, so a new state is seen, not hidden.
public enum MarketingStatusTranslation {
    public static func reply(_ account: CloudBusinessAccount) -> MarketingMessagesStatusReply {
        let status = account.marketingMessagesOnboardingStatus?.uppercased() ?? "NOT_STARTED"
        switch status {
        case "ONBOARDED":
            return .init(available: true, status: status, message: "Marketing Messages are available: sendTemplate with useMMlite")
        case "NOT_STARTED":
            return .init(
                available: false, status: status,
                message: "The business account is not onboarded to Marketing Messages; onboard it in WhatsApp Manager")
        default:
            return .init(
                available: false, status: status,
                message: "Marketing Messages onboarding is not finished (\(status)); see WhatsApp Manager")
        }
    }
}
