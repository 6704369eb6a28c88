/// Why a call to the Cloud API did not produce the expected answer.
public enum CloudCallFailure: Error, Sendable, Hashable {
    /// Meta answered with its error envelope.
    case refused(httpStatus: Int, error: CloudError)
    /// Meta answered something that is neither the expected body nor an error envelope.
    case unexpectedResponse(httpStatus: Int)
    /// The request never reached Meta (connection refused, DNS failure, connect timeout): nothing was sent.
    case unreachable(reason: String)
    /// No answer within the time limit after the request was sent: Meta may or may not have acted on it.
    case timedOut(seconds: Double)
    /// The connection broke after the request was sent: Meta may or may not have acted on it.
    case interrupted(reason: String)
}
