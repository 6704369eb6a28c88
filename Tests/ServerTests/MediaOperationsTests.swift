import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import IPAddressing
import Logging
import Sandbox
import Testing

@testable import Server

/// A public-looking file host on a free loopback port: `GET /files/{name}` serves bytes, `GET /redirect?to=`
/// answers 302 to any address.
struct FileHost {
    static func run<T: Sendable>(files: [String: (String, [UInt8])], _ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("files/:name") { _, context -> Response in
            guard let (type, bytes) = files[context.parameters.get("name") ?? ""] else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("redirect") { request, _ -> Response in
            Response(status: .found, headers: [.location: request.uri.queryParameters["to"].map(String.init) ?? "/"])
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "files", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }
}

@Suite("Media: sendFile uploads, uploadMedia, retrieveMedia, delete")
struct MediaOperationsTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("sandbox image".utf8)
    static let token = "token=\(TestWorld.alphaToken)"

    /// The simulator's requests to `/media`, then to `/messages`.
    static func split(_ requests: [RecordedRequest]) -> (uploads: [RecordedRequest], messages: [RecordedRequest]) {
        (requests.filter { $0.path.hasSuffix("/media") }, requests.filter { $0.path.hasSuffix("/messages") })
    }

    @Test(".live: sendFile with a data: URI uploads the file, then sends an image by that media id")
    func sendFileDataURI() async throws {
        let world = try await TestWorld.make()
        let uri = "data:image/png;base64,\(Data(Self.png).base64EncodedString())"
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let response = try await client.post(
                    "/alpha/sendFile?\(Self.token)", #"{"chatId": "12020721369@c.us", "body": "\#(uri)", "caption": "Look"}"#,
                    contentType: "application/json")
                #expect(response.json["sent"] as? Bool == true, "\(response.text)")
            }
        }
        let (uploads, messages) = Self.split(world.simulator.requests)
        let upload = try #require(uploads.first)
        #expect(upload.path == "/v23.0/1001/media")
        let uploadText = String(decoding: upload.body, as: UTF8.self)
        #expect(uploadText.contains("name=\"messaging_product\"\r\n\r\nwhatsapp"))
        #expect(uploadText.contains("name=\"type\"\r\n\r\nimage/png"))
        #expect(upload.body.count > Self.png.count)
        let image = try #require((messages.first?.json as? [String: Any])?["image"] as? [String: Any])
        let mediaID = try #require(image["id"] as? String)
        #expect(world.simulator.hasMedia(mediaID))
        #expect(image["caption"] as? String == "Look")
        #expect(image["link"] == nil)
        let history = try await world.store().messages(channelID: "alpha")
        #expect(history.map(\.type) == ["image"])
    }

    @Test(".live: sendFile with a multipart file part uploads it, then sends a document with its file name")
    func sendFileMultipart() async throws {
        let world = try await TestWorld.make()
        let boundary = "XyZ"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n12020721369\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"body\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 report\r\n"
            + "--\(boundary)--\r\n"
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let response = try await client.post(
                    "/alpha/sendFile?\(Self.token)", body, contentType: "multipart/form-data; boundary=\(boundary)")
                #expect(response.json["sent"] as? Bool == true, "\(response.text)")
            }
        }
        let (uploads, messages) = Self.split(world.simulator.requests)
        let upload = try #require(uploads.first)
        #expect(String(decoding: upload.body, as: UTF8.self).contains("%PDF-1.4 report"))
        let document = try #require((messages.first?.json as? [String: Any])?["document"] as? [String: Any])
        let documentID = try #require(document["id"] as? String)
        #expect(world.simulator.hasMedia(documentID))
        #expect(document["filename"] as? String == "report.pdf")
    }

    @Test(".live: a 20 MB multipart document (over the 16 MiB body limit) streams through a spool file to Meta; the spool is deleted")
    func largeDocumentStreams() async throws {
        let world = try await TestWorld.make()
        let size = 20 * 1024 * 1024
        let boundary = "LargeBoundary"
        var body = ByteBuffer(
            string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"chatId\"\r\n\r\n12020721369@c.us\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"body\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeRepeatingByte(0x42, count: size)
        body.writeString("\r\n--\(boundary)--\r\n")
        let request = body
        let spoolsBefore = Self.spoolFiles()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let response = try await client.execute(
                    uri: "/alpha/sendFile?\(Self.token)", method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: request)
                #expect(response.json["sent"] as? Bool == true, "\(response.text)")
            }
        }
        let (uploads, messages) = Self.split(world.simulator.requests)
        let upload = try #require(uploads.first)
        #expect(upload.body.count > size && upload.body.count < size + 1024)
        let document = try #require((messages.first?.json as? [String: Any])?["document"] as? [String: Any])
        #expect(document["filename"] as? String == "big.pdf")
        #expect(Self.spoolFiles(atLeast: size).subtracting(spoolsBefore).isEmpty)
    }

    /// The spool files in the temporary directory, only those of `atLeast` bytes or more when given (tests running
    /// at the same time spool smaller files of their own).
    static func spoolFiles(atLeast minimumSize: Int = 0) -> Set<String> {
        let directory = NSTemporaryDirectory()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasPrefix("onemsg-bridge-upload-") } ?? []
        return Set(
            names.filter { name in
                let size = (try? FileManager.default.attributesOfItem(atPath: directory + name)[.size] as? Int) ?? 0
                return size >= minimumSize
            })
    }

    @Test("sendFile: an image over 5 MB → 400 naming the limit; a refused upload → sent:false and no message")
    func sendFileLimitsAndUploadRefusal() async throws {
        let world = try await TestWorld.make()
        let big = Data(repeating: 0x41, count: 5 * 1024 * 1024 + 1).base64EncodedString()
        let graph = FakeGraphAPI.refusingEverything(with: .meta(131053, "(#131053) Media upload error"))
        let app = try await world.bridge(graph: graph)
        try await app.test(.router) { client in
            let tooBig = try await client.post(
                "/alpha/sendFile?\(Self.token)", #"{"phone": "12020721369", "body": "data:image/jpeg;base64,\#(big)"}"#,
                contentType: "application/json")
            #expect(tooBig.status == .badRequest)
            #expect(
                tooBig.json["error"] as? String
                    == "Invalid request: body: is 5.0 MB; WhatsApp accepts image files up to 5 MB")
            #expect(graph.log.all.isEmpty)

            let refused = try await client.post(
                "/alpha/sendFile?\(Self.token)",
                #"{"phone": "12020721369", "body": "data:image/png;base64,\#(Data(Self.png).base64EncodedString())"}"#,
                contentType: "application/json")
            #expect(refused.json["sent"] as? Bool == false)
            #expect((refused.json["message"] as? String)?.hasPrefix("The file upload failed, so nothing was sent. 131053: ") == true)
        }
        #expect(graph.log.operations == ["uploadMedia"], "no message is sent after a refused upload")
    }

    @Test(".live: uploadMedia → mediaId; retrieveMedia → a bridge link that downloads it; DELETE and POST /deleteMedia")
    func uploadRetrieveDelete() async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let uploaded = try await client.post(
                    "/alpha/uploadMedia?\(Self.token)",
                    #"{"body": "data:image/png;base64,\#(Data(Self.png).base64EncodedString())"}"#, contentType: "application/json")
                let mediaID = try #require(uploaded.json["mediaId"] as? String, "\(uploaded.text)")
                #expect(world.simulator.hasMedia(mediaID))

                let info = try await client.execute(uri: "/alpha/retrieveMedia?\(Self.token)&mediaId=\(mediaID)", method: .get)
                #expect(info.json["id"] as? String == mediaID)
                #expect(info.json["mimeType"] as? String == "image/png")
                #expect(info.json["fileSize"] as? Int == Self.png.count)
                let url = try #require(info.json["url"] as? String)
                let link = try #require(URLComponents(string: url))
                #expect(link.path == "/alpha/media/\(mediaID)")
                let download = try await client.execute(uri: "\(link.path)?\(link.percentEncodedQuery ?? "")", method: .get)
                #expect(download.status == .ok)
                #expect(Array(buffer: download.body) == Self.png)

                let deleted = try await client.execute(uri: "/alpha/media/\(mediaID)?\(Self.token)", method: .delete)
                #expect(deleted.json["result"] as? String == "success")
                #expect(!world.simulator.hasMedia(mediaID))
                let again = try await client.post("/alpha/deleteMedia?\(Self.token)", "mediaId=\(mediaID)")
                #expect(again.status == .notFound)
                #expect((again.json["error"] as? String)?.hasPrefix("100: ") == true)
                let missing = try await client.post("/alpha/deleteMedia?\(Self.token)", "")
                #expect(missing.json["error"] as? String == "Invalid request: mediaId: is required")
            }
        }
    }

    @Test(".live: uploadMedia by URL refuses private, loopback and redirected-to-private addresses unless allowed")
    func uploadByURL() async throws {
        let world = try await TestWorld.make()
        try await FileHost.run(files: ["a.png": ("image/png", Self.png)]) { host in
            let refusing = FakeGraphAPI()
            let strict = try await world.bridge(graph: refusing)
            try await strict.test(.router) { client in
                for (url, kind) in [
                    ("http://10.1.2.3/a.png", "private"), ("\(host)/files/a.png", "loopback"),
                    ("http://169.254.169.254/latest/meta-data", "link-local"), ("http://[::1]/x", "loopback"),
                ] {
                    let response = try await client.post("/alpha/uploadMedia?\(Self.token)", "body=\(url)")
                    #expect(response.status == .badRequest)
                    #expect((response.json["error"] as? String)?.contains("body: resolves to a \(kind) address") == true, "\(response.text)")
                }
            }
            #expect(refusing.log.all.isEmpty)
            try await world.withSimulator { graphURL in
                var config = world.configuration(graphURL: graphURL)
                config.fetchPolicy.allowLoopback = true
                let lenient = try await buildApplication(config)
                try await lenient.test(.live) { client in
                    let fetched = try await client.post("/alpha/uploadMedia?\(Self.token)", "url=\(host)/files/a.png")
                    let mediaID = try #require(fetched.json["mediaId"] as? String, "\(fetched.text)")
                    #expect(world.simulator.hasMedia(mediaID))
                    let redirected = try await client.post(
                        "/alpha/uploadMedia?\(Self.token)", "body=\(host)/redirect?to=http://10.0.0.7/secret")
                    #expect(redirected.status == .badRequest)
                    #expect((redirected.json["error"] as? String)?.contains("resolves to a private address (10.0.0.7)") == true)
                    let absent = try await client.post("/alpha/uploadMedia?\(Self.token)", "body=\(host)/files/none.png")
                    #expect(absent.json["error"] as? String == "Invalid request: body: could not be downloaded: the server answered HTTP 404")
                }
            }
        }
        #expect(Self.split(world.simulator.requests).uploads.count == 1)
    }

    @Test(
        "address classification for the fetch rule",
        arguments: [
            ("8.8.8.8", NetworkAddressKind.publicAddress), ("127.0.0.1", .loopback), ("10.0.0.1", .privateNetwork),
            ("172.16.5.4", .privateNetwork), ("172.32.0.1", .publicAddress), ("192.168.1.1", .privateNetwork),
            ("169.254.169.254", .linkLocal), ("100.64.0.1", .privateNetwork), ("0.0.0.0", .reserved), ("::1", .loopback),
            ("::", .reserved), ("fe80::1", .linkLocal), ("fd00::1", .privateNetwork), ("::ffff:10.0.0.1", .privateNetwork),
            ("2606:4700::1111", .publicAddress),
        ])
    func classify(_ address: String, _ kind: NetworkAddressKind) {
        #expect(NetworkAddressKind.classify(address) == kind)
        #expect(NetworkAddressKind.classify("example.com") == nil)
    }
}
