extension GenerationParameters {
    /// The parameters in a `POST /v1/generations` JSON body, decoded as the route decodes them; a malformed body
    /// or a value of the wrong type is a 400 naming the parameter. Public so the decoder can be fuzzed on its own.
    public init(generationBody body: some Collection<UInt8>) throws(GatewayError) {
        self = try decodeJSON(GenerationParameters.self, from: body)
    }

    /// The parameters in a `POST /v1/images/generations` JSON body (OpenAI's shape), decoded and mapped as that
    /// route does; `n`, `response_format` and `size` are checked here, the rest by `validated(for:chain:seed:)`.
    public init(imagesBody body: some Collection<UInt8>) throws(GatewayError) {
        self = try ImagesRoutes.parameters(decodeJSON(ImagesRoutes.Body.self, from: body))
    }
}
