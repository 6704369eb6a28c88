import Delivery
import Logging
import ServiceLifecycle
import Store

/// Applies the changes other instances on the same database announce (``BridgeStore/followChanges(_:)``): queued
/// events wake this instance's dispatcher, changed templates drop its cached list, a changed channel drops the cached
/// channels, so a rotated token or changed settings apply on every instance as soon as the change is announced.
struct StoreChangeFollower: Service {
    let store: any BridgeStore
    let signal: DeliverySignal
    let templates: TemplateCatalog
    let channels: ChannelDirectory
    let logger: Logger

    func run() async throws {
        guard store.announcesChanges else {
            // Nothing to follow; a service that returned would stop the group.
            try? await gracefulShutdown()
            return
        }
        logger.info("following other instances' changes")
        try await cancelWhenGracefulShutdown {
            try await store.followChanges { change in await apply(change) }
        }
    }

    func apply(_ change: StoreChange) async {
        switch change {
        case .outboxQueued:
            signal.notify()
        case .templates(let channelID):
            await templates.invalidate(channelID: channelID)
        case .resync:
            channels.invalidate()
            await templates.invalidateAll()
            signal.notify()
        case .channel:
            channels.invalidate()
        }
    }
}
