import Cloud
import Foundation
import OneMsg

/// `GET/POST /whatsapp_business_encryption` ↔ the number's business public key (the key Flows endpoints
/// encrypt with). Pure: the key is checked to be a 2048-bit RSA public key before anything is sent.
public enum EncryptionTranslation {
    /// `GET`: the first key Meta lists, beside Meta's whole list.
    public static func reply(_ answer: CloudJSON) -> CloudJSON {
        let keys: [CloudJSON] = if case .array(let items)? = answer["data"] { items } else { [] }
        return .members([
            "business_public_key": keys.first?["business_public_key"],
            "business_public_key_signature_status": keys.first?["business_public_key_signature_status"],
            "data": .array(keys),
        ])
    }

    /// `POST`: the PEM text of `business_public_key`, once it is a 2048-bit RSA public key.
    public static func publicKey(_ fields: RequestFields) throws(ValidationError) -> String {
        var reader = FieldReader(fields)
        let pem = reader.text("business_public_key", required: true, maxLength: 8192)
        if let pem {
            switch RSAPublicKeyPEM.modulusBits(of: pem) {
            case .success(2048): break
            case .success(let bits):
                reader.report("business_public_key", "must be a 2048-bit RSA public key (this one has \(bits) bits)")
            case .failure(let problem):
                reader.report("business_public_key", "must be a 2048-bit RSA public key in PEM (\(problem.reason))")
            }
        }
        try reader.throwIfProblems()
        return pem ?? ""
    }
}

/// Reads the size of an RSA public key in PEM: `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) or `BEGIN RSA PUBLIC
/// KEY` (PKCS #1). Only as much DER as that needs.
enum RSAPublicKeyPEM {
    /// Why a text is not such a key.
    struct Problem: Error, Equatable {
        var reason: String
    }

    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]

    /// The bit length of the key's modulus.
    static func modulusBits(of pem: String) -> Result<Int, Problem> {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first, let last = lines.last, first.hasPrefix("-----BEGIN "), last.hasPrefix("-----END ") else {
            return .failure(Problem(reason: "no -----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY----- block"))
        }
        let isPKCS1 = first == "-----BEGIN RSA PUBLIC KEY-----"
        guard isPKCS1 || first == "-----BEGIN PUBLIC KEY-----" else {
            return .failure(Problem(reason: "\(first.trimmingCharacters(in: CharacterSet(charactersIn: "-"))) is not a public key"))
        }
        guard let der = Data(base64Encoded: lines.dropFirst().dropLast().joined()) else {
            return .failure(Problem(reason: "the text between the markers is not base64"))
        }
        var reader = DERReader(bytes: [UInt8](der))
        do {
            if !isPKCS1 {
                var info = try reader.element(tag: 0x30)
                var algorithm = try info.element(tag: 0x30)
                guard try algorithm.element(tag: 0x06).bytes == rsaEncryption else {
                    return .failure(Problem(reason: "the key is not an RSA key"))
                }
                let bits = try info.element(tag: 0x03).bytes
                guard bits.first == 0 else { throw Problem(reason: "malformed key bits") }
                reader = DERReader(bytes: Array(bits.dropFirst()))
            }
            var key = try reader.element(tag: 0x30)
            let modulus = try key.element(tag: 0x02).bytes.drop { $0 == 0 }
            guard let top = modulus.first else { throw Problem(reason: "empty modulus") }
            return .success((modulus.count - 1) * 8 + (8 - top.leadingZeroBitCount))
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem(reason: "unreadable DER"))
        }
    }
}

/// Reads DER elements (tag, length, contents) one after another.
struct DERReader {
    var bytes: [UInt8]
    var offset = 0

    /// The next element, which must carry `tag`; its contents as a reader of their own.
    mutating func element(tag: UInt8) throws(RSAPublicKeyPEM.Problem) -> DERReader {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else { throw .init(reason: "unexpected DER structure") }
        var length = Int(bytes[offset + 1])
        offset += 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count <= 4, offset + count <= bytes.count else { throw .init(reason: "bad DER length") }
            length = bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
            offset += count
        }
        guard offset + length <= bytes.count else { throw .init(reason: "truncated DER") }
        defer { offset += length }
        return DERReader(bytes: Array(bytes[offset..<offset + length]))
    }
}
