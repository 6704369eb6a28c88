import Foundation

/// Whom a message goes to, from 1MSG's `phone` or `chatId`.
public enum Recipient: Sendable, Hashable {
    /// A WhatsApp user by number: international digits, no `+`.
    case individual(String)
    /// A WhatsApp group by its id (the part before `@g.us`).
    case group(String)
    /// A user by business-scoped user id (the part before `@lid`).
    case businessScopedUser(String)

    /// Parses a 1MSG chat id: `12020721369@c.us` (7 to 15 digits), `<group id>@g.us` (letters, digits, `-`, `_`:
    /// WhatsApp's old `120363046942338209` ids and the Cloud API's `Y2FwaV9ncm91cDox…` ids) or `<BSUID>@lid`
    /// (letters, digits, `.`, `_`, `-`); the domain in any letter case.
    public init?(chatId: String) {
        guard let at = chatId.lastIndex(of: "@") else { return nil }
        let local = String(chatId[..<at])
        let domain = chatId[chatId.index(after: at)...].lowercased()
        guard !local.isEmpty else { return nil }
        switch domain {
        case "c.us":
            guard (7...15).contains(local.count), local.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            self = .individual(local)
        case "g.us":
            guard local.count <= 128, local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
                return nil
            }
            self = .group(local)
        case "lid":
            guard local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else { return nil }
            self = .businessScopedUser(local)
        default:
            return nil
        }
    }

    /// The 1MSG chat id of this recipient.
    public var chatId: String {
        switch self {
        case .individual(let digits): "\(digits)@c.us"
        case .group(let id): "\(id)@g.us"
        case .businessScopedUser(let id): "\(id)@lid"
        }
    }

    /// A business-scoped user id as Meta writes it and 1MSG takes it in `phone` or `bsuid`: two ASCII letters (the
    /// country), a dot, then digits, e.g. `CO.1726691741709890`; at most 64 characters.
    public static func businessScopedID(_ text: String) -> String? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard text.count <= 64, parts.count == 2, parts[0].count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isLetter }),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return text
    }

    /// A WhatsApp username as the bridge keeps it: without a leading `@` and surrounding spaces.
    public static func username(_ text: String) -> String {
        var name = Substring(text.trimmingCharacters(in: .whitespaces))
        if name.hasPrefix("@") { name = name.dropFirst() }
        return String(name)
    }

    /// Normalises a phone number to digits: strips `+`, spaces, `-`, `(`, `)` and `.`; 7 to 15 digits remain.
    public static func phoneDigits(_ text: String) -> String? {
        let stripped = text.filter { !"+ -().\t".contains($0) }
        guard (7...15).contains(stripped.count), stripped.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return stripped
    }
}
