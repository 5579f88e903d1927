import Dispatch

extension Array where Element: Sendable {
    /// `transform` applied to every element on all cores, the results in the elements' order, so
    /// output built from them is the same as a sequential map's.
    public func parallelMap<Mapped: Sendable>(_ transform: @Sendable (Element) -> Mapped) -> [Mapped] {
        guard count > 1 else { return map(transform) }
        let results = UnsafeMutableBufferPointer<Mapped?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        // Each iteration writes only its own slot, so the writes never overlap.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: count) { offset in
            slots[offset] = transform(self[offset])
        }
        return results.map { $0! }
    }
}
