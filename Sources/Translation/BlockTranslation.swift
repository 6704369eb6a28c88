import Cloud
import OneMsg

/// `POST /blockUser`, `POST /unblockUser` and `GET /blockedUsers` ↔ `/{phone-number-id}/block_users`.
public enum BlockTranslation {
    /// The body of Meta's block (`POST`) and unblock (`DELETE`) calls for the user named by `phone` or `chatId`.
    public static func request(_ fields: RequestFields) throws(ValidationError) -> CloudJSON {
        var reader = FieldReader(fields)
        let recipient = reader.recipient()
        guard reader.problems.isEmpty, let recipient else { throw ValidationError(reader.problems) }
        switch recipient {
        case .individual(let digits):
            return [
                "messaging_product": "whatsapp",
                "block_users": [["user": .string(digits)]],
            ]
        case .group:
            throw ValidationError([FieldProblem(field: "chatId", rule: "must name a person (<digits>@c.us); groups cannot be blocked")])
        case .businessScopedUser:
            let field = ["bsuid", "phone", "chatId"].first { !(fields[$0]?.isUnset ?? true) } ?? "chatId"
            throw ValidationError([
                FieldProblem(
                    field: field, rule: "must name a person by number; the bridge blocks by number, not by business-scoped user id")
            ])
        }
    }

    /// Why Meta did not block or unblock the user although the call succeeded (the first reason it
    /// gave for a failed user), or `nil` when it did.
    public static func refusal(in result: CloudBlockUsersResult) -> CloudError? {
        guard let failed = result.blockUsers?.failedUsers?.first else { return nil }
        return failed.errors?.first
            ?? CloudError(code: 139100, message: "Meta could not block or unblock \(failed.input ?? "the user")")
    }

    /// `GET /blockedUsers`: every blocked WhatsApp id with its 1MSG chat id.
    public static func blockedUsers(_ users: [CloudBlockedUser]) -> BlockedUsersReply {
        BlockedUsersReply(blockedUsers: users.map { .init(phone: $0.waID, chatId: "\($0.waID)@c.us") })
    }
}
