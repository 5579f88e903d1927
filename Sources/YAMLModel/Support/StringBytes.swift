extension StringProtocol {
    /// True when the text holds the ASCII character `ascii`, checked byte by byte (the generic
    /// `contains(_:)` for strings goes through StringProcessing's searcher, far slower in hot paths).
    public func containsASCII(_ ascii: Unicode.Scalar) -> Bool {
        utf8.contains(UInt8(ascii: ascii))
    }
}
