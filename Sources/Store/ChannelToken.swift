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
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }

    /// Whether `token` hashes to `storedHash`, compared in constant time.
    public static func matches(_ token: String, storedHash: String) -> Bool {
        constantTimeEquals(hash(token), storedHash)
    }
}

/// Whether two secrets are equal, in time that depends only on their length (not on where they differ).
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}
