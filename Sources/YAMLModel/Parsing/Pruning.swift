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
        let podSpecs: [String: [String]] = [
            "Deployment": ["spec", "template", "spec"], "StatefulSet": ["spec", "template", "spec"],
            "DaemonSet": ["spec", "template", "spec"], "ReplicaSet": ["spec", "template", "spec"],
            "ReplicationController": ["spec", "template", "spec"], "Job": ["spec", "template", "spec"],
            "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"], "Pod": ["spec"],
        ]
        var pruning = Pruning()
        for (kind, podSpec) in podSpecs {
            for field in podFields { pruning.add(kind: kind, path: podSpec + [field]) }
            for list in ["containers", "initContainers", "ephemeralContainers"] {
                for field in containerFields { pruning.add(kind: kind, path: podSpec + [list, "*", field]) }
            }
            if kind != "Pod" && kind != "CronJob" {
                for field in workloadFields { pruning.add(kind: kind, path: ["spec", field]) }
            }
        }
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
        if nodes.isEmpty { nodes.append(TrieNode()) }
        var current: Int
        if let root = roots[kind] {
            current = root
        } else {
            nodes.append(TrieNode())
            current = nodes.count - 1
            roots[kind] = current
        }
        for segment in path {
            if let next = nodes[current].children[segment] {
                current = next
            } else {
                nodes.append(TrieNode())
                nodes[current].children[segment] = nodes.count - 1
                nodes[current].byteChildren.append(ByteEdge(segment: Array(segment.utf8), node: nodes.count - 1))
                current = nodes.count - 1
            }
        }
        nodes[current].drop = true
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
