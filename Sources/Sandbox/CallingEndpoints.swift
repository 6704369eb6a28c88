import Cloud
import Foundation
import Hummingbird

/// Graph endpoints about calls and keys on a business number: its settings (`/{phone-number-id}/settings`, the
/// calling part), call actions (`/{phone-number-id}/calls`) and the business public key
/// (`/{phone-number-id}/whatsapp_business_encryption`).
enum CallingEndpoints {
    static let callingValues: [String: Set<String>] = [
        "status": ["ENABLED", "DISABLED"], "call_icon_visibility": ["DEFAULT", "DISABLE_ALL"],
        "callback_permission_status": ["ENABLED", "DISABLED"], "srtp_key_exchange_protocol": ["DTLS", "SDES"],
    ]
    static let callingObjects: Set = ["call_hours", "sip", "video", "audio"]

    /// `GET /{version}/{phone-number-id}/settings`.
    static func settings(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let calling = state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()].calling }
        return CloudSimulator.json200(["calling": .object(calling), "storage_configuration": ["status": "DEFAULT"]] as CloudJSON)
    }

    /// `POST /{version}/{phone-number-id}/settings` with `{"calling": {…}}`: Meta's values, then the settings change.
    static func updateSettings(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let json = try call.jsonObject()
        guard json.count == 1, let calling = json["calling"]?.asObject else {
            throw GraphFailure(400, "Param calling is required and must be the only setting of this request")
        }
        for (key, value) in calling {
            if let allowed = callingValues[key] {
                guard let text = value.asString, allowed.contains(text) else {
                    throw GraphFailure(400, "Param calling[\(key)] must be one of {\(allowed.sorted().joined(separator: ", "))}")
                }
            } else if !callingObjects.contains(key) || value.asObject == nil {
                throw GraphFailure(400, "Param calling[\(key)] is not a valid calling setting")
            }
        }
        state.withAccounts { accounts in
            accounts.phones[number.phoneNumberID, default: PhoneAccount()].calling.merge(calling) { _, new in new }
        }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    /// `POST /{version}/{phone-number-id}/calls`: `connect` opens a call (refused while calling is disabled); the
    /// other actions need a call the number has.
    static func callAction(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let json = try call.jsonObject()
        guard json["messaging_product"]?.asString == "whatsapp" else {
            throw GraphFailure(400, "The parameter messaging_product is required.")
        }
        let action = json["action"]?.asString ?? ""
        let enabled = state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()].calling["status"] == "ENABLED" }
        switch action {
        case "connect":
            guard enabled else { throw GraphFailure(400, code: 138000, "Calling is not enabled for this phone number") }
            guard let to = json["to"]?.asString, to.wholeMatch(of: /[0-9]{7,15}/) != nil else {
                throw GraphFailure(400, "The parameter to is required.")
            }
            try checkSession(json["session"], type: "offer")
            let id = "wacid.\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
            state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()].calls.insert(id) }
            return CloudSimulator.json200(["messaging_product": "whatsapp", "calls": [["id": .string(id)]]] as CloudJSON)
        case "pre_accept", "accept", "reject", "terminate":
            let id = json["call_id"]?.asString ?? ""
            let known = state.withAccounts { accounts in
                let calls = accounts.phones[number.phoneNumberID, default: PhoneAccount()].calls
                if action == "reject" || action == "terminate" { accounts.phones[number.phoneNumberID]?.calls.remove(id) }
                return calls.contains(id)
            }
            guard known else { throw GraphFailure(400, code: 138006, "Call \(id) does not exist or has ended") }
            if action == "pre_accept" || action == "accept" { try checkSession(json["session"], type: "answer") }
            return CloudSimulator.json200(["messaging_product": "whatsapp", "success": true] as CloudJSON)
        default:
            throw GraphFailure(400, "Param action must be one of {connect, pre_accept, accept, reject, terminate}")
        }
    }

    static func checkSession(_ session: CloudJSON?, type: String) throws(GraphFailure) {
        guard let session = session?.asObject, session["sdp_type"]?.asString == type, !(session["sdp"]?.asString ?? "").isEmpty else {
            throw GraphFailure(400, "Param session must be {sdp_type: \(type), sdp}")
        }
    }

    /// `GET /{version}/{phone-number-id}/whatsapp_business_encryption`.
    static func encryption(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let key = state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()].businessPublicKey }
        let data: [CloudJSON] = key.map { [["business_public_key": .string($0), "business_public_key_signature_status": "VALID"]] } ?? []
        return CloudSimulator.json200(["data": .array(data)] as CloudJSON)
    }

    /// `POST /{version}/{phone-number-id}/whatsapp_business_encryption`: a multipart `business_public_key` in PEM.
    static func setEncryption(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let number = try call.phoneNumber(in: state)
        let contentType = call.request.headers[.contentType] ?? ""
        guard let boundary = contentType.firstMatch(of: /boundary="?([^";]+)"?/).map({ String($0.1) }),
            let parts = MediaUploads.parse(call.body, boundary: boundary)
        else { throw GraphFailure(400, "The request must be multipart/form-data") }
        guard let key = parts.fields["business_public_key"],
            key.contains("-----BEGIN PUBLIC KEY-----") || key.contains("-----BEGIN RSA PUBLIC KEY-----")
        else { throw GraphFailure(400, "Param business_public_key must be a PEM public key") }
        state.withAccounts { $0.phones[number.phoneNumberID, default: PhoneAccount()].businessPublicKey = key }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }
}
