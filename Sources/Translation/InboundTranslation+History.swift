import Cloud
import OneMsg

extension InboundTranslation {
    /// The messages of a `history` change (a Business App number's chats from before it joined the Cloud API), for
    /// the history only: each thread's messages in order, then the media follow-ups Meta sends in `messages` under
    /// the wamid of an earlier `media_placeholder`.
    static func history(from value: CloudWebhookPayload.Value, mediaURL: (InboundMedia) -> String) -> [MessageEvent] {
        let contacts = value.contacts ?? []
        var events: [MessageEvent] = []
        for thread in (value.history ?? []).flatMap({ $0.threads ?? [] }) {
            for message in thread.messages {
                events.append(historyMessage(message, customer: nonEmpty(thread.id), contacts: contacts, mediaURL: mediaURL))
            }
        }
        for message in value.messages ?? [] {
            events.append(historyMessage(message, customer: nil, contacts: contacts, mediaURL: mediaURL))
        }
        return events
    }

    /// One older message: from the customer when `from` is the thread's customer, else sent by the business (to
    /// the customer named by `to` or by the thread). Meta's `history_context` (the last delivery status) goes to `meta`.
    static func historyMessage(
        _ message: CloudWebhookPayload.InboundMessage, customer thread: String?, contacts: [CloudWebhookPayload.Contact],
        mediaURL: (InboundMedia) -> String
    ) -> MessageEvent {
        let customer = nonEmpty(message.to) ?? thread
        var event: MessageEvent
        if let customer, message.from != customer {
            var sent = message
            sent.to = customer
            event = echo(sent, contacts: contacts, mediaURL: mediaURL)
        } else {
            event = inbound(message, contacts: contacts, mediaURL: mediaURL)
        }
        if let context = message.extra["history_context"] {
            event.meta = (event.meta ?? [:]).merging(["history_context": context]) { _, new in new }
        }
        return event
    }
}
