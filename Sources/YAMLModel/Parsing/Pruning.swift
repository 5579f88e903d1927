/// Subtrees of known kinds that no rule reads, skipped while composing: their nodes are never
/// built, which saves most of the time and memory a workload's pod spec costs (env, probes,
/// resources, volumes are two thirds of a typical platform repository's bytes).
///
/// Paths are relative to the document root, `*` standing for every item of a sequence. A key that
/// a custom rule's field path names is never pruned (`retaining(keys:)`), so a rule sees every
/// field it asks for. Documents whose `kind` comes after the pruned fields are kept whole.
public struct Pruning: Sendable, Hashable {
    /// A trie of path segments; a node marked `drop` is skipped with everything under it.
    struct TrieNode: Sendable, Hashable {
        var children: [String: Int] = [:]
        /// The same children by the UTF-8 bytes of their segment, for lookups while composing
        /// that need no string (a node has a few children, so a linear scan is fastest).
        var byteChildren: [ByteEdge] = []
        var drop = false
    }

    struct ByteEdge: Sendable, Hashable {
        let segment: [UInt8]
        let node: Int
    }

    private(set) var nodes: [TrieNode] = []
    /// The trie root of each kind.
    private(set) var roots: [String: Int] = [:]

    /// Prunes nothing.
    public static let none = Pruning()

    /// The fields of workloads and autoscalers that no built-in rule reads: containers keep their
    /// name, image and ports; pods keep their service account, network, labels and annotations;
    /// workloads keep their replicas and selector; autoscalers their target and bounds.
    public static let standard: Pruning = {
        let containerFields = [
            "env", "envFrom", "resources", "livenessProbe", "readinessProbe", "startupProbe", "volumeMounts",
            "volumeDevices", "securityContext", "lifecycle", "args", "command", "workingDir", "resizePolicy",
            "imagePullPolicy", "terminationMessagePath", "terminationMessagePolicy", "stdin", "stdinOnce", "tty",
        ]
        let podFields = [
            "volumes", "affinity", "tolerations", "topologySpreadConstraints", "securityContext", "imagePullSecrets",
            "dnsConfig", "readinessGates", "overhead", "schedulingGates", "resourceClaims",
            "terminationGracePeriodSeconds", "dnsPolicy", "restartPolicy", "schedulerName", "priorityClassName",
            "priority", "nodeSelector", "hostAliases", "enableServiceLinks", "preemptionPolicy", "runtimeClassName",
            "activeDeadlineSeconds",
        ]
        let workloadFields = [
            "strategy", "updateStrategy", "revisionHistoryLimit", "progressDeadlineSeconds", "minReadySeconds",
            "volumeClaimTemplates", "podManagementPolicy", "persistentVolumeClaimRetentionPolicy",
        ]
        // One pod-spec subtree and one workload subtree, shared by every kind that has them: the
        // trie is built at every start-up, so it is built once rather than once per kind.
        var pruning = Pruning()
        let podSpec = pruning.newNode()
        for field in podFields { pruning.add(path: [field], below: podSpec) }
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            for field in containerFields { pruning.add(path: [list, "*", field], below: podSpec) }
        }
        let workload = pruning.newNode()
        pruning.add(path: ["spec", "template", "spec"], below: workload, endingAt: podSpec)
        for field in workloadFields { pruning.add(path: ["spec", field], below: workload) }
        for kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"] {
            pruning.roots[kind] = workload
        }
        let pod = pruning.newNode()
        pruning.add(path: ["spec"], below: pod, endingAt: podSpec)
        pruning.roots["Pod"] = pod
        let cronJob = pruning.newNode()
        pruning.add(path: ["spec", "jobTemplate", "spec", "template", "spec"], below: cronJob, endingAt: podSpec)
        pruning.roots["CronJob"] = cronJob
        for field in ["metrics", "behavior"] { pruning.add(kind: "HorizontalPodAutoscaler", path: ["spec", field]) }
        return pruning
    }()

    /// The same pruning, without the paths that end at one of `keys`.
    public func retaining(keys: Set<String>) -> Pruning {
        guard !keys.isEmpty else { return self }
        var copy = self
        for (key, position) in nodes.indices.flatMap({ parent in nodes[parent].children.map { ($0.key, $0.value) } })
        where keys.contains(key) {
            copy.nodes[position].drop = false
        }
        return copy
    }

    mutating func add(kind: String, path: [String]) {
        let root: Int
        if let existing = roots[kind] {
            root = existing
        } else {
            root = newNode()
            roots[kind] = root
        }
        add(path: path, below: root)
    }

    /// A new trie node, not yet reachable from any kind's root.
    private mutating func newNode() -> Int {
        nodes.append(TrieNode())
        return nodes.count - 1
    }

    /// Marks `path` below `start` as dropped.
    private mutating func add(path: [String], below start: Int) {
        nodes[walk(path[...], from: start)].drop = true
    }

    /// Makes `path` below `start` lead to the existing node `end`, whose subtree it then shares.
    private mutating func add(path: [String], below start: Int, endingAt end: Int) {
        guard let last = path.last else { return }
        link(walk(path.dropLast(), from: start), last, to: end)
    }

    /// The node `path` leads to from `start`, made where it does not exist yet.
    private mutating func walk(_ path: ArraySlice<String>, from start: Int) -> Int {
        var current = start
        for segment in path {
            if let next = nodes[current].children[segment] {
                current = next
            } else {
                let next = newNode()
                link(current, segment, to: next)
                current = next
            }
        }
        return current
    }

    private mutating func link(_ parent: Int, _ segment: String, to child: Int) {
        nodes[parent].children[segment] = child
        nodes[parent].byteChildren.append(ByteEdge(segment: Array(segment.utf8), node: child))
    }

    var isEmpty: Bool { roots.isEmpty }

    /// The trie node for documents of `kind`, if any of its paths is pruned.
    func root(of kind: String) -> Int? { roots[kind] }

    /// The trie node below `node` for `segment` (a key, or `*` for a sequence's items).
    func child(of node: Int, _ segment: String) -> Int? { nodes[node].children[segment] }

    /// The trie node below `node` for the key whose UTF-8 bytes are `segment`.
    func child(of node: Int, bytes segment: UnsafeBufferPointer<UInt8>) -> Int? {
        for edge in nodes[node].byteChildren where edge.segment.count == segment.count {
            if edge.segment.withUnsafeBufferPointer({ $0.elementsEqual(segment) }) { return edge.node }
        }
        return nil
    }

    func drops(_ node: Int) -> Bool { nodes[node].drop }
}
