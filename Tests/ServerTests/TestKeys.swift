/// RSA public keys for the business encryption tests, made once with `openssl genrsa` / `openssl rsa -pubout`.
enum TestKeys {
    /// A 2048-bit RSA public key in PEM (SubjectPublicKeyInfo): what Meta takes.
    static let rsa2048 = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsRYC+ZHuFJrq04JadliA
        ZSastCZ7SbdZ6nyLciptnOzXPhIhQ4UotZkENdDoswwnCRv/ZFAXsedbu0udeKUO
        aey4OV8gu+9o4TKEqAfDP/aIBaQ3StEWhrkIYwjWekk3UIYKn/c+oOVlps58hIMV
        WBM8yN9dyslOQBtbLAa7ehwDRW/5FM+P/3CzYH3+W0CcafHIsjmPQCbl2shW/TRX
        xnFR1pm/pAkDg8qQMPq7Ph+ShOpAhMMCWpKVPQyUknW4Pseeq+bbubLa0PBHaIGw
        80S3ZSKoQ7tCvrT3FhUwfQWJYgxw4qHoUhw4wtmkcH3R7M4d5qdLBdYRqJ6VvbZW
        bQIDAQAB
        -----END PUBLIC KEY-----
        """

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
