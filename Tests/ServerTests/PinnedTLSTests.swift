import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import IPAddressing
import Logging
import NIOCore
import NIOSSL
import OneMsg
import Testing

@testable import Server

@Suite("Pinned connections over HTTPS")
struct PinnedTLSTests {
    /// A self-signed certificate for `files.pinned.test` only (no IP address in it), valid until 2126; test data.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBrDCCAVOgAwIBAgIUKbrwPsjb0e+KKuaFNSctNUlxx8EwCgYIKoZIzj0EAwIw
        HDEaMBgGA1UEAwwRZmlsZXMucGlubmVkLnRlc3QwIBcNMjYxMjAxMTg0ODI2WhgP
        MjEyNjExMDcxODQ4MjZaMBwxGjAYBgNVBAMMEWZpbGVzLnBpbm5lZC50ZXN0MFkw
        EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESiJrVSXhCRouCEgmrmzhxaDwKSbdw+IR
        stti6VQCmmfhWQ95xxPePqHVTTrv+W/MOYWTBLn4Z8+RCb3qZDSvtaNxMG8wHQYD
        VR0OBBYEFJYshGPhF4FQ7sYIXOrLd2tPlu4PMB8GA1UdIwQYMBaAFJYshGPhF4FQ
        7sYIXOrLd2tPlu4PMA8GA1UdEwEB/wQFMAMBAf8wHAYDVR0RBBUwE4IRZmlsZXMu
        cGlubmVkLnRlc3QwCgYIKoZIzj0EAwIDRwAwRAIgZbv9nSr+89Piv04zxyiostfO
        7vshPIG00wL0qHTWo0gCIF6AEIgTXnsp9042S3EeGth4l5fw6mlgTkdAm5RHv8Jh
        -----END CERTIFICATE-----
        """
    /// Its private key (test data, protects nothing).
    static let key = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgI/KBxAVZVoak3BNT
        1O55joHSiEMcn0NdGIR1VZQs8GChRANCAARKImtVJeEJGi4ISCaubOHFoPApJt3D
        4hGy22LpVAKaZ+FZD3nHE94+odVNOu/5b8w5hZMEufhnz5EJvepkNK+1
        -----END PRIVATE KEY-----
        """

    @Test(".live: a pinned HTTPS download sends the name as SNI and verifies the certificate against the name, not the address")
    func httpsKeepsTheName() async throws {
        let certificate = try NIOSSLCertificate(bytes: Array(Self.certificate.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(Self.key.utf8), format: .pem)
        let router = Router()
        router.get("file") { _, _ in "pinned" }
        let app = Application(
            router: router,
            server: try .tls(
                tlsConfiguration: .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "tls-files", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            var configuration = HTTPClient.Configuration()
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates([certificate])
            configuration.tlsConfiguration = tls
            let fetcher = RemoteFileFetcher(
                clientConfiguration: configuration,
                addressGuard: AddressGuard(policy: FetchPolicy(allowLoopback: true), resolve: { _ in ["127.0.0.1"] }), timeout: .seconds(5))
            let file = try await fetcher.fetch("https://files.pinned.test:\(port)/file", field: "url", maxBytes: 1000)
            guard case .spooled(let path, _) = file.contents else {
                Issue.record("not spooled")
                return
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "pinned")
            // The same address under another name: the certificate does not name it, so the download is refused.
            let refused = await #expect(throws: ValidationError.self) {
                _ = try await fetcher.fetch("https://other.pinned.test:\(port)/file", field: "url", maxBytes: 1000)
            }
            #expect(refused?.description == "url: could not be downloaded: the connection failed", "\(String(describing: refused))")
        }
    }
}
