/// The text of 1MSG's 401 reply, with the presented token masked.
public enum WrongToken {
    /// `Wrong token "****abcd" for channel "X". Please provide token as a GET parameter.`
    public static func message(token: String?, channelID: String?) -> String {
        "Wrong token \"\(mask(token ?? ""))\" for channel \"\(channelID ?? "")\". Please provide token as a GET parameter."
    }

    /// Keeps the last 4 characters and replaces the rest with `*` (short tokens are fully masked).
    public static func mask(_ token: String) -> String {
        guard token.count > 4 else { return String(repeating: "*", count: token.count) }
        return String(repeating: "*", count: token.count - 4) + token.suffix(4)
    }
}
