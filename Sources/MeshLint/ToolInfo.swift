/// The tool's name and version, as every output format reports them.
enum ToolInfo {
    static let name = "meshlint"
    static let version = "0.1.0"
    static let informationURI = "https://github.com/meshlint/meshlint"
}
