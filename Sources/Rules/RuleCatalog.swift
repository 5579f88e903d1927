/// Every built-in rule, sorted by id. Kept by hand (like istioctl analyze's `All()`): adding a rule
/// is one line here, and a test checks that every rule file under `BuiltIn/` is listed.
public enum RuleCatalog {
    public static let builtIn: [any BuiltInRule.Type] = [
        AccessExpectationFailedRule.self,
        AmbientNamespaceWithoutDefaultDenyRule.self,
        AuthorizationHeaderNotValidatedRule.self,
        AuthorizationPolicyInvalidRule.self,
        ConflictingDataplaneLabelsRule.self,
        DuplicateResourceRule.self,
        EmptySelectorInAmbientRule.self,
        HelmTemplateNotRenderedRule.self,
        IngressBypassesWaypointRule.self,
        InputLimitExceededRule.self,
        InputNotTextRule.self,
        IstioVersionUnsupportedRule.self,
        JWTAudienceMismatchRule.self,
        JWTAudienceUnrestrictedRule.self,
        JWTIssuerJWKSMismatchRule.self,
        JWTNotRequiredRule.self,
        JWTScopeClaimNotSplitRule.self,
        KustomizationNotRenderedRule.self,
        L7PolicyWithoutWaypointRule.self,
        MeshSettingsConflictRule.self,
        NamespaceNotInInputRule.self,
        OverlyBroadAllowRule.self,
        PeerAuthenticationNotStrictRule.self,
        PolicyTargetInvalidRule.self,
        RequestAuthenticationWithoutWaypointRule.self,
        ScanIncompleteRule.self,
        SelectorMatchesNoWorkloadRule.self,
        SingletonWaypointRule.self,
        SuppressionExpiredRule.self,
        SuppressionReasonMissingRule.self,
        SuppressionUnknownRuleRule.self,
        UnknownPrincipalRule.self,
        UnknownWaypointRule.self,
        WaypointAdmitsAnyIdentityRule.self,
        WaypointBypassPossibleRule.self,
        WaypointBypassedBySidecarCallersRule.self,
        WaypointIdentityNotAllowedRule.self,
        WaypointLabelWithoutAmbientRule.self,
        WaypointListenerInvalidRule.self,
        WaypointTrafficTypeMismatchRule.self,
        WaypointWithoutRequestAuthenticationRule.self,
        YAMLDuplicateKeyRule.self,
        YAMLSyntaxErrorRule.self,
    ]

    /// The rule with this id, if it is built in.
    public static func rule(withID id: String) -> (any BuiltInRule.Type)? {
        builtIn.first { $0.description.id == id }
    }
}
