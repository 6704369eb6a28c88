import JSONValue

/// The body Meta POSTs to a webhook callback (`object: whatsapp_business_account`).
///
/// Only the parts the bridge routes and translates are typed; unknown keys are ignored when decoding.
/// Decoding is lenient below the envelope: an array element that cannot be read is skipped, and an
/// inbound message of an unknown type (or with odd members) still decodes, so one strange event never
/// makes Meta's whole batch unreadable.
public struct CloudWebhookPayload: Codable, Sendable, Hashable {
    public var object: String
    public var entry: [Entry]

    public init(object: String = "whatsapp_business_account", entry: [Entry]) {
        self.object = object
        self.entry = entry
    }

    /// One WABA's batch of changes.
    public struct Entry: Codable, Sendable, Hashable {
        public var id: String
        public var changes: [Change]

        public init(id: String, changes: [Change]) {
            self.id = id
            self.changes = changes
        }

        enum CodingKeys: String, CodingKey {
            case id, changes
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = container.decodeLenientString(forKey: .id) ?? ""
            // A change without a `field` must not make the whole delivery unreadable (Meta would retry it for days).
            changes = container.decodeLossyArray(Change.self, forKey: .changes) ?? []
        }
    }

    /// One change: `field` names what changed (`messages`, `smb_message_echoes`, …).
    public struct Change: Codable, Sendable, Hashable {
        public var field: String
        public var value: Value

        public init(field: String, value: Value) {
            self.field = field
            self.value = value
        }
    }

    /// The value of a `messages` (or `smb_message_echoes`) change.
    public struct Value: Codable, Sendable, Hashable {
        public var messagingProduct: String?
        public var metadata: Metadata?
        /// Profiles of the users the messages come from; absent on number-change `system` messages.
        public var contacts: [Contact]?
        /// Inbound messages from users (field `messages`).
        public var messages: [InboundMessage]?
        /// Messages the business sent from the WhatsApp Business app (field `smb_message_echoes`).
        public var messageEchoes: [InboundMessage]?
        /// Lifecycle of outbound messages (field `messages`).
        public var statuses: [Status]?
        /// Errors about the change as a whole.
        public var errors: [StatusError]?
        /// Group lifecycle, participant and settings events (fields `group_lifecycle_update`, `group_participants_update`,
        /// `group_settings_update`).
        public var groups: [GroupEvent]?
        /// Call connect and terminate events (field `calls`; its call statuses come in `statuses`).
        public var calls: [Call]?
        /// Older chats of a Business App number (field `history`).
        public var history: [HistoryChunk]?
        /// Contacts added to or removed from the Business App (field `smb_app_state_sync`).
        public var stateSync: [StateSyncItem]?
        /// Users whose business-scoped id changed (field `user_id_update`).
        public var userIDUpdates: [UserIDUpdate]?

        public init(
            metadata: Metadata,
            contacts: [Contact]? = nil,
            messages: [InboundMessage]? = nil,
            messageEchoes: [InboundMessage]? = nil,
            statuses: [Status]? = nil,
            errors: [StatusError]? = nil,
            groups: [GroupEvent]? = nil,
            calls: [Call]? = nil,
            history: [HistoryChunk]? = nil,
            stateSync: [StateSyncItem]? = nil,
            userIDUpdates: [UserIDUpdate]? = nil
        ) {
            self.messagingProduct = "whatsapp"
            self.metadata = metadata
            self.contacts = contacts
            self.messages = messages
            self.messageEchoes = messageEchoes
            self.statuses = statuses
            self.errors = errors
            self.groups = groups
            self.calls = calls
            self.history = history
            self.stateSync = stateSync
            self.userIDUpdates = userIDUpdates
        }

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case messageEchoes = "message_echoes"
            case stateSync = "state_sync"
            case userIDUpdates = "user_id_update"
            case metadata, contacts, messages, statuses, errors, groups, calls, history
        }

        public init(from decoder: any Decoder) throws {
            // A value that is not an object (a field the bridge does not know) reads as an empty value.
            guard let container = try? decoder.container(keyedBy: CodingKeys.self) else { return }
            messagingProduct = try? container.decodeIfPresent(String.self, forKey: .messagingProduct)
            metadata = try? container.decodeIfPresent(Metadata.self, forKey: .metadata)
            contacts = container.decodeLossyArray(Contact.self, forKey: .contacts)
            messages = container.decodeLossyArray(InboundMessage.self, forKey: .messages)
            messageEchoes = container.decodeLossyArray(InboundMessage.self, forKey: .messageEchoes)
            statuses = container.decodeLossyArray(Status.self, forKey: .statuses)
            errors = container.decodeLossyArray(StatusError.self, forKey: .errors)
            groups = container.decodeLossyArray(GroupEvent.self, forKey: .groups)
            calls = container.decodeLossyArray(Call.self, forKey: .calls)
            history = container.decodeLossyArray(HistoryChunk.self, forKey: .history)
            stateSync = container.decodeLossyArray(StateSyncItem.self, forKey: .stateSync)
            userIDUpdates = container.decodeLossyArray(UserIDUpdate.self, forKey: .userIDUpdates)
        }
    }

    /// Which business number the change belongs to.
    public struct Metadata: Codable, Sendable, Hashable {
        public var displayPhoneNumber: String?
        public var phoneNumberID: String

        public init(displayPhoneNumber: String?, phoneNumberID: String) {
            self.displayPhoneNumber = displayPhoneNumber
            self.phoneNumberID = phoneNumberID
        }

        enum CodingKeys: String, CodingKey {
            case displayPhoneNumber = "display_phone_number"
            case phoneNumberID = "phone_number_id"
        }
    }

    /// A user's profile next to their messages: `{profile: {name}, wa_id}`.
    public struct Contact: Codable, Sendable, Hashable {
        /// What the user shows as their WhatsApp name.
        public struct Profile: Codable, Sendable, Hashable {
            public var name: String?
            public var username: String?

            public init(name: String?, username: String? = nil) {
                self.name = name
                self.username = username
            }
        }

        public var profile: Profile?
        public var waID: String?
        /// Business-scoped user id (`US.1349…`), newer Graph versions.
        public var userID: String?
        public var parentUserID: String?

        public init(profile: Profile?, waID: String?, userID: String? = nil, parentUserID: String? = nil) {
            self.profile = profile
            self.waID = waID
            self.userID = userID
            self.parentUserID = parentUserID
        }

        enum CodingKeys: String, CodingKey {
            case profile
            case waID = "wa_id"
            case userID = "user_id"
            case parentUserID = "parent_user_id"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            profile = try? container.decodeIfPresent(Profile.self, forKey: .profile)
            waID = container.decodeLenientString(forKey: .waID)
            userID = container.decodeLenientString(forKey: .userID)
            parentUserID = container.decodeLenientString(forKey: .parentUserID)
        }
    }

    /// The lifecycle of one outbound message: sent, delivered, read, failed, …
    public struct Status: Codable, Sendable, Hashable {
        public var id: String
        public var status: String
        public var timestamp: String
        public var recipientID: String?
        public var pricing: Pricing?
        public var errors: [StatusError]?
        public var conversation: Conversation?
        /// The `biz_opaque_callback_data` the send carried, echoed back.
        public var bizOpaqueCallbackData: String?
        /// `group` for group sends; absent (or `individual`) otherwise.
        public var recipientType: String?
        public var recipientParticipantID: String?
        public var groupID: String?
        /// The recipient's business-scoped user id (newer Graph versions); the only id of a customer without a
        /// visible number.
        public var recipientUserID: String?
        /// The recipient as Meta knows them (`user_id`, `profile.username`), when Meta adds it to the status.
        public var contacts: [Contact]?

        public init(
            id: String,
            status: String,
            timestamp: String,
            recipientID: String?,
            pricing: Pricing? = nil,
            errors: [StatusError]? = nil,
            conversation: Conversation? = nil,
            bizOpaqueCallbackData: String? = nil,
            recipientType: String? = nil,
            recipientParticipantID: String? = nil,
            groupID: String? = nil,
            recipientUserID: String? = nil,
            contacts: [Contact]? = nil
        ) {
            self.id = id
            self.status = status
            self.timestamp = timestamp
            self.recipientID = recipientID
            self.pricing = pricing
            self.errors = errors
            self.conversation = conversation
            self.bizOpaqueCallbackData = bizOpaqueCallbackData
            self.recipientType = recipientType
            self.recipientParticipantID = recipientParticipantID
            self.groupID = groupID
            self.recipientUserID = recipientUserID
            self.contacts = contacts
        }

        enum CodingKeys: String, CodingKey {
            case id, status, timestamp, pricing, errors, conversation
            case recipientID = "recipient_id"
            case bizOpaqueCallbackData = "biz_opaque_callback_data"
            case recipientType = "recipient_type"
            case recipientParticipantID = "recipient_participant_id"
            case groupID = "group_id"
            case recipientUserID = "recipient_user_id"
            case contacts
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            status = try container.decode(String.self, forKey: .status)
            timestamp = container.decodeLenientString(forKey: .timestamp) ?? ""
            recipientID = container.decodeLenientString(forKey: .recipientID)
            // Billing details are informative: an odd shape must not cost the status itself.
            pricing = try? container.decodeIfPresent(Pricing.self, forKey: .pricing)
            errors = container.decodeLossyArray(StatusError.self, forKey: .errors)
            conversation = try? container.decodeIfPresent(Conversation.self, forKey: .conversation)
            bizOpaqueCallbackData = try? container.decodeIfPresent(String.self, forKey: .bizOpaqueCallbackData)
            recipientType = try? container.decodeIfPresent(String.self, forKey: .recipientType)
            recipientParticipantID = container.decodeLenientString(forKey: .recipientParticipantID)
            groupID = container.decodeLenientString(forKey: .groupID)
            recipientUserID = container.decodeLenientString(forKey: .recipientUserID)
            contacts = container.decodeLossyArray(Contact.self, forKey: .contacts)
        }
    }

    /// The conversation (billing window) a status belongs to.
    public struct Conversation: Codable, Sendable, Hashable {
        /// What opened the conversation: `{type: "service" | "marketing" | …}`.
        public struct Origin: Codable, Sendable, Hashable {
            public var type: String?

            public init(type: String?) {
                self.type = type
            }
        }

        public var id: String?
        /// Unix seconds as a string; only on the first (`sent`) status.
        public var expirationTimestamp: String?
        public var origin: Origin?

        public init(id: String?, expirationTimestamp: String? = nil, origin: Origin? = nil) {
            self.id = id
            self.expirationTimestamp = expirationTimestamp
            self.origin = origin
        }

        enum CodingKeys: String, CodingKey {
            case id, origin
            case expirationTimestamp = "expiration_timestamp"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = container.decodeLenientString(forKey: .id)
            expirationTimestamp = container.decodeLenientString(forKey: .expirationTimestamp)
            origin = try? container.decodeIfPresent(Origin.self, forKey: .origin)
        }
    }

    /// Billing information attached to a status.
    public struct Pricing: Codable, Sendable, Hashable {
        public var billable: Bool?
        public var pricingModel: String?
        public var category: String?
        /// `regular`, `free_customer_service` or `free_entry_point` (v24+).
        public var type: String?

        public init(billable: Bool?, pricingModel: String?, category: String?, type: String? = nil) {
            self.billable = billable
            self.pricingModel = pricingModel
            self.category = category
            self.type = type
        }

        enum CodingKeys: String, CodingKey {
            case billable, category, type
            case pricingModel = "pricing_model"
        }
    }

    /// An error in a webhook: on a failed status, on an inbound message, or on the value as a whole.
    public struct StatusError: Codable, Sendable, Hashable {
        /// `error_data`: Meta's explanation for a person.
        public struct ErrorData: Codable, Sendable, Hashable {
            public var details: String?

            public init(details: String?) {
                self.details = details
            }
        }

        public var code: Int
        public var title: String?
        public var message: String?
        public var errorData: ErrorData?
        public var href: String?

        public init(code: Int, title: String?, message: String?, details: String? = nil, href: String? = nil) {
            self.code = code
            self.title = title
            self.message = message
            self.errorData = details.map { ErrorData(details: $0) }
            self.href = href
        }

        /// `error_data.details`, when Meta gave it.
        public var details: String? { errorData?.details }

        enum CodingKeys: String, CodingKey {
            case code, title, message, href
            case errorData = "error_data"
        }
    }

    /// The business numbers this payload concerns, in order of first appearance.
    public var phoneNumberIDs: [String] {
        var seen: Set<String> = []
        return entry.flatMap(\.changes).compactMap(\.value.metadata?.phoneNumberID).filter { seen.insert($0).inserted }
    }
}

// MARK: - Inbound messages

extension CloudWebhookPayload {
    /// One message in `value.messages[]` (from a user) or `value.message_echoes[]` (sent from the
    /// Business app, then `to` is the customer).
    ///
    /// `type` is kept as Meta sent it; the object named after it is typed when the bridge knows it.
    /// Members the bridge does not model, and known members whose shape was unexpected, are kept verbatim
    /// in `extra`, so decoding never fails on them and encoding gives them back.
    public struct InboundMessage: Codable, Sendable, Hashable {
        public var id: String
        /// The user's wa_id (for echoes: the business number).
        public var from: String?
        /// The user's business-scoped id, newer Graph versions (may come without `from`).
        public var fromUserID: String?
        /// Echoes only: the customer the business wrote to.
        public var to: String?
        /// Echoes only: the customer's business-scoped id (Meta's `to_user_id`), the only one when they hide their number.
        public var toUserID: String? { extra["to_user_id"]?.text }
        /// Group chats only.
        public var groupID: String?
        /// Unix seconds as a string.
        public var timestamp: String
        public var type: String
        public var context: Context?
        public var referral: Referral?
        public var errors: [StatusError]?
        public var text: Text?
        public var image: Media?
        public var video: Media?
        public var audio: Media?
        public var document: Media?
        public var sticker: Media?
        public var location: Location?
        public var contacts: [SharedContact]?
        public var interactive: Interactive?
        public var button: Button?
        public var reaction: Reaction?
        public var order: Order?
        public var system: System?
        /// Every other member, as Meta sent it (`unsupported`, `identity`, objects of future types, …).
        public var extra: [String: CloudJSON]

        public init(
            id: String,
            from: String?,
            timestamp: String,
            type: String,
            to: String? = nil,
            fromUserID: String? = nil,
            groupID: String? = nil,
            context: Context? = nil,
            referral: Referral? = nil,
            errors: [StatusError]? = nil,
            text: Text? = nil,
            image: Media? = nil,
            video: Media? = nil,
            audio: Media? = nil,
            document: Media? = nil,
            sticker: Media? = nil,
            location: Location? = nil,
            contacts: [SharedContact]? = nil,
            interactive: Interactive? = nil,
            button: Button? = nil,
            reaction: Reaction? = nil,
            order: Order? = nil,
            system: System? = nil,
            extra: [String: CloudJSON] = [:]
        ) {
            self.id = id
            self.from = from
            self.fromUserID = fromUserID
            self.to = to
            self.groupID = groupID
            self.timestamp = timestamp
            self.type = type
            self.context = context
            self.referral = referral
            self.errors = errors
            self.text = text
            self.image = image
            self.video = video
            self.audio = audio
            self.document = document
            self.sticker = sticker
            self.location = location
            self.contacts = contacts
            self.interactive = interactive
            self.button = button
            self.reaction = reaction
            self.order = order
            self.system = system
            self.extra = extra
        }

        /// `text` object.
        public struct Text: Codable, Sendable, Hashable {
            public var body: String

            public init(body: String) {
                self.body = body
            }
        }

        /// `image`, `video`, `audio`, `document` or `sticker` object: a Meta media id and its details.
        public struct Media: Codable, Sendable, Hashable {
            public var id: String
            public var mimeType: String?
            public var sha256: String?
            public var caption: String?
            /// Documents only.
            public var filename: String?
            /// Audio only: `true` for a recorded voice note.
            public var voice: Bool?
            /// Stickers only.
            public var animated: Bool?
            public var url: String?

            public init(
                id: String, mimeType: String?, sha256: String? = nil, caption: String? = nil,
                filename: String? = nil, voice: Bool? = nil, animated: Bool? = nil, url: String? = nil
            ) {
                self.id = id
                self.mimeType = mimeType
                self.sha256 = sha256
                self.caption = caption
                self.filename = filename
                self.voice = voice
                self.animated = animated
                self.url = url
            }

            enum CodingKeys: String, CodingKey {
                case id, sha256, caption, filename, voice, animated, url
                case mimeType = "mime_type"
            }
        }

        /// `location` object; a shared current location has only the coordinates.
        public struct Location: Codable, Sendable, Hashable {
            public var latitude: Double
            public var longitude: Double
            public var name: String?
            public var address: String?
            public var url: String?

            public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil, url: String? = nil) {
                self.latitude = latitude
                self.longitude = longitude
                self.name = name
                self.address = address
                self.url = url
            }
        }

        /// One shared contact card in `contacts[]`; every member is omitted when the user didn't share it.
        public struct SharedContact: Codable, Sendable, Hashable {
            /// `name` object.
            public struct Name: Codable, Sendable, Hashable {
                public var formattedName: String?
                public var firstName: String?
                public var lastName: String?
                public var middleName: String?
                public var suffix: String?
                public var prefix: String?

                public init(
                    formattedName: String?, firstName: String? = nil, lastName: String? = nil,
                    middleName: String? = nil, prefix: String? = nil, suffix: String? = nil
                ) {
                    self.formattedName = formattedName
                    self.firstName = firstName
                    self.lastName = lastName
                    self.middleName = middleName
                    self.suffix = suffix
                    self.prefix = prefix
                }

                enum CodingKeys: String, CodingKey {
                    case suffix, prefix
                    case formattedName = "formatted_name"
                    case firstName = "first_name"
                    case lastName = "last_name"
                    case middleName = "middle_name"
                }
            }

            /// `phones[]` item.
            public struct Phone: Codable, Sendable, Hashable {
                public var phone: String?
                public var waID: String?
                public var type: String?

                public init(phone: String?, waID: String? = nil, type: String? = nil) {
                    self.phone = phone
                    self.waID = waID
                    self.type = type
                }

                enum CodingKeys: String, CodingKey {
                    case phone, type
                    case waID = "wa_id"
                }
            }

            /// `emails[]` item.
            public struct Email: Codable, Sendable, Hashable {
                public var email: String?
                public var type: String?

                public init(email: String?, type: String? = nil) {
                    self.email = email
                    self.type = type
                }
            }

            /// `addresses[]` item.
            public struct Address: Codable, Sendable, Hashable {
                public var street: String?
                public var city: String?
                public var state: String?
                public var zip: String?
                public var country: String?
                public var countryCode: String?
                public var type: String?

                public init(
                    street: String?, city: String? = nil, state: String? = nil, zip: String? = nil,
                    country: String? = nil, countryCode: String? = nil, type: String? = nil
                ) {
                    self.street = street
                    self.city = city
                    self.state = state
                    self.zip = zip
                    self.country = country
                    self.countryCode = countryCode
                    self.type = type
                }

                enum CodingKeys: String, CodingKey {
                    case street, city, state, zip, country, type
                    case countryCode = "country_code"
                }
            }

            /// `org` object.
            public struct Org: Codable, Sendable, Hashable {
                public var company: String?
                public var department: String?
                public var title: String?

                public init(company: String?, department: String? = nil, title: String? = nil) {
                    self.company = company
                    self.department = department
                    self.title = title
                }
            }

            /// `urls[]` item.
            public struct Link: Codable, Sendable, Hashable {
                public var url: String?
                public var type: String?

                public init(url: String?, type: String? = nil) {
                    self.url = url
                    self.type = type
                }
            }

            public var name: Name?
            public var phones: [Phone]?
            public var emails: [Email]?
            public var addresses: [Address]?
            public var org: Org?
            public var urls: [Link]?
            /// `YYYY-MM-DD`.
            public var birthday: String?

            public init(
                name: Name?, phones: [Phone]? = nil, emails: [Email]? = nil, addresses: [Address]? = nil,
                org: Org? = nil, urls: [Link]? = nil, birthday: String? = nil
            ) {
                self.name = name
                self.phones = phones
                self.emails = emails
                self.addresses = addresses
                self.org = org
                self.urls = urls
                self.birthday = birthday
            }
        }

        /// `interactive` object: the user's answer to a button, list, flow or call-permission request.
        public struct Interactive: Codable, Sendable, Hashable {
            /// `button_reply` / `list_reply` object.
            public struct Reply: Codable, Sendable, Hashable {
                public var id: String
                public var title: String?
                /// List rows only.
                public var description: String?

                public init(id: String, title: String?, description: String? = nil) {
                    self.id = id
                    self.title = title
                    self.description = description
                }
            }

            /// `nfm_reply` object: a completed flow or address message.
            public struct NFMReply: Codable, Sendable, Hashable {
                /// `flow` or `address_message`.
                public var name: String?
                /// The answers, as a JSON text.
                public var responseJSON: String?
                public var body: String?

                public init(name: String?, responseJSON: String?, body: String? = nil) {
                    self.name = name
                    self.responseJSON = responseJSON
                    self.body = body
                }

                enum CodingKeys: String, CodingKey {
                    case name, body
                    case responseJSON = "response_json"
                }
            }

            /// `button_reply`, `list_reply`, `nfm_reply`, `call_permission_reply`, …
            public var type: String
            public var buttonReply: Reply?
            public var listReply: Reply?
            public var nfmReply: NFMReply?
            public var callPermissionReply: CloudJSON?

            public init(
                type: String, buttonReply: Reply? = nil, listReply: Reply? = nil, nfmReply: NFMReply? = nil,
                callPermissionReply: CloudJSON? = nil
            ) {
                self.type = type
                self.buttonReply = buttonReply
                self.listReply = listReply
                self.nfmReply = nfmReply
                self.callPermissionReply = callPermissionReply
            }

            enum CodingKeys: String, CodingKey {
                case type
                case buttonReply = "button_reply"
                case listReply = "list_reply"
                case nfmReply = "nfm_reply"
                case callPermissionReply = "call_permission_reply"
            }
        }

        /// `button` object: a quick-reply tap on a template.
        public struct Button: Codable, Sendable, Hashable {
            public var payload: String?
            public var text: String?

            public init(payload: String?, text: String?) {
                self.payload = payload
                self.text = text
            }
        }

        /// `reaction` object; a removed reaction has an empty or absent `emoji`.
        public struct Reaction: Codable, Sendable, Hashable {
            public var messageID: String?
            public var emoji: String?

            public init(messageID: String?, emoji: String?) {
                self.messageID = messageID
                self.emoji = emoji
            }

            enum CodingKeys: String, CodingKey {
                case emoji
                case messageID = "message_id"
            }
        }

        /// `order` object: a cart sent from a catalog.
        public struct Order: Codable, Sendable, Hashable {
            /// `product_items[]` item.
            public struct ProductItem: Codable, Sendable, Hashable {
                public var productRetailerID: String?
                public var quantity: Int?
                public var itemPrice: Double?
                public var currency: String?

                public init(productRetailerID: String?, quantity: Int?, itemPrice: Double?, currency: String?) {
                    self.productRetailerID = productRetailerID
                    self.quantity = quantity
                    self.itemPrice = itemPrice
                    self.currency = currency
                }

                enum CodingKeys: String, CodingKey {
                    case quantity, currency
                    case productRetailerID = "product_retailer_id"
                    case itemPrice = "item_price"
                }
            }

            public var catalogID: String?
            public var text: String?
            public var productItems: [ProductItem]?

            public init(catalogID: String?, text: String?, productItems: [ProductItem]?) {
                self.catalogID = catalogID
                self.text = text
                self.productItems = productItems
            }

            enum CodingKeys: String, CodingKey {
                case text
                case catalogID = "catalog_id"
                case productItems = "product_items"
            }
        }

        /// `system` object: a number or identity change.
        public struct System: Codable, Sendable, Hashable {
            public var body: String?
            /// `user_changed_number`, `customer_changed_number`, `user_changed_user_id`, `customer_identity_changed`, …
            public var type: String?
            /// The user's new wa_id after a number change.
            public var waID: String?
            /// Older versions: the new wa_id and the customer.
            public var newWaID: String?
            public var customer: String?

            public init(body: String?, type: String?, waID: String? = nil, newWaID: String? = nil, customer: String? = nil) {
                self.body = body
                self.type = type
                self.waID = waID
                self.newWaID = newWaID
                self.customer = customer
            }

            enum CodingKeys: String, CodingKey {
                case body, type, customer
                case waID = "wa_id"
                case newWaID = "new_wa_id"
            }
        }

        /// `context` object: what the message replies to, or that it was forwarded.
        public struct Context: Codable, Sendable, Hashable {
            /// The product a "Message business" enquiry is about.
            public struct ReferredProduct: Codable, Sendable, Hashable {
                public var catalogID: String?
                public var productRetailerID: String?

                public init(catalogID: String?, productRetailerID: String?) {
                    self.catalogID = catalogID
                    self.productRetailerID = productRetailerID
                }

                enum CodingKeys: String, CodingKey {
                    case catalogID = "catalog_id"
                    case productRetailerID = "product_retailer_id"
                }
            }

            public var from: String?
            /// The replied-to wamid.
            public var id: String?
            public var forwarded: Bool?
            /// Forwarded more than five times.
            public var frequentlyForwarded: Bool?
            public var referredProduct: ReferredProduct?

            public init(
                from: String? = nil, id: String? = nil, forwarded: Bool? = nil, frequentlyForwarded: Bool? = nil,
                referredProduct: ReferredProduct? = nil
            ) {
                self.from = from
                self.id = id
                self.forwarded = forwarded
                self.frequentlyForwarded = frequentlyForwarded
                self.referredProduct = referredProduct
            }

            enum CodingKeys: String, CodingKey {
                case from, id, forwarded
                case frequentlyForwarded = "frequently_forwarded"
                case referredProduct = "referred_product"
            }
        }

        /// `referral` object: the Click-to-WhatsApp ad or post the user came from.
        public struct Referral: Codable, Sendable, Hashable {
            /// `welcome_message` object.
            public struct WelcomeMessage: Codable, Sendable, Hashable {
                public var text: String?

                public init(text: String?) {
                    self.text = text
                }
            }

            public var sourceURL: String?
            public var sourceID: String?
            /// `ad` or `post`.
            public var sourceType: String?
            public var headline: String?
            public var body: String?
            /// `image` or `video`.
            public var mediaType: String?
            public var imageURL: String?
            public var videoURL: String?
            public var thumbnailURL: String?
            public var ctwaClid: String?
            public var welcomeMessage: WelcomeMessage?

            public init(
                sourceURL: String?, sourceID: String? = nil, sourceType: String? = nil, headline: String? = nil,
                body: String? = nil, mediaType: String? = nil, imageURL: String? = nil, videoURL: String? = nil,
                thumbnailURL: String? = nil, ctwaClid: String? = nil, welcomeMessage: WelcomeMessage? = nil
            ) {
                self.sourceURL = sourceURL
                self.sourceID = sourceID
                self.sourceType = sourceType
                self.headline = headline
                self.body = body
                self.mediaType = mediaType
                self.imageURL = imageURL
                self.videoURL = videoURL
                self.thumbnailURL = thumbnailURL
                self.ctwaClid = ctwaClid
                self.welcomeMessage = welcomeMessage
            }

            enum CodingKeys: String, CodingKey {
                case headline, body
                case sourceURL = "source_url"
                case sourceID = "source_id"
                case sourceType = "source_type"
                case mediaType = "media_type"
                case imageURL = "image_url"
                case videoURL = "video_url"
                case thumbnailURL = "thumbnail_url"
                case ctwaClid = "ctwa_clid"
                case welcomeMessage = "welcome_message"
            }
        }

        /// Member names with a typed property; everything else goes to `extra`.
        static let typedKeys: Set<String> = [
            "id", "from", "from_user_id", "to", "group_id", "timestamp", "type", "context", "referral", "errors",
            "text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive",
            "button", "reaction", "order", "system",
        ]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: JSONKey.self)
            var extra: [String: CloudJSON] = [:]
            for key in container.allKeys where !Self.typedKeys.contains(key.stringValue) {
                extra[key.stringValue] = try container.decode(CloudJSON.self, forKey: key)
            }
            // A known member with an unexpected shape is kept verbatim instead of failing the message.
            func member<T: Decodable>(_ type: T.Type, _ name: String) -> T? {
                let key = JSONKey(name)
                guard container.contains(key), (try? container.decodeNil(forKey: key)) == false else { return nil }
                if let value = try? container.decode(T.self, forKey: key) { return value }
                extra[name] = try? container.decode(CloudJSON.self, forKey: key)
                return nil
            }
            id = container.decodeLenientString(forKey: JSONKey("id")) ?? ""
            from = container.decodeLenientString(forKey: JSONKey("from"))
            fromUserID = container.decodeLenientString(forKey: JSONKey("from_user_id"))
            to = container.decodeLenientString(forKey: JSONKey("to"))
            groupID = container.decodeLenientString(forKey: JSONKey("group_id"))
            timestamp = container.decodeLenientString(forKey: JSONKey("timestamp")) ?? ""
            type = container.decodeLenientString(forKey: JSONKey("type")) ?? "unknown"
            context = member(Context.self, "context")
            referral = member(Referral.self, "referral")
            errors = member([StatusError].self, "errors")
            text = member(Text.self, "text")
            image = member(Media.self, "image")
            video = member(Media.self, "video")
            audio = member(Media.self, "audio")
            document = member(Media.self, "document")
            sticker = member(Media.self, "sticker")
            location = member(Location.self, "location")
            contacts = member([SharedContact].self, "contacts")
            interactive = member(Interactive.self, "interactive")
            button = member(Button.self, "button")
            reaction = member(Reaction.self, "reaction")
            order = member(Order.self, "order")
            system = member(System.self, "system")
            self.extra = extra
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: JSONKey.self)
            for (name, value) in extra where !Self.typedKeys.contains(name) || !hasTypedMember(name) {
                try container.encode(value, forKey: JSONKey(name))
            }
            try container.encode(id, forKey: JSONKey("id"))
            try container.encodeIfPresent(from, forKey: JSONKey("from"))
            try container.encodeIfPresent(fromUserID, forKey: JSONKey("from_user_id"))
            try container.encodeIfPresent(to, forKey: JSONKey("to"))
            try container.encodeIfPresent(groupID, forKey: JSONKey("group_id"))
            try container.encode(timestamp, forKey: JSONKey("timestamp"))
            try container.encode(type, forKey: JSONKey("type"))
            try container.encodeIfPresent(context, forKey: JSONKey("context"))
            try container.encodeIfPresent(referral, forKey: JSONKey("referral"))
            try container.encodeIfPresent(errors, forKey: JSONKey("errors"))
            try container.encodeIfPresent(text, forKey: JSONKey("text"))
            try container.encodeIfPresent(image, forKey: JSONKey("image"))
            try container.encodeIfPresent(video, forKey: JSONKey("video"))
            try container.encodeIfPresent(audio, forKey: JSONKey("audio"))
            try container.encodeIfPresent(document, forKey: JSONKey("document"))
            try container.encodeIfPresent(sticker, forKey: JSONKey("sticker"))
            try container.encodeIfPresent(location, forKey: JSONKey("location"))
            try container.encodeIfPresent(contacts, forKey: JSONKey("contacts"))
            try container.encodeIfPresent(interactive, forKey: JSONKey("interactive"))
            try container.encodeIfPresent(button, forKey: JSONKey("button"))
            try container.encodeIfPresent(reaction, forKey: JSONKey("reaction"))
            try container.encodeIfPresent(order, forKey: JSONKey("order"))
            try container.encodeIfPresent(system, forKey: JSONKey("system"))
        }

        /// Whether the typed property for a member name holds a value (then it wins over `extra`).
        private func hasTypedMember(_ name: String) -> Bool {
            switch name {
            case "id", "timestamp", "type": true
            case "from": from != nil
            case "from_user_id": fromUserID != nil
            case "to": to != nil
            case "group_id": groupID != nil
            case "context": context != nil
            case "referral": referral != nil
            case "errors": errors != nil
            case "text": text != nil
            case "image": image != nil
            case "video": video != nil
            case "audio": audio != nil
            case "document": document != nil
            case "sticker": sticker != nil
            case "location": location != nil
            case "contacts": contacts != nil
            case "interactive": interactive != nil
            case "button": button != nil
            case "reaction": reaction != nil
            case "order": order != nil
            case "system": system != nil
            default: false
            }
        }
    }
}

// MARK: - JSON values

/// Any JSON value, kept verbatim: the parts of Meta's webhooks the bridge does not model, and the
/// interactive, template and contact objects it sends.
public typealias CloudJSON = JSONValue

extension CloudJSON {
    /// The member `key` when this is an object.
    public subscript(key: String) -> CloudJSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The value as text when it is a string or a number.
    public var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .null, .bool, .array, .object: nil
        }
    }
}

/// A coding key made from any member name.
struct JSONKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) {
        stringValue = name
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        return nil
    }
}

extension KeyedDecodingContainer {
    /// A string member that Meta sometimes sends as a number (ids, timestamps); nil when absent or neither.
    func decodeLenientString(forKey key: Key) -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let integer = try? decodeIfPresent(Int64.self, forKey: key) { return String(integer) }
        return nil
    }

    /// An array whose unreadable elements are skipped instead of failing the whole decode.
    func decodeLossyArray<Element: Decodable>(_ type: Element.Type, forKey key: Key) -> [Element]? {
        guard let elements = try? decodeIfPresent([Lossy<Element>].self, forKey: key) else { return nil }
        return elements.compactMap(\.value)
    }
}

/// One array element that may fail to decode without failing its array.
private struct Lossy<Element: Decodable>: Decodable {
    var value: Element?

    init(from decoder: any Decoder) throws {
        value = try? Element(from: decoder)
    }
}
