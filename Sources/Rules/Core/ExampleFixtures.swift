/// YAML that many rule examples start from, so each example shows only what it is about.
///
/// Each fixture ends with a document separator: `ExampleFixtures.x + """ <documents> """`.
public enum ExampleFixtures {
    /// Namespace `payments` in ambient, with no waypoint.
    public static let ambientPayments = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient}
        ---

        """

    /// Namespace `payments` in ambient, every Service bound to its waypoint `payments-waypoint`
    /// (a Gateway of class `istio-waypoint` with its HBONE listener).
    public static let paymentsWithWaypoint = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: payments-waypoint}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: payments-waypoint, namespace: payments}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---

        """

    /// Deployment `ledger` (pods labelled `app: ledger`, ServiceAccount `ledger`) in `payments`.
    public static let ledgerDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          template:
            metadata: {labels: {app: ledger}}
            spec: {serviceAccountName: ledger}
        ---

        """
}
