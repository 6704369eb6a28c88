import Crypto
import Foundation

/// Creation, hashing and constant-time checking of 1MSG channel tokens.
///
/// Tokens are 32 random alphanumeric characters (like 1MSG's plain keys). The store keeps only their
/// SHA-256: a token has about 190 bits of entropy, so an unsalted hash can be looked up directly
/// and cannot be reversed.
public enum ChannelToken {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A new random token.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The stored form of a token: lower-case hex SHA-256.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `token` hashes to `storedHash`, compared in constant time.
    public static func matches(_ token: String, storedHash: String) -> Bool {
        let candidate = Array(hash(token).utf8)
        let stored = Array(storedHash.utf8)
        guard candidate.count == stored.count else { return false }
        var difference: UInt8 = 0
        for index in candidate.indices {
            difference |= candidate[index] ^ stored[index]
        }
        return difference == 0
    }
}
