/// The errors the bridge itself gives on its Cloud API surface, written as Meta writes them so Cloud API clients
/// (pywa, whatsapp-api-js, Meta's samples) read them as they read Meta's: `{"error": {"message", "type", "code",
/// "error_data": {"messaging_product", "details"}, "fbtrace_id"}}`.
extension CloudError {
    /// 400, code 100: the body breaks Meta's message schema. The message names the first problem, the details all.
    public static func invalidParameter(_ problems: [CloudMessageSchema.Problem], traceID: String) -> CloudError {
        let first = problems.first?.description ?? "the request is not valid"
        return CloudError(
            code: 100, message: "(#100) Invalid parameter: \(first)",
            details: problems.map(\.description).joined(separator: "; "), fbtraceID: traceID)
    }

    /// 400, code 100: the body is not JSON (or not the form fields an upload takes).
    public static func unreadableBody(_ reason: String, traceID: String) -> CloudError {
        CloudError(code: 100, message: "(#100) Invalid parameter: \(reason)", details: reason, fbtraceID: traceID)
    }

    /// 401, code 190: no token, or one no channel has. The details say which token this surface takes.
    public static func invalidToken(traceID: String) -> CloudError {
        CloudError(
            code: 190, message: "Invalid OAuth access token - Cannot parse access token",
            details: "Send the channel's bridge token as Authorization: Bearer <token> (not a Meta access token)",
            fbtraceID: traceID)
    }

    /// 403, code 200: a valid token for an object (phone number id, WhatsApp Business Account, media) its channel does
    /// not own. The object is named as the client named it; nothing of the other channel is shown.
    public static func permissionDenied(object: String, traceID: String) -> CloudError {
        CloudError(
            code: 200, message: "(#200) Permissions error",
            details: "This token's channel has no permission for the object with ID '\(object)'", fbtraceID: traceID)
    }

    /// Any other refusal of the bridge (idempotency conflicts, limits, a store failure), with Meta's generic codes.
    public static func bridgeRefusal(code: Int, message: String, transient: Bool, traceID: String) -> CloudError {
        CloudError(
            code: code, message: message, details: message, isTransient: transient ? true : nil, fbtraceID: traceID)
    }
}
