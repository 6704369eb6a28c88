import Cloud
import Foundation
import JSONValue
import Translation

/// libFuzzer's entry point: a body of the Cloud surface's `POST /{phone-number-id}/messages` as the bridge reads it:
/// the nesting check, the JSON decode, Meta's message schema, then (for an accepted body) the history entry it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudSurface(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard !JSONNesting.exceeds(JSONNesting.maxDepth, in: bytes),
        let body = try? JSONDecoder().decode(CloudJSON.self, from: Data(bytes))
    else { return 0 }
    guard CloudMessageSchema.problems(in: body).isEmpty else { return 0 }
    _ = CloudSurfaceTranslation.sent(body)
    return 0
}
