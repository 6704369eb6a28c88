import Cloud
import Hummingbird
import OneMsg
import Store
import Translation

/// Turns ``HandleUpload``s (profile pictures, template header examples) into Meta file handles:
/// downloads URLs under the fetch rules, checks type and size, and puts each file through Meta's
/// resumable upload on the channel's app.
struct HandleUploader: Sendable {
    let graph: any GraphAPI
    let fetcher: RemoteFileFetcher
    let metrics: BridgeMetrics

    /// The handles of `uploads`, in order; nothing is uploaded when a file breaks a rule.
    func handles(for uploads: [HandleUpload], channel: ChannelRecord) async throws -> [String] {
        guard let first = uploads.first else { return [] }
        guard let appID = channel.settings.metaAppID else {
            throw BridgeError.invalid(
                ValidationError([
                    FieldProblem(
                        field: first.field,
                        rule: "cannot be uploaded: Meta's resumable upload needs the channel's Meta app id, which is not set; "
                            + "the operator sets it with `onemsg-bridge channel update --id \(channel.id) --app-id <app id>`")
                ]))
        }
        var files: [UploadedFile] = []
        defer { FileSpool.remove(files) }
        for upload in uploads {
            switch upload.source {
            case .file(let file):
                files.append(file)
            case .url(let url):
                do {
                    files.append(try await fetcher.fetch(url, field: upload.field, maxBytes: upload.maxBytes))
                } catch {
                    throw BridgeError.invalid(error)
                }
            }
        }
        let problems = zip(uploads, files).compactMap { upload, file in upload.problem(with: file) }
        guard problems.isEmpty else { throw BridgeError.invalid(ValidationError(problems)) }
        var handles: [String] = []
        for (upload, file) in zip(uploads, files) {
            let outcome = await graph.uploadHandle(file, mimeType: upload.mimeType(of: file), appID: appID, channel: channel)
            handles.append(try metrics.upstreamResult("resumableUpload", changes: true, outcome))
        }
        return handles
    }
}

extension BridgeMetrics {
    /// Counts one Cloud call of a non-send operation and answers its result, or throws the 1MSG error for its
    /// failure. `changes`: the call would change something at Meta (a write), not only read.
    func upstreamResult<Success>(_ operation: String, changes: Bool, _ outcome: Result<Success, CloudCallFailure>) throws -> Success {
        recordUpstream(operation: operation, outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let value): return value
        case .failure(let failure): throw BridgeError.upstream(failure, changes: changes)
        }
    }

    /// Counts one Cloud write and answers `reply` of its success, or Meta's refusal in 1MSG's legacy wrapper,
    /// HTTP 200 `{"response": {"error": …}}` (conversational automation, calling).
    func legacyReply<Success>(
        _ operation: String, _ outcome: Result<Success, CloudCallFailure>, reply: (Success) -> some Encodable
    ) throws -> Response {
        recordUpstream(operation: operation, outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let value): return try BridgeJSON.response(reply(value))
        case .failure(let failure): return try BridgeJSON.response(LegacyErrorReply(error: BridgeError.upstream(failure).message))
        }
    }
}
