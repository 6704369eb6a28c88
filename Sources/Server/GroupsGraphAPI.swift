import Cloud
import Store

/// The part of ``GraphAPI`` that manages the business number's groups (`/{phone-number-id}/groups`, `/{group-id}`).
public protocol GroupsGraphAPI: Sendable {
}
