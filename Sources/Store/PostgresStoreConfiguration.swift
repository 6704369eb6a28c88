import Foundation
import NIOSSL
import PostgresNIO

/// Where a ``PostgresStore`` connects, read from a `--database` URL:
/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require|verify-ca|verify-full]`.
///
/// `sslmode` means what it means to libpq: `prefer` (the default) and `require` encrypt without checking the
/// server's certificate, `verify-ca` checks it against the system's trusted roots, `verify-full` also checks the
/// host name. The description is ``redacted``: the password never shows in a log or an error.
public struct PostgresStoreConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode`.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate.
        case prefer
        /// TLS or no connection, without checking the server's certificate.
        case require
        /// TLS with a certificate signed by a trusted root, whatever host it names.
        case verifyCA = "verify-ca"
        /// TLS with a trusted certificate for this host.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address.
    public var host: String
    /// The server's TCP port (5432 when the URL names none).
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password; never part of a description.
    public var password: String?
    /// The database (the user name when the URL names none, as libpq does).
    public var database: String
    /// How the connection uses TLS.
    public var sslMode: SSLMode
    /// The most connections the store keeps open at once.
    public var poolSize: Int

    /// Reads a `postgres://` (or `postgresql://`) URL; throws ``StoreError/unsupportedDatabase(_:)`` with a reason
    /// that never repeats the password.
    public init(url: String, poolSize: Int = 10) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError.unsupportedDatabase("--database is not a valid postgres:// URL (user, host and database must be URL-encoded)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.unsupportedDatabase("the postgres:// URL of --database names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw StoreError.unsupportedDatabase("the postgres:// URL of --database names no user (postgres://USER@host/database)")
        }
        guard poolSize > 0 else {
            throw StoreError.unsupportedDatabase("the database pool size must be at least 1, not \(poolSize)")
        }
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw StoreError.unsupportedDatabase(
                    "the postgres:// URL of --database takes only the sslmode parameter, not \(item.name)")
            }
            guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw StoreError.unsupportedDatabase("sslmode must be one of \(modes)")
            }
            sslMode = mode
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.database = path.isEmpty ? username : path
        self.sslMode = sslMode
        self.poolSize = poolSize
    }

    /// The URL with the password replaced by `***`.
    public var redacted: String {
        let user = password == nil ? username : "\(username):***"
        let address = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(address):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// The ``redacted`` URL.
    public var description: String { redacted }

    /// The same server and role, another database.
    public func with(database: String) -> Self {
        var copy = self
        copy.database = database
        return copy
    }

    /// The pooled client's configuration.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(tlsConfiguration)
            case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = poolSize
        return configuration
    }

    /// The configuration of a single connection outside the pool (migrations, and work before the pool runs).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification =
            switch sslMode {
            case .disable, .prefer, .require: .none
            case .verifyCA: .noHostnameVerification
            case .verifyFull: .fullVerification
            }
        return configuration
    }
}
