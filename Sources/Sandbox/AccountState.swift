import Cloud
import Foundation

/// What the simulator's Graph management endpoints keep: per number (profile, status, commerce
/// settings, automation, block list), per WABA (templates), and resumable uploads.
struct AccountState: Sendable {
    var phones: [String: PhoneAccount] = [:]
    var wabas: [String: WABAAccount] = [:]
    var uploadSessions: [String: UploadSession] = [:]
    /// Finished uploads by the handle Meta would return.
    var uploadedFiles: [String: SimulatedMedia] = [:]
    /// Every business account's Flows.
    var flows = FlowsState()
    /// The numbers' groups (GroupEndpoints).
    var groups = GroupState()

    /// Runs `body` on a WABA's data, seeding it with Meta's sample templates on first use.
    mutating func withWABA<Result>(_ wabaID: String, _ body: (inout WABAAccount) -> Result) -> Result {
        if wabas[wabaID] == nil { wabas[wabaID] = WABAAccount.seeded() }
        return body(&wabas[wabaID]!)
    }
}

/// One number's account data, with the defaults a fresh sandbox number has.
struct PhoneAccount: Sendable {
    /// The set members of the business profile, by Meta's field name.
    var profile: [String: CloudJSON] = [
        "about": "Sandbox business", "vertical": "OTHER", "websites": ["https://example.com"],
    ]
    var profilePicture: SimulatedMedia?
    /// nil when the `status` field is absent.
    var status: String? = "CONNECTED"
    var cartEnabled = true
    var catalogVisible = false
    var welcomeMessage = false
    var prompts: [String] = []
    var commands: [CloudJSON] = []
    /// Blocked wa_ids, oldest first.
    var blocked: [String] = []
    /// The calling settings Meta would answer; calling starts disabled.
    var calling: [String: CloudJSON] = [
        "status": "DISABLED", "call_icon_visibility": "DEFAULT", "callback_permission_status": "DISABLED",
        "srtp_key_exchange_protocol": "DTLS",
    ]
    /// Ids of the calls under way.
    var calls: Set<String> = []
    /// The business public key in PEM, once one was set.
    var businessPublicKey: String?
}

/// One WABA's message templates, in creation order.
struct WABAAccount: Sendable {
    var templates: [SimulatedTemplate] = []

    /// Two approved templates and a rejected one, like a new test account.
    static func seeded() -> WABAAccount {
        WABAAccount(templates: [
            SimulatedTemplate(
                name: "hello_world", language: "en_US", category: "UTILITY",
                components: [["type": "BODY", "text": "Hello World"]]),
            SimulatedTemplate(
                name: "order_update", language: "en_US", category: "MARKETING",
                components: [
                    ["type": "HEADER", "format": "TEXT", "text": "Order update"],
                    ["type": "BODY", "text": "Your order {{1}} has shipped.", "example": ["body_text": [["A-1"]]]],
                    ["type": "FOOTER", "text": "Sandbox Business"],
                ]),
            SimulatedTemplate(
                name: "promo_blast", language: "es", category: "MARKETING",
                components: [["type": "BODY", "text": "¡Ofertas para todos!"]], status: "REJECTED",
                rejectedReason: "PROMOTIONAL"),
        ])
    }
}

/// A message template as the WABA stores it.
struct SimulatedTemplate: Sendable {
    var id = SimulatedTemplate.newID()
    var name: String
    var language: String
    var category: String
    var components: [CloudJSON]
    var status = "APPROVED"
    var rejectedReason: String?
    var parameterFormat = "POSITIONAL"
    var messageSendTTLSeconds: Int?

    static func newID() -> String {
        String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999))
    }
}

/// A resumable upload session (`POST /{app-id}/uploads`) waiting for its bytes.
struct UploadSession: Sendable {
    var fileName: String
    var fileLength: Int
    var fileType: String
    /// The handle once the bytes arrived.
    var handle: String?
}
