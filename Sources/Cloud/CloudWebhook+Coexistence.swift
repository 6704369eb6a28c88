extension CloudWebhookPayload {
    /// One item of `value.history[]` (field `history`): a chunk of a Business App number's older chats, or the
    /// business's refusal to share them (`errors`, code 2593109).
    public struct HistoryChunk: Codable, Sendable, Hashable {
        /// `metadata`: where the chunk lies in the synchronisation.
        public struct Progress: Codable, Sendable, Hashable {
            /// 0 (day 0–1), 1 (day 1–90) or 2 (day 90–180).
            public var phase: Int?
            public var chunkOrder: Int?
            /// Percent of the whole synchronisation; 100 when it is complete.
            public var progress: Int?

            public init(phase: Int?, chunkOrder: Int?, progress: Int?) {
                self.phase = phase
                self.chunkOrder = chunkOrder
                self.progress = progress
            }

            enum CodingKeys: String, CodingKey {
                case phase, progress
                case chunkOrder = "chunk_order"
            }
        }

        /// One chat: the customer's number and its messages, oldest first.
        public struct Thread: Codable, Sendable, Hashable {
            /// The customer's number.
            public var id: String
            /// Messages in either direction: `from` is the customer's number or the business's.
            public var messages: [InboundMessage]

            public init(id: String, messages: [InboundMessage]) {
                self.id = id
                self.messages = messages
            }

            enum CodingKeys: String, CodingKey {
                case id, messages
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                id = container.decodeLenientString(forKey: .id) ?? ""
                messages = container.decodeLossyArray(InboundMessage.self, forKey: .messages) ?? []
            }
        }

        /// The chunk's place in the synchronisation.
        public var metadata: Progress?
        /// The chats of the chunk.
        public var threads: [Thread]?
        /// Why there is no history (the business declined to share it).
        public var errors: [StatusError]?

        public init(metadata: Progress?, threads: [Thread]?, errors: [StatusError]? = nil) {
            self.metadata = metadata
            self.threads = threads
            self.errors = errors
        }

        enum CodingKeys: String, CodingKey {
            case metadata, threads, errors
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            metadata = try? container.decodeIfPresent(Progress.self, forKey: .metadata)
            threads = container.decodeLossyArray(Thread.self, forKey: .threads)
            errors = container.decodeLossyArray(StatusError.self, forKey: .errors)
        }
    }

    /// One item of `value.state_sync[]` (field `smb_app_state_sync`): a contact added (or edited) in, or removed
    /// from, the Business App's address book.
    public struct StateSyncItem: Codable, Sendable, Hashable {
        /// The `contact` object; the names are absent on a removal.
        public struct SyncedContact: Codable, Sendable, Hashable {
            /// The name in the address book.
            public var fullName: String?
            /// The first name in the address book.
            public var firstName: String?
            /// The contact's WhatsApp number.
            public var phoneNumber: String?

            public init(fullName: String?, firstName: String?, phoneNumber: String?) {
                self.fullName = fullName
                self.firstName = firstName
                self.phoneNumber = phoneNumber
            }

            enum CodingKeys: String, CodingKey {
                case fullName = "full_name"
                case firstName = "first_name"
                case phoneNumber = "phone_number"
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                fullName = container.decodeLenientString(forKey: .fullName)
                firstName = container.decodeLenientString(forKey: .firstName)
                phoneNumber = container.decodeLenientString(forKey: .phoneNumber)
            }
        }

        /// `metadata`: when the change happened.
        public struct Timing: Codable, Sendable, Hashable {
            /// Unix seconds, as text.
            public var timestamp: String?

            public init(timestamp: String?) {
                self.timestamp = timestamp
            }

            public init(from decoder: any Decoder) throws {
                timestamp = try decoder.container(keyedBy: JSONKey.self).decodeLenientString(forKey: JSONKey("timestamp"))
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONKey.self)
                try container.encodeIfPresent(timestamp, forKey: JSONKey("timestamp"))
            }
        }

        /// `contact`.
        public var type: String?
        /// The contact the change is about.
        public var contact: SyncedContact?
        /// `add` (added or edited) or `remove`.
        public var action: String?
        /// When the change happened.
        public var metadata: Timing?

        public init(type: String?, contact: SyncedContact?, action: String?, metadata: Timing?) {
            self.type = type
            self.contact = contact
            self.action = action
            self.metadata = metadata
        }
    }

    /// One item of `value.user_id_update[]` (field `user_id_update`): a user's business-scoped id changed.
    public struct UserIDUpdate: Codable, Sendable, Hashable {
        /// `user_id`: the old and the new business-scoped id.
        public struct Change: Codable, Sendable, Hashable {
            /// The id the user had.
            public var previous: String?
            /// The id the user has now.
            public var current: String?

            public init(previous: String?, current: String?) {
                self.previous = previous
                self.current = current
            }
        }

        /// The user's WhatsApp id.
        public var waID: String?
        /// The old and the new id.
        public var userID: Change?
        /// Meta's sentence about the change.
        public var detail: String?
        /// Unix seconds, as text.
        public var timestamp: String?

        public init(waID: String?, userID: Change?, detail: String? = nil, timestamp: String? = nil) {
            self.waID = waID
            self.userID = userID
            self.detail = detail
            self.timestamp = timestamp
        }

        enum CodingKeys: String, CodingKey {
            case detail, timestamp
            case waID = "wa_id"
            case userID = "user_id"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            waID = container.decodeLenientString(forKey: .waID)
            userID = try? container.decodeIfPresent(Change.self, forKey: .userID)
            detail = container.decodeLenientString(forKey: .detail)
            timestamp = container.decodeLenientString(forKey: .timestamp)
        }
    }
}
