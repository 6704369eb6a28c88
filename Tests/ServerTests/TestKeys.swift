import Foundation

/// RSA public keys for the business encryption tests, made once with `openssl genrsa` / `openssl rsa -pubout`.
enum TestKeys {
    /// A 2048-bit RSA public key in PEM (SubjectPublicKeyInfo): what Meta takes. The one docs/operations.md's
    /// sandbox example sends, read from `docs/examples/business-public-key.pem`.
    static let rsa2048: String = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/examples/business-public-key.pem")
        return ((try? String(contentsOf: file, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// A 1024-bit RSA public key: refused before Meta is called.
    static let rsa1024 = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCeRUXuQlp+wJgXN6sZWTQxCc5o
        tlg9mIb5BN+z9ZsTuhEH/+6FCsdMAsrCOx20k0EInMM9wNn8cH5sfxYROVpy4NEO
        5FaHegio+yI5KQH92Es8j8InxqcP0me7O/wZl4oDQMh28X1d+Soxwxl+jqztlARu
        1b0qSUsHiOZEbU/GmwIDAQAB
        -----END PUBLIC KEY-----
        """

    /// The keys with their line breaks escaped, for JSON bodies.
    static var rsa2048JSON: String { rsa2048.replacingOccurrences(of: "\n", with: "\\n") }
    static var rsa1024JSON: String { rsa1024.replacingOccurrences(of: "\n", with: "\\n") }
}
