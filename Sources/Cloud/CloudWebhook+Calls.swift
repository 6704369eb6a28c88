extension CloudWebhookPayload {
    /// One item of `value.calls[]` (field `calls`): a call is offered (`connect`) or ended (`terminate`).
    /// The status of a business-initiated call (`RINGING`, `ACCEPTED`, `REJECTED`) comes in `value.statuses[]`
    /// with `type: "call"` instead.
    ///
    /// Only what the bridge routes by is typed; the item is pushed to clients as Meta sent it.
    public struct Call: Codable, Sendable, Hashable {
        /// The call id (`wacid.…`).
        public var id: String
        /// The caller's number (the business's for a business-initiated call).
        public var from: String?
        /// The callee's number.
        public var to: String?
        /// `connect` or `terminate`.
        public var event: String?
        /// `USER_INITIATED` or `BUSINESS_INITIATED`.
        public var direction: String?
        /// Unix seconds, as text.
        public var timestamp: String?
        /// Terminate only: `COMPLETED` or `FAILED`.
        public var status: String?

        /// A call event.
        public init(
            id: String, from: String?, to: String?, event: String?, direction: String? = nil, timestamp: String? = nil,
            status: String? = nil
        ) {
            self.id = id
            self.from = from
            self.to = to
            self.event = event
            self.direction = direction
            self.timestamp = timestamp
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case id, from, to, event, direction, timestamp, status
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard let id = container.decodeLenientString(forKey: .id) else {
                throw DecodingError.keyNotFound(CodingKeys.id, .init(codingPath: decoder.codingPath, debugDescription: "no call id"))
            }
            self.id = id
            from = container.decodeLenientString(forKey: .from)
            to = container.decodeLenientString(forKey: .to)
            event = container.decodeLenientString(forKey: .event)
            direction = container.decodeLenientString(forKey: .direction)
            timestamp = container.decodeLenientString(forKey: .timestamp)
            status = container.decodeLenientString(forKey: .status)
        }

        /// The customer on the call: the callee of a business-initiated call, the caller otherwise.
        public var customer: String? {
            direction?.uppercased() == "BUSINESS_INITIATED" ? to : from
        }
    }
}
