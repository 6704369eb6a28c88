import Cloud
import Store

/// The part of ``GraphAPI`` that manages the account's Flows (`/{waba-id}/flows`, `/{flow-id}`).
public protocol FlowsGraphAPI: Sendable {
}
