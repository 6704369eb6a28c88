extension CloudWebhookPayload {
    /// One item of `value.groups[]`: a group was created or deleted, its participants or its settings changed
    /// (fields `group_lifecycle_update`, `group_participants_update` — also spelled `group_participant_update` —
    /// and `group_settings_update`).
    ///
    /// Only what the bridge routes by is typed; the item is pushed to clients as Meta sent it.
    public struct GroupEvent: Codable, Sendable, Hashable {
        /// A member of `added_participants[]` / `removed_participants[]`.
        public struct Participant: Codable, Sendable, Hashable {
            /// What the request named the participant by.
            public var input: String?
            /// The participant's WhatsApp id.
            public var waID: String?

            /// A participant.
            public init(input: String?, waID: String?) {
                self.input = input
                self.waID = waID
            }

            enum CodingKeys: String, CodingKey {
                case input
                case waID = "wa_id"
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                input = container.decodeLenientString(forKey: .input)
                waID = container.decodeLenientString(forKey: .waID)
            }
        }

        /// The group the event is about (for a create: the new group's id).
        public var groupID: String
        /// `group_create`, `group_delete`, `group_settings_update`, `group_add_participants`, `group_remove_participants`, …
        public var type: String?
        /// The id of the API request that caused the event (a create answers it before the group exists).
        public var requestID: String?
        /// Unix seconds, as text.
        public var timestamp: String?
        /// The group's name (creates, settings updates).
        public var subject: String?
        /// The group's description (creates, settings updates).
        public var description: String?
        /// Who joined or was added.
        public var addedParticipants: [Participant]?
        /// Who left or was removed.
        public var removedParticipants: [Participant]?

        /// A group event.
        public init(
            groupID: String, type: String?, requestID: String? = nil, timestamp: String? = nil, subject: String? = nil,
            description: String? = nil, addedParticipants: [Participant]? = nil, removedParticipants: [Participant]? = nil
        ) {
            self.groupID = groupID
            self.type = type
            self.requestID = requestID
            self.timestamp = timestamp
            self.subject = subject
            self.description = description
            self.addedParticipants = addedParticipants
            self.removedParticipants = removedParticipants
        }

        enum CodingKeys: String, CodingKey {
            case type, timestamp, subject, description
            case groupID = "group_id"
            case requestID = "request_id"
            case addedParticipants = "added_participants"
            case removedParticipants = "removed_participants"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard let groupID = container.decodeLenientString(forKey: .groupID) else {
                throw DecodingError.keyNotFound(CodingKeys.groupID, .init(codingPath: decoder.codingPath, debugDescription: "no group_id"))
            }
            self.groupID = groupID
            type = container.decodeLenientString(forKey: .type)
            requestID = container.decodeLenientString(forKey: .requestID)
            timestamp = container.decodeLenientString(forKey: .timestamp)
            subject = container.decodeLenientString(forKey: .subject)
            description = container.decodeLenientString(forKey: .description)
            addedParticipants = container.decodeLossyArray(Participant.self, forKey: .addedParticipants)
            removedParticipants = container.decodeLossyArray(Participant.self, forKey: .removedParticipants)
        }
    }
}
