import Cloud
import Foundation
import Hummingbird
import NIOCore

/// Graph endpoints about the business number and its WABA: business profile, the phone number and
/// WABA nodes, commerce settings, conversational automation and the block list.
enum AccountEndpoints {
    static let verticals: Set<String> = [
        "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GROCERY", "GOVT", "HOTEL",
        "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT", "ALCOHOL", "ONLINE_GAMBLING",
        "PHYSICAL_GAMBLING", "OTC_DRUGS",
    ]
    static let profileFields = ["about", "address", "description", "email", "profile_picture_url", "websites", "vertical"]

    // MARK: Business profile

    /// `GET /{version}/{phone-number-id}/whatsapp_business_profile[?fields=…]`.
    static func profile(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let fields = try call.fields(
            available: Set(profileFields + ["messaging_product"]), defaults: profileFields, nodeType: "WhatsAppBusinessProfile")
        let account = state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()] }
        var members = account.profile
        if account.profilePicture != nil {
            members["profile_picture_url"] = .string("\(call.origin)/profile-pictures/\(number.phoneNumberID).jpg")
        }
        var entry: [String: CloudJSON] = ["messaging_product": "whatsapp"]
        for field in fields {
            if let value = members[field] { entry[field] = value }
        }
        return CloudSimulator.json200(["data": [.object(entry)]] as CloudJSON)
    }

    /// `POST /{version}/{phone-number-id}/whatsapp_business_profile`: Meta's limits, then the members change.
    static func updateProfile(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let json = try call.jsonObject()
        guard json["messaging_product"]?.asString == "whatsapp" else {
            throw GraphFailure(400, "The parameter messaging_product is required.")
        }
        var changes: [String: CloudJSON] = [:]
        var picture: SimulatedMedia?
        for (key, value) in json.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "messaging_product":
                continue
            case "about":
                changes[key] = .string(try text(value, key, 1...139))
            case "address":
                changes[key] = .string(try text(value, key, 0...256))
            case "description":
                changes[key] = .string(try text(value, key, 0...512))
            case "email":
                let email = try text(value, key, 0...128)
                guard email.isEmpty || email.firstMatch(of: /^[^@\s]+@[^@\s]+\.[^@\s]+$/) != nil else {
                    throw GraphFailure(400, "Param email must be a valid email address")
                }
                changes[key] = .string(email)
            case "websites":
                guard let sites = value.asArray, sites.count <= 2 else {
                    throw GraphFailure(400, "Param websites must be an array of at most 2 URLs")
                }
                for (index, site) in sites.enumerated() {
                    let url = try text(site, "websites[\(index)]", 1...256)
                    guard url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://") else {
                        throw GraphFailure(400, "Param websites[\(index)] must start with http:// or https://")
                    }
                }
                changes[key] = value
            case "vertical":
                guard let vertical = value.asString, verticals.contains(vertical) else {
                    throw GraphFailure(400, "Param vertical must be one of {\(verticals.sorted().joined(separator: ", "))}")
                }
                changes[key] = value
            case "profile_picture_handle":
                guard let handle = value.asString, let file = state.uploadedFile(handle) else {
                    throw GraphFailure(400, "Param profile_picture_handle is not a valid upload handle")
                }
                picture = file
            default:
                throw GraphFailure(400, "Param \(key) is not valid")
            }
        }
        state.withAccounts { accounts in
            var account = accounts.phones[number.phoneNumberID, default: PhoneAccount()]
            for (key, value) in changes {
                // An empty text or list clears the member, as on Meta.
                if value == .string("") || value == .array([]) {
                    account.profile[key] = nil
                } else {
                    account.profile[key] = value
                }
            }
            if let picture { account.profilePicture = picture }
            accounts.phones[number.phoneNumberID] = account
        }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `GET /profile-pictures/{phone-number-id}.jpg`: the picture behind `profile_picture_url` (public, like Meta's CDN).
    static func profilePicture(request: Request, context: BasicRequestContext, state: SimulatorState) -> Response {
        let file = context.parameters.get("pictureFile") ?? ""
        guard file.hasSuffix(".jpg") else { return Response(status: .notFound) }
        let id = String(file.dropLast(".jpg".count))
        guard let picture = state.withAccounts({ $0.phones[id]?.profilePicture }) else { return Response(status: .notFound) }
        return Response(
            status: .ok, headers: [.contentType: picture.mimeType], body: .init(byteBuffer: ByteBuffer(bytes: picture.bytes)))
    }

    static func text(_ value: CloudJSON, _ name: String, _ lengths: ClosedRange<Int>) throws(GraphFailure) -> String {
        guard let text = value.asString else { throw GraphFailure(400, "Param \(name) must be a string") }
        guard lengths.contains(text.count) else {
            throw GraphFailure(400, "Param \(name) must be between \(lengths.lowerBound) and \(lengths.upperBound) characters long")
        }
        return text
    }

    // MARK: Phone number and WABA nodes

    /// `GET /{version}/{id}`: a media file, an upload session, a phone number or a WABA, by what the id names.
    static func node(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        if call.objectID.hasPrefix("upload:") || call.objectID.hasPrefix("upload%3A") {
            return try ResumableUploads.status(call, state: state)
        }
        if state.number(call.objectID) != nil {
            return try phoneNumber(call, state: state)
        }
        return try waba(call, state: state)
    }

    static let phoneDefaults = ["display_phone_number", "verified_name", "quality_rating"]
    static let phoneFields: Set<String> = [
        "id", "display_phone_number", "verified_name", "quality_rating", "status", "code_verification_status", "name_status",
        "account_mode", "platform_type", "throughput", "messaging_limit_tier", "conversational_automation",
    ]

    /// `GET /{version}/{phone-number-id}[?fields=…]`.
    static func phoneNumber(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let fields = try call.fields(available: phoneFields, defaults: phoneDefaults, nodeType: "WhatsAppBusinessPhoneNumber")
        let account = state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()] }
        var values: [String: CloudJSON] = [
            "display_phone_number": .string(displayFormat(number.displayPhoneNumber)),
            "verified_name": "Sandbox Business",
            "quality_rating": "GREEN",
            "code_verification_status": "VERIFIED",
            "name_status": "APPROVED",
            "account_mode": "SANDBOX",
            "platform_type": "CLOUD_API",
            "throughput": ["level": "STANDARD"],
            "messaging_limit_tier": "TIER_1K",
            "conversational_automation": [
                "id": .string(number.phoneNumberID),
                "enable_welcome_message": .bool(account.welcomeMessage),
                "prompts": .array(account.prompts.map(CloudJSON.string)),
                "commands": .array(account.commands),
            ],
        ]
        values["status"] = account.status.map(CloudJSON.string)
        var node: [String: CloudJSON] = ["id": .string(number.phoneNumberID)]
        for field in fields where field != "id" {
            node[field] = values[field]
        }
        return CloudSimulator.json200(CloudJSON.object(node))
    }

    /// `+1 555-000-1234` for North American numbers, `+<digits>` otherwise.
    static func displayFormat(_ phone: String) -> String {
        let digits = Array(phone.filter(\.isASCIIDigit))
        guard digits.count == 11, digits[0] == "1" else { return "+" + String(digits) }
        return "+1 \(String(digits[1...3]))-\(String(digits[4...6]))-\(String(digits[7...10]))"
    }

    static let wabaFields: Set<String> = [
        "id", "name", "message_template_namespace", "timezone_id", "account_review_status", "business_verification_status",
        "country", "ownership_type", "primary_business_location", "currency", "marketing_messages_onboarding_status",
    ]

    /// `GET /{version}/{waba-id}[?fields=…]`.
    static func waba(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let wabaID = try call.wabaID(in: state)
        let fields = try call.fields(available: wabaFields, defaults: ["name"], nodeType: "WhatsAppBusinessAccount")
        let values: [String: CloudJSON] = [
            "name": "Sandbox WABA",
            "message_template_namespace": .string("sandbox_\(wabaID)"),
            "timezone_id": "1",
            "account_review_status": "APPROVED",
            "business_verification_status": "VERIFIED",
            "country": "US",
            "ownership_type": "SELF_OWNED",
            "primary_business_location": "US",
            "currency": "USD",
            "marketing_messages_onboarding_status": "ONBOARDED",
        ]
        var node: [String: CloudJSON] = ["id": .string(wabaID)]
        for field in fields where field != "id" {
            node[field] = values[field]
        }
        return CloudSimulator.json200(CloudJSON.object(node))
    }

    // MARK: Commerce settings

    /// `GET /{version}/{phone-number-id}/whatsapp_commerce_settings`.
    static func commerce(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let account = state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()] }
        let settings: CloudJSON = [
            "id": .string("\(number.phoneNumberID)0301"),
            "is_cart_enabled": .bool(account.cartEnabled),
            "is_catalog_visible": .bool(account.catalogVisible),
        ]
        return CloudSimulator.json200(["data": [settings]] as CloudJSON)
    }

    /// `POST /{version}/{phone-number-id}/whatsapp_commerce_settings?is_cart_enabled=&is_catalog_visible=`.
    static func updateCommerce(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        func flag(_ name: String) throws(GraphFailure) -> Bool? {
            guard let text = call.query(name) else { return nil }
            switch text {
            case "true": return true
            case "false": return false
            default: throw GraphFailure(400, "Param \(name) must be a boolean")
            }
        }
        let cart = try flag("is_cart_enabled")
        let catalog = try flag("is_catalog_visible")
        guard cart != nil || catalog != nil else { throw GraphFailure(400, "One feature setting must be specified") }
        state.withAccounts { accounts in
            if let cart { accounts.phones[number.phoneNumberID, default: PhoneAccount()].cartEnabled = cart }
            if let catalog { accounts.phones[number.phoneNumberID, default: PhoneAccount()].catalogVisible = catalog }
        }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    // MARK: Conversational automation

    /// `POST /{version}/{phone-number-id}/conversational_automation`: welcome message, ice breakers, commands.
    static func updateAutomation(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let json = try call.jsonObject()
        var welcome: Bool?
        var prompts: [String]?
        var commands: [CloudJSON]?
        for (key, value) in json.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "enable_welcome_message":
                guard let flag = value.asBool else { throw GraphFailure(400, "Param enable_welcome_message must be a boolean") }
                welcome = flag
            case "prompts":
                guard let list = value.asArray, list.count <= 4 else {
                    throw GraphFailure(400, "Param prompts must be an array of at most 4 strings")
                }
                var texts: [String] = []
                for (index, item) in list.enumerated() {
                    texts.append(try text(item, "prompts[\(index)]", 1...80))
                }
                prompts = texts
            case "commands":
                guard let list = value.asArray, list.count <= 30 else {
                    throw GraphFailure(400, "Param commands must be an array of at most 30 commands")
                }
                var names: Set<String> = []
                var parsed: [CloudJSON] = []
                for (index, item) in list.enumerated() {
                    guard let command = item.asObject else { throw GraphFailure(400, "Param commands[\(index)] must be an object") }
                    let name = try text(command["command_name"] ?? .null, "commands[\(index)][command_name]", 1...32)
                    let description = try text(
                        command["command_description"] ?? .null, "commands[\(index)][command_description]", 1...256)
                    guard names.insert(name).inserted else {
                        throw GraphFailure(400, "Param commands[\(index)][command_name] repeats \"\(name)\"")
                    }
                    parsed.append(["command_name": .string(name), "command_description": .string(description)])
                }
                commands = parsed
            default:
                throw GraphFailure(400, "Param \(key) is not valid")
            }
        }
        state.withAccounts { accounts in
            var account = accounts.phones[number.phoneNumberID, default: PhoneAccount()]
            if let welcome { account.welcomeMessage = welcome }
            if let prompts { account.prompts = prompts }
            if let commands { account.commands = commands }
            accounts.phones[number.phoneNumberID] = account
        }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    // MARK: Block users

    /// `GET /{version}/{phone-number-id}/block_users[?limit=&after=]`.
    static func blockedUsers(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let blocked = state.blockedUsers(phoneNumberID: number.phoneNumberID)
        let page = try GraphPaging.page(blocked, call: call)
        var reply: [String: CloudJSON] = [
            "data": .array(page.items.map { ["messaging_product": "whatsapp", "wa_id": .string($0)] })
        ]
        reply["paging"] = page.paging
        return CloudSimulator.json200(CloudJSON.object(reply))
    }

    /// `POST` (block) and `DELETE` (unblock) `/{version}/{phone-number-id}/block_users`.
    static func changeBlocks(_ call: GraphCall, state: SimulatorState, block: Bool) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let json = try call.jsonObject()
        guard json["messaging_product"]?.asString == "whatsapp" else {
            throw GraphFailure(400, "The parameter messaging_product is required.")
        }
        guard let users = json["block_users"]?.asArray, !users.isEmpty else {
            throw GraphFailure(400, "The parameter block_users is required.")
        }
        var done: [CloudJSON] = []
        var failed: [CloudJSON] = []
        var waIDs: [String] = []
        for (index, entry) in users.enumerated() {
            guard let input = entry.asObject?["user"]?.asString else {
                throw GraphFailure(400, "Param block_users[\(index)][user] must be a string")
            }
            let digits = input.hasPrefix("+") ? String(input.dropFirst()) : input
            if (8...15).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) {
                waIDs.append(digits)
                done.append(["input": .string(input), "wa_id": .string(digits)])
            } else {
                failed.append([
                    "input": .string(input),
                    "errors": [
                        [
                            "message": "Invalid user", "code": 139100,
                            "error_data": ["details": .string("\(input) is not a valid WhatsApp user phone number")],
                        ]
                    ],
                ])
            }
        }
        guard !waIDs.isEmpty else {
            throw GraphFailure(
                400, code: 139100, "Failed to block/unblock users",
                userMessage: "None of the \(users.count) users is a valid WhatsApp user phone number")
        }
        state.withAccounts { accounts in
            var list = accounts.phones[number.phoneNumberID, default: PhoneAccount()].blocked
            for id in waIDs {
                if block, !list.contains(id) { list.append(id) }
                if !block { list.removeAll { $0 == id } }
            }
            accounts.phones[number.phoneNumberID, default: PhoneAccount()].blocked = list
        }
        var result: [String: CloudJSON] = [block ? "added_users" : "removed_users": .array(done)]
        if !failed.isEmpty { result["failed_users"] = .array(failed) }
        return CloudSimulator.json200(["messaging_product": "whatsapp", "block_users": .object(result)] as CloudJSON)
    }
}

extension SimulatorState {
    /// The wa_ids a number has blocked, oldest first.
    public func blockedUsers(phoneNumberID: String) -> [String] {
        withAccounts { $0.phones[phoneNumberID]?.blocked ?? [] }
    }

    /// Sets the phone number's `status` field (`CONNECTED` by default); nil leaves the field out.
    public func setPhoneStatus(_ status: String?, phoneNumberID: String) {
        withAccounts { $0.phones[phoneNumberID, default: PhoneAccount()].status = status }
    }
}
