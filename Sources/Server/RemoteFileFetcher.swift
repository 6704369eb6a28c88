import AsyncHTTPClient
import Foundation
import IPAddressing
import NIOCore
import OneMsg
import Translation

/// Downloads files from URLs API clients give (uploadMedia by URL), refusing addresses the
/// ``FetchPolicy`` forbids at every redirect hop, and stopping at a size limit.
struct RemoteFileFetcher: Sendable {
    /// The settings of the short-lived pinned clients (timeouts); redirects are never followed by the client, so
    /// that every hop is checked.
    let clientConfiguration: HTTPClient.Configuration
    /// Refuses forbidden addresses and answers the checked one each hop connects to.
    let addressGuard: AddressGuard
    let timeout: Duration

    static let maxRedirects = 5

    /// The file at `url`, spooled to disk (the caller deletes it), or a problem naming `field` that explains the refusal or failure.
    func fetch(_ url: String, field: String, maxBytes: Int) async throws(ValidationError) -> UploadedFile {
        var current = url
        for _ in 0...Self.maxRedirects {
            guard let components = URLComponents(string: current), let host = PinnedHTTPClient.host(of: current),
                ["http", "https"].contains(components.scheme?.lowercased() ?? "")
            else { throw problem(field, "must be an absolute http:// or https:// URL") }
            let checked: CheckedHost
            do {
                checked = try await addressGuard.check(host: host)
            } catch {
                throw problem(field, Self.rule(for: error, host: host))
            }
            let hop: Hop
            do {
                // Connected to the checked address: a DNS answer that changed since the check is never used.
                hop = try await PinnedHTTPClient.with(checked, configuration: clientConfiguration) { client in
                    try await exchange(current, client: client, field: field, maxBytes: maxBytes)
                }
            } catch let error as ValidationError {
                throw error
            } catch {
                throw problem(field, "could not be downloaded: \(Self.describe(error))")
            }
            switch hop {
            case .redirect(let next): current = next
            case .file(let file): return file
            }
        }
        throw problem(field, "redirects more than \(Self.maxRedirects) times")
    }

    /// What one hop came to.
    private enum Hop {
        case redirect(String)
        case file(UploadedFile)
    }

    private func exchange(_ current: String, client: HTTPClient, field: String, maxBytes: Int) async throws -> Hop {
        var request = HTTPClientRequest(url: current)
        request.headers.add(name: "User-Agent", value: "onemsg-bridge")
        let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanosecondsValue))
        if (300..<400).contains(response.status.code), let location = response.headers.first(name: "Location"),
            let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString
        {
            return .redirect(next)
        }
        guard response.status.code == 200 else {
            throw problem(field, "could not be downloaded: the server answered HTTP \(response.status.code)")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
            throw problem(
                field, "points to a file of \(MediaTranslation.megabytes(length)), more than the limit of \(MediaTranslation.megabytes(maxBytes))"
            )
        }
        // Written to a spool file as it arrives: a 100 MB document never sits in memory.
        guard let spool = try? FileSpool.create() else { throw problem(field, "could not be stored; retry later") }
        var size = 0
        do {
            defer { try? spool.handle.close() }
            for try await chunk in response.body {
                size += chunk.readableBytes
                if size > maxBytes {
                    throw problem(field, "points to a file larger than the limit of \(MediaTranslation.megabytes(maxBytes))")
                }
                try spool.handle.write(contentsOf: chunk.readableBytesView)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: spool.path)
            throw error
        }
        let contentType = response.headers.first(name: "Content-Type")
        let name = MediaTranslation.lastPathComponent(of: current)
        return .file(
            UploadedFile(filename: name, contentType: contentType, contents: .spooled(path: spool.path, size: size), fieldName: field))
    }

    /// The rule a refused host broke, for the field's problem.
    static func rule(for refusal: AddressRefusal, host: String) -> String {
        switch refusal {
        case .unresolvable: "names a host that does not resolve (\(host))"
        case .forbidden(let kind, let address):
            "resolves to a \(kind.rawValue) address (\(address)); the bridge fetches only public addresses unless configured otherwise"
        }
    }

    private func problem(_ field: String, _ rule: String) -> ValidationError {
        ValidationError([FieldProblem(field: field, rule: rule)])
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout: return "the download timed out"
            default: return "the connection failed"
            }
        }
        return "the connection failed"
    }
}
