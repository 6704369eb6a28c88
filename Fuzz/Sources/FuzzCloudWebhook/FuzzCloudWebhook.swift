import Cloud
import Foundation
import Translation

/// libFuzzer's entry point: decodes the input as Meta's `POST /cloud/webhook` body is decoded, then translates
/// every change into the 1MSG events the bridge would queue, as the webhook does after the signature check.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudWebhook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let payload = try? CloudWebhookPayload.decoding(bytes) else { return 0 }
    _ = payload.phoneNumberIDs
    for change in payload.entry.flatMap(\.changes) {
        let events = InboundTranslation.events(from: change.value, field: change.field) { media in
            "https://bridge.invalid/media/\(media)"
        }
        _ = events
    }
    _ = try? JSONEncoder().encode(payload)
    return 0
}
