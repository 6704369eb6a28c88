/// One measured step: a pure translation, encoding or decoding on a fixed, realistic input.
public struct Step: Sendable {
    /// The benchmark's name, e.g. `Send sendList: translate`.
    public var name: String
    /// Runs the step once; throws what the step throws.
    public var run: @Sendable () throws -> Void

    init(_ name: String, run: @escaping @Sendable () throws -> Void) {
        self.name = name
        self.run = run
    }

    /// Every step, in the order the suite lists them: sends, webhooks, lenient bodies.
    public static func all() -> [Step] {
        SendSteps.all() + InboundSteps.all() + BodySteps.all()
    }
}

/// Keeps `value` alive so the optimiser cannot drop the work that made it.
@inline(never)
func keep<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
