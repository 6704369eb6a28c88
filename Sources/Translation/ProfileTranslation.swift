import Cloud
import Foundation
import OneMsg

/// `GET /me` and `POST /me` ↔ Meta's business profile (`/{phone-number-id}/whatsapp_business_profile`)
/// and the display number (`/{phone-number-id}`).
public enum ProfileTranslation {
    /// 1MSG's 17 `vertical` labels and Meta's codes for them.
    public static let verticals: [(label: String, code: String)] = [
        ("Automotive", "AUTO"), ("Beauty, Spa and Salon", "BEAUTY"), ("Clothing and Apparel", "APPAREL"),
        ("Education", "EDU"), ("Entertainment", "ENTERTAIN"), ("Event Planning and Service", "EVENT_PLAN"),
        ("Finance and Banking", "FINANCE"), ("Food and Grocery", "GROCERY"), ("Public Service", "GOVT"),
        ("Hotel and Lodging", "HOTEL"), ("Medical and Health", "HEALTH"), ("Non-profit", "NONPROFIT"),
        ("Professional Services", "PROF_SERVICES"), ("Shopping and Retail", "RETAIL"),
        ("Travel and Transportation", "TRAVEL"), ("Restaurant", "RESTAURANT"), ("Other", "OTHER"),
    ]

    /// Meta's `vertical` codes that have no 1MSG label; a client may still set them by code.
    public static let unlabelledCodes = ["ALCOHOL", "ONLINE_GAMBLING", "PHYSICAL_GAMBLING", "OTC_DRUGS"]

    /// Profile pictures go through the resumable upload, which takes these types.
    public static let photoTypes = ["image/jpeg", "image/png"]
    /// The largest profile picture accepted.
    public static let maxPhotoBytes = 5 * 1024 * 1024
    /// Stands in for the picture's upload handle in the Cloud body until the upload answers.
    public static let handlePlaceholder = "{uploaded-picture-handle}"

    /// The 1MSG label of a Meta code; `nil` for codes 1MSG has no label for (`UNDEFINED`, `ALCOHOL`, …).
    public static func label(forCode code: String?) -> String? {
        guard let code else { return nil }
        return verticals.first { $0.code == code.uppercased() }?.label
    }

    /// `GET /me`: the profile with the number's digits; unknown verticals are left out.
    public static func me(profile: CloudBusinessProfile, phoneNumber: CloudPhoneNumber?) -> MeReply {
        let digits = phoneNumber?.displayPhoneNumber?.filter(\.isNumber)
        return MeReply(
            about: profile.about, address: profile.address, description: profile.description, email: profile.email,
            phone: digits.flatMap { $0.isEmpty ? nil : $0 }, vertical: label(forCode: profile.vertical),
            photo: profile.profilePictureURL, websites: profile.websites)
    }

    /// What `POST /me` asks Meta to change.
    public struct Update: Sendable, Hashable {
        /// The Cloud body; with a photo, `profile_picture_handle` is ``ProfileTranslation/handlePlaceholder``.
        public var profile: CloudJSON
        /// The new picture, uploaded before the profile is posted.
        public var photo: HandleUpload?
        /// Fields read but not sent, and why.
        public var notes: [String]

        /// The body with the picture's real handle in place of the placeholder.
        public func withPictureHandle(_ handle: String) -> CloudJSON {
            guard case .object(var members) = profile else { return profile }
            members["profile_picture_handle"] = .string(handle)
            return .object(members)
        }
    }

    /// `POST /me`: the updatable fields, checked against Meta's limits. `nil` when the request names
    /// none of them (1MSG answers 422). `""` clears address, description, email and websites.
    public static func update(_ fields: RequestFields) throws(ValidationError) -> Update? {
        var reader = FieldReader(fields)
        var members: [String: CloudJSON] = [:]
        var notes: [String] = []
        if fields.clearedFields.contains("about") {
            reader.report("about", "must be 1 to 139 characters; WhatsApp does not allow an empty about text")
        } else if let about = reader.text("about", maxLength: 139) {
            members["about"] = .string(about)
        }
        for (name, limit) in [("address", 256), ("description", 512)] {
            if fields.clearedFields.contains(name) {
                members[name] = .string("")
            } else if let text = reader.text(name, maxLength: limit) {
                members[name] = .string(text)
            }
        }
        if fields.clearedFields.contains("email") {
            members["email"] = .string("")
        } else if let email = reader.text("email", maxLength: 128) {
            if email.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) == nil {
                reader.report("email", "must be an email address such as info@example.com")
            } else {
                members["email"] = .string(email)
            }
        }
        if fields.clearedFields.contains("websites") {
            members["websites"] = .array([])
        } else if let websites = websites(&reader) {
            members["websites"] = .array(websites.map(CloudJSON.string))
        }
        if let vertical = reader.text("vertical") {
            if let code = code(forVertical: vertical) {
                members["vertical"] = .string(code)
            } else {
                reader.report("vertical", "must be one of \(verticals.map(\.label).joined(separator: "; ")) (got \"\(vertical)\")")
            }
        }
        var photo: HandleUpload?
        if fields["photo"] != nil || fields.files["photo"] != nil,
            let source = FileSource.read("photo", fields: fields, reader: &reader)
        {
            photo = HandleUpload(field: "photo", source: source, allowedMIMETypes: photoTypes, maxBytes: maxPhotoBytes)
            if case .file(let file) = source, let problem = photo?.problem(with: file) {
                reader.report(problem.field, problem.rule)
            }
            members["profile_picture_handle"] = .string(handlePlaceholder)
        }
        if fields["phone"] != nil {
            notes.append("phone ignored: the number of a Cloud API channel cannot be changed through its profile")
        }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        guard !members.isEmpty else { return nil }
        members["messaging_product"] = "whatsapp"
        return Update(profile: .object(members), photo: photo, notes: notes)
    }

    /// A label, or a Meta code, in any letter case.
    static func code(forVertical text: String) -> String? {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        if let pair = verticals.first(where: { $0.label.caseInsensitiveCompare(wanted) == .orderedSame || $0.code == wanted.uppercased() }) {
            return pair.code
        }
        return unlabelledCodes.first { $0 == wanted.uppercased() }
    }

    /// `websites` as an array, or one URL, or URLs separated by commas: at most 2 http(s) URLs of ≤256 characters.
    static func websites(_ reader: inout FieldReader) -> [String]? {
        guard let value = reader.structure("websites"), value != .null else { return nil }
        let items: [FieldValue]
        switch value {
        case .array:
            guard let array = reader.array(value, at: "websites", maxCount: 2) else { return nil }
            items = array
        case .object, .bool, .number, .null:
            reader.report("websites", "must be an array of URLs or a comma-separated string, not \(value.kindName)")
            return nil
        case .string(let text):
            items = text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
            if items.count > 2 {
                reader.report("websites", "must have at most 2 items (got \(items.count))")
                return nil
            }
        }
        var urls: [String] = []
        for (index, item) in items.enumerated() {
            let path = "websites[\(index)]"
            if let url = reader.webURL(item, at: path, required: true) {
                if url.unicodeScalars.count > 256 {
                    reader.report(path, "must be at most 256 characters (got \(url.unicodeScalars.count))")
                } else {
                    urls.append(url)
                }
            }
        }
        return urls
    }
}
