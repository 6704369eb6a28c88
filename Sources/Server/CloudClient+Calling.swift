import AsyncHTTPClient
import Cloud
import NIOCore
import Store

/// The Graph calls of calling settings, call actions and the business encryption key.
extension CloudClient {
    func phoneSettings(channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        await get("\(channel.phoneNumberID)/settings", channel: channel)
    }

    func updatePhoneSettings(_ settings: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await post("\(channel.phoneNumberID)/settings", json: settings, channel: channel)
    }

    func callAction(_ action: CloudJSON, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        await post("\(channel.phoneNumberID)/calls", json: action, channel: channel)
    }

    func businessEncryption(channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        await get("\(channel.phoneNumberID)/whatsapp_business_encryption", channel: channel)
    }

    /// Meta takes the key as a multipart/form-data field.
    func setBusinessPublicKey(_ pem: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        let boundary = "onemsg-bridge-\(UInt64.random(in: 0...UInt64.max))"
        let body = ByteBuffer(
            string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"business_public_key\"\r\n\r\n\(pem)\r\n--\(boundary)--\r\n")
        return await call(
            .POST, path: "\(channel.phoneNumberID)/whatsapp_business_encryption",
            body: RequestBody(contentType: "multipart/form-data; boundary=\(boundary)", body: .bytes(body)), channel: channel)
    }
}
