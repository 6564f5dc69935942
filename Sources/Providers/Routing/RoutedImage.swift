/// An image and the way the router got it.
public struct RoutedImage: Sendable {
    public var image: GeneratedImage
    /// The provider that made the image.
    public var provider: String
    /// Every attempt, the successful one last.
    public var attempts: [AttemptReport]

    public init(image: GeneratedImage, provider: String, attempts: [AttemptReport]) {
        self.image = image
        self.provider = provider
        self.attempts = attempts
    }
}
