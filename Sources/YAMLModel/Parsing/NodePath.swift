extension Node {
    /// The path from this node to the key or value that starts at `mark`, e.g.
    /// `spec.rules[0].from[0].source.principals` or `metadata.labels["istio.io/use-waypoint"]`;
    /// nil when no node starts there. Paths name what a finding is about independently of lines,
    /// which is what makes fingerprints survive edits above the resource.
    public func path(to mark: Mark) -> String? {
        relativePath(to: mark).map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }
    }

    private func relativePath(to mark: Mark) -> String? {
        guard span.start <= mark, mark <= span.end else { return nil }
        if span.start == mark, kind == .scalar { return "" }
        switch kind {
        case .scalar:
            return nil
        case .sequence:
            for (offset, item) in items.enumerated() {
                if let rest = item.relativePath(to: mark) { return "[\(offset)]" + rest }
            }
        case .mapping:
            for pair in pairs {
                let name = Self.pathComponent(pair.key.scalar ?? "?")
                if pair.key.span.start == mark { return name }
                if let rest = pair.value.relativePath(to: mark) { return name + rest }
            }
        }
        return span.start == mark ? "" : nil
    }

    /// `name`, or `["name"]` when it holds characters a dotted path cannot.
    private static func pathComponent(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        return plain ? "." + key : "[\"\(key)\"]"
    }
}
