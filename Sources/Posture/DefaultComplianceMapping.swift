// Generated from rules.d/compliance.yaml by scripts/embed-compliance.py; do not edit.
// The tests check that the two are the same.

enum DefaultComplianceMapping {
    static let yaml = #"""
# Compliance mapping used by `meshlint report` (appendix). Each rule *supports* the listed
# requirements; none satisfies a requirement on its own. Auditors may adjust this file; a
# repository can override it with its own file in .meshlint/rules.d/compliance.yaml.
# Sources: NIST Special Publication 800-204B, "Attribute-based Access Control for
#   Microservices-based Applications Using a Service Mesh", R. Chandramouli, Z. Butcher,
#   A. Chetal, National Institute of Standards and Technology, August 2021
#   (https://doi.org/10.6028/NIST.SP.800-204B; draft January 2021);
#   Payment Card Industry Data Security Standard (PCI DSS), Requirements and Testing
#   Procedures, version 4.0, PCI Security Standards Council, March 2022.
#
# What was confirmed, and how:
# - PCI DSS v4.0: every requirement number below was checked against published requirement
#   listings (requirement number and subject); the titles here are paraphrases, not the
#   standard's wording. Requirement 4.2.1 is about PAN sent over open, public networks;
#   MeshLint's mTLS checks concern traffic inside the cluster network, so they only support
#   it (and the entity's choice to encrypt internal traffic too). No rule maps to 10.x
#   (MeshLint does not check audit logging) or to 8.6.x (interactive use and passwords of
#   system accounts, which manifests do not show).
# - NIST SP 800-204B: section numbers, headings and recommendation identifiers (SAUN-SR-n,
#   EAUN-SR-n, SAUZ-SR-n, EUAZ-SR-n, APE-SR-n) were read from the final publication (August 2021,
#   41 pages; its Appendix A lists the recommendations). The publication predates ambient mode
#   (it names sidecars and gateways as the enforcement points): mapping waypoint and ztunnel rules
#   to it is MeshLint's reading. Two entries are not NIST numbering, and say so in a `note` the
#   report prints: CI/CD checks (keywords and introduction only) and the platform version topic
#   (section 1.1's prose, no recommendation).
#
# Rules about input hygiene and suppressions map to nothing on purpose (empty lists).
apiVersion: meshlint.io/v1alpha1
kind: ComplianceMapping
metadata:
  name: meshlint-default
spec:
  frameworks:
    - id: nist-sp-800-204b
      title: NIST SP 800-204B, Attribute-based Access Control for Microservices-based Applications using a Service Mesh (2021)
      requirements:
        - id: "4.4.2"
          title: "Service-level authentication: mTLS between every pair of services, secure naming (SAUN-SR-1, SAUN-SR-2)"
        - id: "4.4.1"
          title: Authentication policies specified at mesh, namespace, workload and port level (SAUN-SR-1)
        - id: "4.4.3"
          title: End-user authentication with validated JSON web tokens (EAUN-SR-1)
        - id: "4.5"
          title: Service-level and end-user authorization policies restrict who may call what (SAUZ-SR-1, EUAZ-SR-1 to 3)
        - id: "4.6.6"
          title: A default authorization policy that denies what no policy allows (APE-SR-3)
        - id: "5.1"
          title: Proxies are the non-bypassable policy enforcement points of a reference monitor
        - id: policy-checks-in-ci
          title: Security policies checked and tested through the CI/CD pipeline
          note: "Not a section of SP 800-204B: CI/CD appears in its keywords and introduction only (MeshLint's topic)."
        - id: "1.1"
          title: Service mesh capabilities, with a consistent version deployed everywhere
          note: "Read from the section's prose; SP 800-204B has no recommendation on platform versions."
    - id: pci-dss-4.0
      title: PCI DSS v4.0 (2022)
      requirements:
        - id: "1.3.1"
          title: Only necessary inbound traffic reaches the CDE; the rest denied
        - id: "1.4.2"
          title: Inbound traffic from untrusted networks limited to authorized services
        - id: "2.2.5"
          title: Insecure services or protocols justified and mitigated
        - id: "2.2.6"
          title: Security parameters set so that components cannot be misused
        - id: "4.2.1"
          title: Strong cryptography and trusted certificates protect PAN in transit
        - id: "6.3.3"
          title: Known vulnerabilities fixed by timely security updates
        - id: "6.5.1"
          title: Production changes follow procedures, including security testing
        - id: "7.2.1"
          title: A defined access control model based on need and least privilege
        - id: "7.2.2"
          title: User access granted by job function and least privilege
        - id: "7.2.5"
          title: Application and system accounts limited to least privilege
        - id: "7.3.1"
          title: An access control system restricts access by need to know
        - id: "7.3.2"
          title: Access control system enforces permissions for people, applications, systems
        - id: "7.3.3"
          title: Access control system denies everything by default
        - id: "8.3.1"
          title: All user access to system components is authenticated
        - id: "12.3.4"
          title: Technologies in use reviewed yearly for vendor support and end of life
        - id: "12.5.1"
          title: Inventory of in-scope components with their function kept current
  rules:
    access-expectation-failed:
      nist-sp-800-204b: ["4.5", policy-checks-in-ci]
      pci-dss-4.0: ["6.5.1", "7.2.1", "7.3.1"]
    ambient-namespace-without-default-deny:
      nist-sp-800-204b: ["4.5", "4.6.6"]
      pci-dss-4.0: ["1.3.1", "7.3.1", "7.3.3"]
    authorization-header-not-validated:
      nist-sp-800-204b: ["4.4.3", "4.5"]
      pci-dss-4.0: ["8.3.1"]
    authorization-policy-invalid:
      nist-sp-800-204b: ["4.5", "4.4.1"]
      pci-dss-4.0: ["2.2.6", "7.3.1"]
    conflicting-dataplane-labels:
      nist-sp-800-204b: ["5.1"]
      pci-dss-4.0: ["2.2.6"]
    duplicate-resource:
      nist-sp-800-204b: []
      pci-dss-4.0: ["12.5.1"]
    empty-selector-in-ambient:
      nist-sp-800-204b: ["4.5", "5.1", "4.6.6"]
      pci-dss-4.0: ["1.3.1", "7.3.1"]
    helm-template-not-rendered:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    ingress-bypasses-waypoint:
      nist-sp-800-204b: ["4.5", "5.1"]
      pci-dss-4.0: ["1.4.2", "7.3.1"]
    input-limit-exceeded:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    input-not-text:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    istio-version-unsupported:
      nist-sp-800-204b: ["1.1"]
      pci-dss-4.0: ["6.3.3", "12.3.4"]
    jwt-audience-mismatch:
      nist-sp-800-204b: ["4.4.3"]
      pci-dss-4.0: ["2.2.6", "8.3.1"]
    jwt-audience-unrestricted:
      nist-sp-800-204b: ["4.4.3"]
      pci-dss-4.0: ["7.2.2", "8.3.1"]
    jwt-issuer-jwks-mismatch:
      nist-sp-800-204b: ["4.4.3"]
      pci-dss-4.0: ["2.2.6", "8.3.1"]
    jwt-not-required:
      nist-sp-800-204b: ["4.5", "4.4.3"]
      pci-dss-4.0: ["7.3.3", "8.3.1"]
    jwt-scope-claim-not-split:
      nist-sp-800-204b: ["4.5", "4.4.3"]
      pci-dss-4.0: ["7.2.2", "7.3.2"]
    kustomization-not-rendered:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    l7-policy-without-waypoint:
      nist-sp-800-204b: ["4.5", "5.1"]
      pci-dss-4.0: ["2.2.6", "7.3.1"]
    mesh-settings-conflict:
      nist-sp-800-204b: ["4.4.2"]
      pci-dss-4.0: ["2.2.6"]
    namespace-not-in-input:
      nist-sp-800-204b: []
      pci-dss-4.0: ["12.5.1"]
    overly-broad-allow:
      nist-sp-800-204b: ["4.5", "4.6.6"]
      pci-dss-4.0: ["1.3.1", "7.2.1", "7.2.5", "7.3.3"]
    pci-ledger-debit-only-accounts:
      nist-sp-800-204b: ["4.5", "4.4.3", "4.4.2"]
      pci-dss-4.0: ["7.2.1", "7.2.5", "7.3.1", "7.3.3", "8.3.1"]
    pci-namespace-waypoint-posture:
      nist-sp-800-204b: ["4.4.3", "5.1"]
      pci-dss-4.0: ["7.3.1", "8.3.1"]
    pci-namespace-ztunnel-posture:
      nist-sp-800-204b: ["4.5", "4.4.1", "4.4.2"]
      pci-dss-4.0: ["1.3.1", "2.2.5", "4.2.1", "7.3.3", "12.5.1"]
    peer-authentication-not-strict:
      nist-sp-800-204b: ["4.4.1", "4.4.2"]
      pci-dss-4.0: ["1.3.1", "2.2.5", "4.2.1"]
    policy-target-invalid:
      nist-sp-800-204b: ["4.5", "5.1"]
      pci-dss-4.0: ["2.2.6", "7.3.1"]
    request-authentication-without-waypoint:
      nist-sp-800-204b: ["4.4.3", "5.1"]
      pci-dss-4.0: ["8.3.1"]
    scan-incomplete:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    selector-matches-no-workload:
      nist-sp-800-204b: ["4.5", "4.4.1"]
      pci-dss-4.0: ["2.2.6", "7.3.1"]
    singleton-waypoint:
      nist-sp-800-204b: ["5.1"]
      pci-dss-4.0: []
    suppression-expired:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    suppression-reason-missing:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    suppression-unknown-rule:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    unknown-principal:
      nist-sp-800-204b: ["4.5"]
      pci-dss-4.0: ["7.2.1", "7.3.2"]
    unknown-waypoint:
      nist-sp-800-204b: ["5.1"]
      pci-dss-4.0: ["2.2.6"]
    waypoint-admits-any-identity:
      nist-sp-800-204b: ["4.5", "5.1", "4.6.6"]
      pci-dss-4.0: ["1.3.1", "7.2.1", "7.3.1"]
    waypoint-bypass-possible:
      nist-sp-800-204b: ["4.5", "5.1"]
      pci-dss-4.0: ["1.3.1", "7.3.1"]
    waypoint-bypassed-by-sidecar-callers:
      nist-sp-800-204b: ["4.5", "5.1"]
      pci-dss-4.0: ["1.3.1", "7.3.1"]
    waypoint-identity-not-allowed:
      nist-sp-800-204b: ["4.5", "4.4.2"]
      pci-dss-4.0: ["7.2.1"]
    waypoint-label-without-ambient:
      nist-sp-800-204b: ["5.1"]
      pci-dss-4.0: ["2.2.6"]
    waypoint-listener-invalid:
      nist-sp-800-204b: ["5.1"]
      pci-dss-4.0: ["2.2.6"]
    waypoint-traffic-type-mismatch:
      nist-sp-800-204b: ["5.1"]
      pci-dss-4.0: ["2.2.6"]
    waypoint-without-request-authentication:
      nist-sp-800-204b: ["4.4.3"]
      pci-dss-4.0: ["8.3.1"]
    yaml-duplicate-key:
      nist-sp-800-204b: []
      pci-dss-4.0: []
    yaml-syntax-error:
      nist-sp-800-204b: []
      pci-dss-4.0: []

"""#
}
