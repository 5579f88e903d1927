/// Label keys, values and names that carry meaning in an Istio ambient mesh.
public enum WellKnown {
    public static let dataplaneModeLabel = "istio.io/dataplane-mode"
    public static let dataplaneModeAmbient = "ambient"
    public static let dataplaneModeNone = "none"
    public static let injectionLabel = "istio-injection"
    public static let revisionLabel = "istio.io/rev"
    public static let sidecarInjectLabel = "sidecar.istio.io/inject"
    public static let useWaypointLabel = "istio.io/use-waypoint"
    public static let useWaypointNamespaceLabel = "istio.io/use-waypoint-namespace"
    public static let waypointForLabel = "istio.io/waypoint-for"
    public static let ingressUseWaypointLabel = "istio.io/ingress-use-waypoint"
    public static let gatewayNameLabel = "gateway.networking.k8s.io/gateway-name"
    public static let dryRunAnnotation = "istio.io/dry-run"
    /// Overrides the name of the Deployment and Service istiod generates for a Gateway.
    public static let gatewayNameOverrideAnnotation = "gateway.istio.io/name-override"
    /// Overrides the ServiceAccount istiod generates for a Gateway.
    public static let gatewayServiceAccountAnnotation = "gateway.istio.io/service-account"
    public static let waypointGatewayClass = "istio-waypoint"
    /// On a Gateway or its GatewayClass: how a waypoint of another implementation receives
    /// inbound mesh traffic (`PROXY/15088`, ...); its presence declares the class a waypoint.
    public static let waypointInboundBindingAnnotation = "ambient.istio.io/waypoint-inbound-binding"
    public static let meshControllerName = "istio.io/mesh-controller"
    /// The port and protocol a waypoint listens on for tunnelled (HBONE) traffic.
    public static let hbonePort = 15008
    public static let hboneProtocol = "HBONE"
    public static let defaultRootNamespace = "istio-system"
    public static let defaultTrustDomain = "cluster.local"

    /// The SPIFFE-style principal of a ServiceAccount, as AuthorizationPolicy `principals` name it.
    public static func principal(namespace: String, serviceAccount: String) -> String {
        "\(defaultTrustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }
}
