import Synchronization

/// Results that several rules of one scan need and that depend only on the input (the callers an
/// access invariant tries, say): computed by the first rule that asks, then shared.
///
/// One store belongs to one `LintContext`, so nothing outlives the scan; rules run on several
/// cores, hence the lock. Two rules asking at once may both compute; the first answer is kept.
public final class SharedResults: Sendable {
    private let values = Mutex<[String: any Sendable]>([:])

    public init() {}

    /// The value stored under `key`, computing and storing it first if there is none.
    public func value<Value: Sendable>(_ key: String, as type: Value.Type = Value.self, compute: () -> Value) -> Value {
        if let known = values.withLock({ $0[key] }) as? Value { return known }
        let computed = compute()
        return values.withLock { values in
            if let first = values[key] as? Value { return first }
            values[key] = computed
            return computed
        }
    }
}
