import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sandbox
import Testing
import Translation

@testable import Server

@Suite("Media links")
struct MediaTests {
    static func imageMessage(mediaID: String) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001001","phone_number_id":"1001"},
          "contacts":[{"profile":{"name":"Sheena"},"wa_id":"12020721369"}],
          "messages":[{"from":"12020721369","id":"wamid.IMG1","timestamp":"1700000000","type":"image",
                       "image":{"id":"\(mediaID)","mime_type":"image/jpeg","sha256":"abc","caption":"look"}}]}}]}]}
        """
    }

    @Test(".live: an inbound image's body is a signed bridge URL that streams the file from Meta with its type")
    func streamsMedia() async throws {
        let world = try await TestWorld.make()
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 7, count: 100_000)
        world.simulator.addMedia(id: "778899", mimeType: "image/jpeg", bytes: jpeg)
        let receiver = WebhookReceiver()
        try await world.withSimulator { graphURL in
            try await receiver.run { hook in
                try await DeliveryLiveTests.configure(world, hook: hook)
                let app = try await buildApplication(world.configuration(graphURL: graphURL))
                try await app.test(.live) { client in
                    let answer = try await client.postSigned(Self.imageMessage(mediaID: "778899"))
                    #expect(answer.status == .ok)
                    #expect(await eventually { receiver.delivered.count == 1 })
                    let item = try #require(receiver.items("messages").first)
                    #expect(item["type"] as? String == "image")
                    #expect(item["caption"] as? String == "look")
                    let body = try #require(item["body"] as? String)
                    let link = try #require(URLComponents(string: body))
                    #expect(link.path == "/alpha/media/778899")
                    let pathAndQuery = "\(link.path)?\(link.percentEncodedQuery ?? "")"

                    let file = try await client.execute(uri: pathAndQuery, method: .get)
                    #expect(file.status == .ok)
                    #expect(file.headers[.contentType] == "image/jpeg")
                    #expect(Array(buffer: file.body) == jpeg)

                    let tampered = try await client.execute(uri: pathAndQuery.replacingOccurrences(of: "778899", with: "778890"), method: .get)
                    #expect(tampered.status == .forbidden)
                    let unsigned = try await client.execute(uri: link.path, method: .get)
                    #expect(unsigned.status == .badRequest)
                }
            }
        }
    }

    @Test("links expire after their lifetime and are bound to channel and media id")
    func expiry() throws {
        let links = MediaLinks(keyBytes: Data("key".utf8), baseURL: .init("https://bridge.test"))
        let issued = Date(timeIntervalSince1970: 1_700_000_000)
        let url = try #require(
            URLComponents(string: links.url(channelID: "alpha", media: InboundMedia(id: "1", mimeType: "image/jpeg"), now: issued)))
        let expires = url.queryItems?.first { $0.name == "expires" }?.value
        let signature = url.queryItems?.first { $0.name == "signature" }?.value
        #expect(url.host == "bridge.test")
        #expect(links.verify(channelID: "alpha", mediaID: "1", expires: expires, signature: signature, now: issued) == nil)
        #expect(
            links.verify(channelID: "alpha", mediaID: "1", expires: expires, signature: signature, now: issued.addingTimeInterval(8 * 86400))
                == .expired)
        #expect(links.verify(channelID: "beta", mediaID: "1", expires: expires, signature: signature, now: issued) == .tampered)
        #expect(links.verify(channelID: "alpha", mediaID: "1", expires: "9999999999", signature: signature, now: issued) == .tampered)
        #expect(links.verify(channelID: "alpha", mediaID: "1", expires: nil, signature: signature, now: issued) == .malformed)
    }
}
