import Rules
import Testing
import YAMLModel

@Suite("Secret values of a resource")
struct SecretValuesTests {
    func values(_ yaml: String) -> [String] {
        let file = ManifestLoader.load(path: "x.yaml", bytes: Array(yaml.utf8))
        return file.resources.flatMap(SecretValues.of)
    }

    @Test("A Secret's data, secret-like keys and what is under them, env values named like secrets")
    func whatIsSecret() {
        #expect(values("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {tls.key: QUJDREVG}\nstringData: {user: alice-db}\ntype: Opaque\n")
                == ["alice-db", "QUJDREVG"])
        #expect(values("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, annotations: {vault.example/token: s.abcdef, team: payments-team}}
            spec:
              template:
                spec:
                  containers:
                    - env:
                        - {name: DB_PASSWORD, value: pw-123456}
                        - {name: LOG_LEVEL, value: debug-level}
                      args: [--jwks, '{"keys":[]}']
            """) == ["pw-123456", "s.abcdef"])
        #expect(values("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {clientSecret: {nested: deep-value}, secretName: db-creds}\n")
                == ["deep-value"])
        // MeshLint's own test documents carry made-up claims, not credentials.
        #expect(values("apiVersion: meshlint.io/v1alpha1\nkind: AccessExpectations\nmetadata: {name: t}\nspec: {token: {aud: x-audience}}\n").isEmpty)
    }

    @Test("Redaction replaces each value wherever it stands, longest first")
    func redaction() {
        #expect(SecretValues.redact("is \"pw-123456\", and pw-1234 too", ["pw-123456", "pw-1234"]) == "is \"<redacted>\", and <redacted> too")
    }
}
