/// Meta's answer to `GET /{version}/{media-id}`: where to download the file (valid about 5 minutes).
public struct CloudMediaInfo: Codable, Sendable, Hashable {
    public var messagingProduct: String?
    public var url: String
    public var mimeType: String?
    public var sha256: String?
    /// A string in Meta's spec example and a number in real traffic; both are read.
    public var fileSize: Int?
    public var id: String

    public init(url: String, mimeType: String?, sha256: String?, fileSize: Int?, id: String) {
        self.messagingProduct = "whatsapp"
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case messagingProduct = "messaging_product"
        case url, sha256, id
        case mimeType = "mime_type"
        case fileSize = "file_size"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messagingProduct = try container.decodeIfPresent(String.self, forKey: .messagingProduct)
        url = try container.decode(String.self, forKey: .url)
        mimeType = try container.decodeIfPresent(String.self, forKey: .mimeType)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        id = try container.decode(String.self, forKey: .id)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .fileSize) {
            fileSize = number
        } else {
            fileSize = (try? container.decodeIfPresent(String.self, forKey: .fileSize)).flatMap { $0.flatMap(Int.init) }
        }
    }
}
