import Testing

@testable import Store

/// The stored form of tokens: SHA-256 as lower-case hex, the form stores written before this version hold.
@Suite("Token hashes")
struct TokenHashTests {
    @Test("a token's hash is its SHA-256 in lower-case hex (FIPS 180-2 test vectors)")
    func hashIsLowercaseHexSHA256() {
        #expect(ChannelToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ChannelToken.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ChannelToken.matches("abc", storedHash: ChannelToken.hash("abc")))
        #expect(!ChannelToken.matches("abd", storedHash: ChannelToken.hash("abc")))
    }

    @Test("hex text has two digits per byte, leading zeros kept")
    func hex() {
        #expect(Hex.lowercase([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.lowercase([UInt8]()) == "")
    }
}
