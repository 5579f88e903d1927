#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// `transform` applied to every element on up to `jobs` threads (nil: every core), the results
    /// in the elements' order, so output built from them is the same as a sequential map's.
    public func parallelMap<Mapped: Sendable>(jobs: Int? = nil, _ transform: @Sendable (Element) -> Mapped) -> [Mapped] {
        parallelMap(jobs: jobs, state: { () }) { _, element in transform(element) }
    }

    /// As `parallelMap`, with a `State` per worker made by `makeState` and handed to every call on
    /// that worker: scratch buffers reused from one element to the next instead of reallocated.
    public func parallelMap<State, Mapped: Sendable>(
        jobs: Int? = nil, state makeState: @Sendable () -> State, _ transform: @Sendable (inout State, Element) -> Mapped
    ) -> [Mapped] {
        guard count > 1, jobs.map({ $0 > 1 }) ?? true else {
            var state = makeState()
            return map { transform(&state, $0) }
        }
        let results = UnsafeMutableBufferPointer<Mapped?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        // Each element is taken by exactly one worker, which writes only its own slot.
        nonisolated(unsafe) let slots = results
        let next = Atomic<Int>(0)
        let workers = Swift.min(jobs ?? ProcessInfoCores.count, count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var state = makeState()
            while true {
                let offset = next.add(1, ordering: .relaxed).oldValue
                guard offset < count else { return }
                slots[offset] = transform(&state, self[offset])
            }
        }
        return results.map { $0! }
    }
}

/// The number of cores the process may use.
public enum ProcessInfoCores {
    public static var count: Int {
        #if canImport(Glibc)
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return Swift.max(1, Int(online))
        #else
        return 1
        #endif
    }
}
