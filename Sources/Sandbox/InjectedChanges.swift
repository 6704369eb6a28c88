import Cloud
import Foundation
import Hummingbird

extension CloudSimulator {
    /// `POST /sandbox/change` with a JSON body `{"field": "<Meta's field>", "value": {…}, "phone_number_id"?: "…"}`:
    /// posts the signed webhook Meta would send with that one change (calls, group events, history, contact sync,
    /// user id updates, or any field), adding `messaging_product` and the number's `metadata` when the value has
    /// none. The value is sent as given, member for member.
    static func injectChange(request: Request, state: SimulatorState, poster: StatusWebhookPoster) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        guard case .object(let fields)? = try? JSONDecoder().decode(CloudJSON.self, from: body),
            let field = fields["field"]?.text, !field.isEmpty, case .object(var value)? = fields["value"]
        else {
            return error(400, code: 100, #"the body must be {"field": "<webhook field>", "value": {…}}"#)
        }
        guard let number = state.number(fields["phone_number_id"]?.text ?? "") ?? state.firstNumber else {
            return error(400, code: 100, "no such phone_number_id in the simulator")
        }
        guard state.webhookURL != nil else {
            return error(409, code: 100, "the simulator has no webhook URL to post to")
        }
        if value["messaging_product"] == nil { value["messaging_product"] = "whatsapp" }
        if value["metadata"] == nil {
            value["metadata"] = [
                "display_phone_number": .string(number.displayPhoneNumber), "phone_number_id": .string(number.phoneNumberID),
            ]
        }
        let payload: CloudJSON = [
            "object": "whatsapp_business_account",
            "entry": [["id": .string(number.wabaID), "changes": [["field": .string(field), "value": .object(value)]]]],
        ]
        let status = await poster.post(body: Array(try JSONEncoder().encode(payload)), signedFor: number)
        return json200(["field": field, "webhookStatus": String(status)])
    }
}
