import Cloud
import Foundation
import OneMsg

/// Cloud API answers → 1MSG send replies. Pure.
///
/// Refusals keep 1MSG's shape (HTTP 200, `sent: false`) with `message` = "<Meta code>: <what to do>" and
/// `code` = Meta's code. The text never contains Meta's raw body, only its code, its short `details`, and
/// our advice. Failures on the way to Meta (unreachable, timeout) have no Meta code and carry no `code`.
public enum ReplyTranslation {
    /// The reply for the outcome of one send.
    public static func sendReply(
        _ outcome: Result<CloudSendResponse, CloudCallFailure>,
        recipient: Recipient
    ) -> SendReply {
        switch outcome {
        case .success(let response):
            guard let id = response.messages.first?.id else {
                return notSent(
                    "Meta accepted the request but returned no message id; the message may or may not be delivered",
                    description: "Outcome unknown")
            }
            return .accepted(id: id, recipient: recipient)
        case .failure(let failure):
            return failureReply(failure)
        }
    }

    /// The reply for a failed call.
    public static func failureReply(_ failure: CloudCallFailure) -> SendReply {
        switch failure {
        case .refused(let status, let error) where SendFailureKind(failure) == .outcomeUnknown:
            return notSent(
                "\(error.code): Meta answered HTTP \(status) (\(advice(for: error))); the message may or may not have been sent. Check the chat before retrying",
                description: "Outcome unknown", code: error.code)
        case .refused(_, let error):
            return notSent(
                "\(error.code): \(advice(for: error))", description: "Message was not sent: the provider refused it", code: error.code)
        case .unexpectedResponse(let status):
            return notSent(
                "Meta answered HTTP \(status) with an unreadable body; the message may or may not have been sent. Check the chat before retrying",
                description: "Outcome unknown")
        case .unreachable(let reason):
            return notSent(
                "The WhatsApp Cloud API could not be reached (\(reason)); nothing was sent. Retry later",
                description: "Message was not sent")
        case .timedOut(let seconds):
            return notSent(
                "No answer from the WhatsApp Cloud API within \(formatted(seconds)) s; the outcome is unknown. Check the chat before retrying to avoid a duplicate",
                description: "Outcome unknown")
        case .interrupted(let reason):
            return notSent(
                "The connection to the WhatsApp Cloud API broke after the request was sent (\(reason)); the outcome is unknown. Check the chat before retrying",
                description: "Outcome unknown")
        }
    }

    /// The `error` text of a failed call that is not a send: Meta's code and advice, or what happened on
    /// the way. `changes` says whether the call would have changed something at Meta (then a call without
    /// an answer may or may not have done so).
    public static func operationFailure(_ failure: CloudCallFailure, changes: Bool) -> String {
        let unknown = changes ? "; the change may or may not have been made, so check before retrying" : "; retry later"
        switch failure {
        case .refused(_, let error):
            return "\(error.code): \(advice(for: error))"
        case .unexpectedResponse(let status):
            return "Meta answered HTTP \(status) with an unreadable body\(unknown)"
        case .unreachable(let reason):
            return "The WhatsApp Cloud API could not be reached (\(reason)); nothing was asked of Meta. Retry later"
        case .timedOut(let seconds):
            return "No answer from the WhatsApp Cloud API within \(formatted(seconds)) s\(unknown)"
        case .interrupted(let reason):
            return "The connection to the WhatsApp Cloud API broke before its answer (\(reason))\(unknown)"
        }
    }

    /// What a person should do about a Meta error code.
    public static func advice(for error: CloudError) -> String {
        let details = error.details.map { ": \($0)" } ?? ""
        switch error.code {
        case 131047:
            return "More than 24 hours have passed since the customer last wrote (re-engagement required); send a template with sendTemplate instead"
        case 131026:
            return
                "Message undeliverable: the number may not be on WhatsApp, may not have accepted the latest terms, may use an outdated app, or has blocked this business"
        case 190:
            return "The channel's Meta access token has expired or is invalid; issue a new system-user token and store it on the channel"
        case 130429:
            return "Rate limited: this number reached its Cloud API throughput (messages per second); retry with backoff"
        case 131056:
            return "Rate limited: too many messages to this recipient in a short time (pair rate limit); wait before sending to them again"
        case 4, 80007, 613:
            return "Rate limited: the Graph API call limit was reached; retry later"
        case 100:
            return "Invalid parameter\(details.isEmpty ? " (Meta named no parameter)" : details)"
        case 131008:
            return "A required parameter is missing\(details)"
        case 131009:
            return "A parameter value is invalid\(details)"
        case 131030:
            return "The recipient is not in the allowed list of this test number; add it in the Meta app dashboard"
        case 131021:
            return "The recipient is the sending business number itself"
        case 131051:
            return "Unsupported message type"
        case 131048:
            return "Spam rate limit: this number is restricted because of low quality; slow down and improve message quality"
        case 131049:
            return "Not delivered to maintain healthy ecosystem engagement; wait at least 24 hours before another marketing message"
        case 131050:
            return "The user stopped marketing messages from this business"
        case 130472:
            return "User's number is part of an experiment"
        case 132000:
            return "The number of template parameters does not match the template's variables"
        case 132001:
            return "The template does not exist in this language or is not approved"
        case 132015, 132016:
            return "The template is paused or disabled because of low quality"
        case 10, 200...299:
            return "Permission denied: the access token lacks whatsapp_business_messaging permission for this number"
        case 33:
            return "The channel's phone_number_id does not exist or the token cannot use it; check the channel configuration"
        case 368:
            return "The account is temporarily blocked for policy violations"
        case 131031:
            return "The business account is locked"
        case 130497:
            return
                "The business account is restricted from messaging users in this country; WhatsApp's Business Messaging Policy lists the countries allowed for the business's category. Retrying will not help"
        case 131037:
            return
                "The business number needs an approved display name before it can send; set the display name in WhatsApp Manager and wait for Meta's approval"
        case 131062:
            return
                "This message cannot be sent to a business-scoped user id (BSUID), e.g. an authentication template; send it to the customer's phone number (phone, or chatId <digits>@c.us) instead"
        case 131063:
            return
                "Marketing templates are disabled on the Cloud API for this business account; check the account's marketing messages status in WhatsApp Manager (utility and authentication templates are not affected)"
        case 131064:
            return
                "Messaging limit reached because templates were put in the wrong category (template classification violations); templates and other messages are blocked until Meta lifts the limit. Correct the template categories in WhatsApp Manager; retrying sooner will not help"
        case 137000:
            return
                "The customer's identity key no longer matches the hash given with the message (a new phone or a reinstall of WhatsApp); confirm who the customer is, then send again with the current hash or without it"
        case 2, 131000, 131016, 131057, 1:
            return "Temporary problem at Meta\(details); retry with backoff"
        default:
            // Flows and Groups errors often explain themselves only in `error_user_msg`: it follows Meta's title.
            let explained = [Self.title(error.message), error.errorUserMessage].compactMap { $0 }.joined(separator: ": ")
            let title = error.details ?? (explained.isEmpty ? "Meta refused the request" : explained)
            let retry = error.isTransient == true ? "; retry with backoff" : ""
            return title + retry
        }
    }

    /// Meta's messages look like "(#131030) Recipient phone number not in allowed list": drop the prefix.
    static func title(_ message: String?) -> String? {
        guard var message, !message.isEmpty else { return nil }
        if message.hasPrefix("(#"), let close = message.firstIndex(of: ")") {
            message = String(message[message.index(after: close)...]).trimmingCharacters(in: .whitespaces)
        }
        return message.isEmpty ? nil : message
    }

    static func notSent(_ message: String, description: String, code: Int? = nil) -> SendReply {
        SendReply(sent: false, id: nil, message: message, description: description, code: code)
    }

    static func formatted(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
