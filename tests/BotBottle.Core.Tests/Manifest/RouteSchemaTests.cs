using System.Collections.Immutable;
using System.Text;
using BotBottle.Manifest;
using BotBottle.Policy;
using PatternKind = BotBottle.Policy.PatternKind;

namespace BotBottle.Tests.Manifest;

/// <summary>Every route field of PRODUCT.md §3.4, parsed into <see cref="EgressRoute"/>, and every way to get one wrong.</summary>
public class RouteSchemaTests
{
    private static EgressRoute One(string routeYaml) => Assert.Single(RoutesFile.Parse("routes:\n" + routeYaml, "r.yaml").Routes);

    private static IReadOnlyList<ManifestError> Errors(string routesYaml) =>
        Assert.Throws<ManifestException>(() => RoutesFile.Parse("routes:\n" + routesYaml, "r.yaml")).Errors;

    [Fact]
    public void A_route_with_only_a_host_allows_everything_with_default_dlp()
    {
        var r = One("  - host: API.GitHub.com\n");
        Assert.Equal("api.github.com", r.Host);
        Assert.Null(r.Auth);
        Assert.Empty(r.Matches);
        Assert.Equal(RouteDlp.Default, r.Dlp);
        Assert.Equal([OutboundDetector.TokenPatterns, OutboundDetector.KnownSecrets], r.Dlp.OutboundDetectors.ToArray());
        Assert.Empty(r.Dlp.InboundDetectors);
        Assert.Equal(DlpAction.Supervise, r.Dlp.OutboundOnMatch);
        Assert.False(r.Git.Fetch);
        Assert.False(r.AllowPrivate);
    }

    [Fact]
    public void Every_route_field_is_read()
    {
        var r = One("""
              - host: api.github.com
                auth:
                  scheme: Bearer
                  token_ref: GITHUB_TOKEN
                matches:
                  - paths:
                      - { type: exact, value: /user }
                      - { type: prefix, value: /repos/acme/ }
                      - { type: regex, value: "^/orgs/[a-z]+/repos$" }
                    methods: [get, Post]
                    headers:
                      Accept: application/json
                      X-Trace: { type: regex, value: "^[0-9a-f]{16}$" }
                  - methods: [DELETE]
                dlp:
                  outbound_detectors: [known_secrets]
                  inbound_detectors: [injection]
                  outbound_on_match: block
                git:
                  fetch: true
                allow_private: true
            """);
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "GITHUB_TOKEN"), r.Auth);
        Assert.Equal(2, r.Matches.Length);
        Assert.Equal(
            [new ValuePattern(PatternKind.Exact, "/user"), new ValuePattern(PatternKind.Prefix, "/repos/acme/"), new ValuePattern(PatternKind.Regex, "^/orgs/[a-z]+/repos$")],
            r.Matches[0].Paths.ToArray());
        Assert.Equal(["GET", "POST"], r.Matches[0].Methods.ToArray());
        Assert.Equal(
            [new HeaderMatch("accept", new ValuePattern(PatternKind.Exact, "application/json")), new HeaderMatch("x-trace", new ValuePattern(PatternKind.Regex, "^[0-9a-f]{16}$"))],
            r.Matches[0].Headers.ToArray());
        Assert.Equal(["DELETE"], r.Matches[1].Methods.ToArray());
        Assert.Equal([OutboundDetector.KnownSecrets], r.Dlp.OutboundDetectors.ToArray());
        Assert.Equal([InboundDetector.Injection], r.Dlp.InboundDetectors.ToArray());
        Assert.Equal(DlpAction.Block, r.Dlp.OutboundOnMatch);
        Assert.True(r.Git.Fetch);
        Assert.True(r.AllowPrivate);
    }

    [Theory]
    [InlineData("token", AuthScheme.Token)]
    [InlineData("bearer", AuthScheme.Bearer)]
    public void Auth_schemes(string scheme, AuthScheme expected) =>
        Assert.Equal(expected, One($"  - host: a.com\n    auth: {{scheme: {scheme}, token_ref: T}}\n").Auth!.Scheme);

    [Fact]
    public void Header_and_basic_schemes_carry_their_header_name_and_user()
    {
        var h = One("  - host: api.anthropic.com\n    auth: {scheme: header, name: X-Api-Key, token_ref: ANTHROPIC_API_KEY}\n").Auth!;
        Assert.Equal(new RouteAuth(AuthScheme.Header, "ANTHROPIC_API_KEY") { Name = "x-api-key" }, h);
        Assert.Equal("x-api-key", h.HeaderName);
        Assert.Equal("k", h.HeaderValue("k"));
        var b = One("  - host: registry.example\n    auth: {scheme: basic, user: ci, token_ref: REGISTRY_PASSWORD}\n").Auth!;
        Assert.Equal("Authorization", b.HeaderName);
        Assert.Equal("Basic " + Convert.ToBase64String("ci:pw"u8.ToArray()), b.HeaderValue("pw")); // RFC 7617 §2
        Assert.Equal("basic ci:REGISTRY_PASSWORD", b.ToString());
    }

    [Theory]
    [InlineData("\"\"", "")]
    [InlineData("X", "X")]
    public void Basic_with_password_sends_the_secret_as_the_user_id(string yaml, string password)
    {
        // Stripe API reference, "Authentication": the key is the basic-auth user name and no password is needed.
        var b = One($"  - host: api.stripe.com\n    auth: {{scheme: basic, password: {yaml}, token_ref: STRIPE_KEY}}\n").Auth!;
        Assert.Equal(new RouteAuth(AuthScheme.Basic, "STRIPE_KEY") { Password = password }, b);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sk_test_k:" + password)), b.HeaderValue("sk_test_k"));
        Assert.Equal("basic STRIPE_KEY:" + password, b.ToString());
    }

    [Fact]
    public void Header_and_basic_auth_survive_a_routes_file_round_trip()
    {
        var routes = new EgressPolicy([
            new EgressRoute { Host = "a.example", Auth = new RouteAuth(AuthScheme.Header, "K") { Name = "x-api-key" } },
            new EgressRoute { Host = "b.example", Auth = new RouteAuth(AuthScheme.Basic, "P") { User = "u" } },
            new EgressRoute { Host = "c.example", Auth = new RouteAuth(AuthScheme.Basic, "K") { Password = string.Empty } },
            new EgressRoute { Host = "d.example", Auth = new RouteAuth(AuthScheme.Basic, "K") { Password = "X" } },
        ]);
        Assert.Equal(routes, RoutesFile.Parse(RoutesFile.Serialize(routes), "r.yaml"));
    }

    [Theory]
    [InlineData("{scheme: header, token_ref: K}", "needs 'name'")]
    [InlineData("{scheme: basic, token_ref: K}", "needs 'user'")]
    [InlineData("{scheme: Bearer, name: x-api-key, token_ref: K}", "'auth.name' applies to scheme header only")]
    [InlineData("{scheme: header, name: x-api-key, user: u, token_ref: K}", "'auth.user' applies to scheme basic only")]
    [InlineData("{scheme: header, name: \"x api key\", token_ref: K}", "RFC 9110")]
    [InlineData("{scheme: header, name: Host, token_ref: K}", "the proxy sets that header itself")]
    [InlineData("{scheme: header, name: proxy-authorization, token_ref: K}", "the proxy sets that header itself")]
    [InlineData("{scheme: basic, user: \"a:b\", token_ref: K}", "without ':'")]
    [InlineData("{scheme: basic, user: u, password: \"\", token_ref: K}", "'auth.user' and 'auth.password' are both given")]
    [InlineData("{scheme: Bearer, password: \"\", token_ref: K}", "'auth.password' applies to scheme basic only")]
    [InlineData("{scheme: basic, password: \"a\\tb\", token_ref: K}", "no control characters")]
    [InlineData("{scheme: basic, password: , token_ref: K}", "'auth.password' needs a value")]
    [InlineData("{scheme: digest, token_ref: K}", "Bearer, token, basic or header")]
    public void Header_and_basic_auth_errors_say_what_is_wrong(string auth, string why)
    {
        var errors = Errors($"  - host: a.com\n    auth: {auth}\n");
        Assert.Contains(errors, e => e.Message.Contains(why, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[naive_injection_detection]")]
    [InlineData("[injection, naive_injection_detection]")]
    public void The_original_name_of_the_injection_detector_is_an_alias(string list) =>
        Assert.Equal([InboundDetector.Injection], One($"  - host: a.com\n    dlp: {{inbound_detectors: {list}}}\n").Dlp.InboundDetectors.ToArray());

    [Fact]
    public void Detectors_false_means_none() =>
        Assert.Empty(One("  - host: a.com\n    dlp: {outbound_detectors: false, inbound_detectors: false}\n").Dlp.OutboundDetectors);

    [Theory]
    [InlineData("https://api.github.com", "without a scheme", "api.github.com")]
    [InlineData("api.github.com:443", "no port", "api.github.com")]
    [InlineData("api.github.com/repos", "no path", "api.github.com")]
    [InlineData("\"*.com\"", "at least two labels after '*.'", null)]
    [InlineData("\"*.co.uk\"", "is a public suffix (https://publicsuffix.org)", "*.example.co.uk")]
    [InlineData("\"*.CO.JP\"", "is a public suffix", "*.example.co.jp")]
    [InlineData("\"*.github.io\"", "is a public suffix", "*.example.github.io")]
    [InlineData("\"*.workers.dev\"", "is a public suffix", "*.example.workers.dev")]
    [InlineData("\"a.*.github.com\"", "only as the whole first label", null)]
    [InlineData("\"*github.com\"", "only as the whole first label", null)]
    [InlineData("\"*.*.github.com\"", "only as the whole first label", null)]
    [InlineData("\"*.github.com:443\"", "no port", "*.github.com")]
    [InlineData("\"*.140.82.112.6\"", "IP literals", null)]
    [InlineData("140.82.112.6", "IP literals", null)]
    [InlineData("\"[::1]\"", "IP literals", null)]
    [InlineData("\"::1\"", "IP literals", null)]
    [InlineData("github.com.", "trailing dot", "github.com")]
    [InlineData("-bad.com", "start or end with '-'", null)]
    [InlineData("a..com", "1 to 63 characters", null)]
    [InlineData("under_score.com", "letters, digits", null)]
    [InlineData("bücher.de", "punycode", null)]
    public void Hosts_must_be_exact_dns_names_and_the_error_says_why(string host, string why, string? suggestion)
    {
        var e = ManifestAssert.Single(Errors($"  - host: {host}\n"), ManifestErrorCode.InvalidHost, "r.yaml", 2, 11);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Equal(suggestion, e.Suggestion);
    }

    [Fact]
    public void A_wildcard_route_covers_the_names_under_a_domain_and_is_lower_cased()
    {
        Assert.Equal("*.github.com", One("  - host: \"*.GitHub.com\"\n").Host);
        Assert.Equal("*.bbc.co.uk", One("  - host: \"*.bbc.co.uk\"\n").Host); // under a public suffix, not on it
        Assert.Equal("*.botbottle.github.io", One("  - host: \"*.botbottle.github.io\"\n").Host);
        var e = ManifestAssert.Single(Errors("  - host: \"*.a.com\"\n  - host: \"*.A.com\"\n"), ManifestErrorCode.DuplicateRouteHost, "r.yaml", 3, 11);
        Assert.Contains("first is at line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wildcard_route_cannot_inject_a_credential()
    {
        var e = ManifestAssert.Single(Errors("  - host: \"*.docs.example.com\"\n    auth: {scheme: Bearer, token_ref: GH}\n"), ManifestErrorCode.InvalidValue, "r.yaml", 3, 5);
        Assert.Contains("wildcard route cannot inject a credential", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_route_needs_a_host() =>
        ManifestAssert.Single(Errors("  - allow_private: true\n"), ManifestErrorCode.MissingKey, "r.yaml", 2, 5);

    [Fact]
    public void Duplicate_hosts_are_reported_on_the_second_route_case_insensitively()
    {
        var e = ManifestAssert.Single(Errors("  - host: a.com\n  - host: b.com\n  - host: A.com\n"), ManifestErrorCode.DuplicateRouteHost, "r.yaml", 4, 11);
        Assert.Contains("first is at line 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auth: {}", "is empty")]
    [InlineData("auth:", "is empty")]
    [InlineData("auth: {scheme: Bearer}", "needs 'token_ref'")]
    [InlineData("auth: {token_ref: T}", "needs 'scheme'")]
    public void Empty_or_incomplete_auth_is_an_error(string auth, string message)
    {
        var e = ManifestAssert.Single(Errors($"  - host: a.com\n    {auth}\n"), ManifestErrorCode.EmptyAuth, "r.yaml", 3, 5);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auth_scheme_and_token_ref_are_checked()
    {
        var errors = Errors("  - host: a.com\n    auth: {scheme: Oauth, token_ref: \"ghp_abc-def\"}\n");
        ManifestAssert.Single(errors, ManifestErrorCode.InvalidValue, "r.yaml", 3, 20);
        var e = ManifestAssert.Single(errors, ManifestErrorCode.InvalidEnvName, "r.yaml", 3, 38);
        Assert.DoesNotContain("ghp_abc-def", e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"(a)\1", "NonBacktracking")]
    [InlineData("(?=a)b", "NonBacktracking")]
    [InlineData("(?<!a)b", "NonBacktracking")]
    [InlineData("(?>a)", "NonBacktracking")]
    [InlineData("(unclosed", "offset 9")]
    [InlineData("[z-a]", "offset")]
    public void Regexes_must_compile_with_the_linear_time_engine(string pattern, string message)
    {
        var yaml = $"  - host: a.com\n    matches:\n      - paths: [{{type: regex, value: '{pattern}'}}]\n";
        var e = Assert.Single(Errors(yaml));
        Assert.Equal(ManifestErrorCode.InvalidRegex, e.Code);
        Assert.Equal((4, 38), (e.Line, e.Column));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_regexes_are_checked_too()
    {
        var e = Assert.Single(Errors("  - host: a.com\n    matches:\n      - headers:\n          x-a: {type: regex, value: \"(\"}\n"));
        Assert.Equal(ManifestErrorCode.InvalidRegex, e.Code);
        Assert.Equal(5, e.Line);
    }

    [Theory]
    [InlineData("methods: [\"GET POST\"]", ManifestErrorCode.InvalidMethod, 4, 19)]
    [InlineData("methods: [\"\"]", ManifestErrorCode.InvalidMethod, 4, 19)]
    [InlineData("methods: [GET, get]", ManifestErrorCode.DuplicateValue, 4, 24)]
    [InlineData("paths: [{type: exact, value: user}]", ManifestErrorCode.InvalidValue, 4, 38)]
    [InlineData("paths: [{type: prefix, value: \"/a?b=1\"}]", ManifestErrorCode.InvalidValue, 4, 39)]
    [InlineData("paths: [{type: glob, value: /a}]", ManifestErrorCode.InvalidValue, 4, 24)]
    [InlineData("paths: [{value: /a}]", ManifestErrorCode.MissingKey, 4, 17)]
    [InlineData("paths: [{type: exact}]", ManifestErrorCode.MissingKey, 4, 17)]
    [InlineData("headers: {\"bad header\": x}", ManifestErrorCode.InvalidValue, 4, 19)]
    [InlineData("headers: {a: x, A: y}", ManifestErrorCode.DuplicateValue, 4, 25)]
    public void Matches_entries_are_checked(string entry, ManifestErrorCode code, int line, int column) =>
        ManifestAssert.Single(Errors($"  - host: a.com\n    matches:\n      - {entry}\n"), code, "r.yaml", line, column);

    [Fact]
    public void An_empty_matches_entry_would_allow_everything_and_is_an_error() =>
        ManifestAssert.Single(Errors("  - host: a.com\n    matches:\n      - {}\n"), ManifestErrorCode.InvalidValue, "r.yaml", 4, 9);

    [Fact]
    public void Match_type_gets_a_suggestion()
    {
        var e = Assert.Single(Errors("  - host: a.com\n    matches:\n      - paths: [{type: prefx, value: /a}]\n"));
        Assert.Equal("prefix", e.Suggestion);
    }

    [Theory]
    [InlineData("outbound_detectors: [token_pattern]", ManifestErrorCode.InvalidValue, "token_patterns")]
    [InlineData("outbound_detectors: true", ManifestErrorCode.WrongType, null)]
    [InlineData("outbound_detectors: [known_secrets, known_secrets]", ManifestErrorCode.DuplicateValue, null)]
    [InlineData("inbound_detectors: [injections]", ManifestErrorCode.InvalidValue, "injection")]
    [InlineData("outbound_on_match: redcat", ManifestErrorCode.InvalidValue, "redact")]
    public void Dlp_values_are_checked(string dlp, ManifestErrorCode code, string? suggestion)
    {
        var e = Assert.Single(Errors($"  - host: a.com\n    dlp:\n      {dlp}\n"));
        Assert.Equal(code, e.Code);
        Assert.Equal(4, e.Line);
        Assert.Equal(suggestion, e.Suggestion);
    }

    [Fact]
    public void Routes_file_keys_are_strict_and_log_defaults_to_1()
    {
        Assert.Equal(EgressLogLevel.Blocked, RoutesFile.Parse("routes: []\n", "r").Log);
        Assert.Equal(EgressLogLevel.Off, RoutesFile.Parse("log: 0\n", "r").Log);
        Assert.Equal(EgressPolicy.DenyAll, RoutesFile.Parse(string.Empty, "r"));
        var e = Assert.Single(Assert.Throws<ManifestException>(() => RoutesFile.Parse("rotues: []\n", "r.yaml")).Errors);
        Assert.Equal("r.yaml:1:1: unknown key 'rotues' in a routes file; valid keys: routes, log (did you mean 'routes'?)", e.ToString());
    }

    [Fact]
    public void Routes_file_load_reads_a_file()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteFile("routes.yaml", "log: 2\nroutes:\n  - host: a.com\n");
        var p = RoutesFile.Load(path);
        Assert.Equal(EgressLogLevel.All, p.Log);
        Assert.Equal("a.com", Assert.Single(p.Routes).Host);
        var bad = dir.WriteFile("bad.yaml", "routes:\n  - host: 10.0.0.1\n");
        Assert.Equal(bad, Assert.Single(Assert.Throws<ManifestException>(() => RoutesFile.Load(bad)).Errors).File);
    }

    [Fact]
    public void Serialize_writes_a_file_that_parses_back_to_the_same_policy()
    {
        var policy = new EgressPolicy(
        [
            new EgressRoute
            {
                Host = "api.github.com",
                Auth = new RouteAuth(AuthScheme.Token, "GITHUB_TOKEN"),
                Matches =
                [
                    new RouteMatch
                    {
                        Paths = [new ValuePattern(PatternKind.Regex, "^/repos/[^/]+/\"x\"\\d+$"), new ValuePattern(PatternKind.Exact, "/true")],
                        Methods = ["GET"],
                        Headers = [new HeaderMatch("x-a", new ValuePattern(PatternKind.Exact, "null")), new HeaderMatch("accept", new ValuePattern(PatternKind.Prefix, "123"))],
                    },
                ],
                Dlp = new RouteDlp { OutboundDetectors = [], InboundDetectors = [InboundDetector.Injection], OutboundOnMatch = DlpAction.Redact },
                Git = new RouteGit(true),
                AllowPrivate = true,
            },
            new EgressRoute { Host = "b.example" },
        ], EgressLogLevel.Off);
        var yaml = RoutesFile.Serialize(policy);
        Assert.Equal(policy, RoutesFile.Parse(yaml, "round-trip"));
        Assert.StartsWith("log: 0\nroutes:\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteValidator_checks_a_yaml_node_with_the_manifest_rules()
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader("- host: a.com\n- host: https://b.com\n- {host: c.com, auth: {}}\n"));
        var result = RouteValidator.Validate(stream.Documents[0].RootNode, "proposal 7", lineOffset: 10);
        Assert.False(result.IsValid);
        Assert.Equal(["a.com", "c.com"], result.Routes.Select(r => r.Host));
        Assert.Equal([(ManifestErrorCode.InvalidHost, 12), (ManifestErrorCode.EmptyAuth, 13)], result.Errors.Select(e => (e.Code, e.Line)));
        Assert.All(result.Errors, e => Assert.Equal("proposal 7", e.File));

        var single = RouteValidator.Validate("host: d.com\nmatches:\n  - methods: [GET]\n", "proposal 8");
        Assert.True(single.IsValid);
        Assert.Equal("d.com", Assert.Single(single.Routes).Host);
    }

    [Fact]
    public void RouteValidator_checks_routes_built_in_code()
    {
        var routes = new[]
        {
            new EgressRoute { Host = "ok.example" },
            new EgressRoute { Host = "Upper.example" },
            new EgressRoute { Host = "ok.example" },
            new EgressRoute { Host = "10.0.0.1" },
            new EgressRoute { Host = "x.example", Auth = new RouteAuth(AuthScheme.Bearer, "not a name") },
            new EgressRoute { Host = "y.example", Matches = [new RouteMatch()] },
            new EgressRoute { Host = "z.example", Matches = [new RouteMatch { Paths = [new ValuePattern(PatternKind.Regex, "(?=x)")], Methods = ["get"] }] },
        };
        var result = RouteValidator.Validate(routes, "mcp");
        Assert.Equal(["ok.example"], result.Routes.Select(r => r.Host));
        Assert.Equal(
            [ManifestErrorCode.InvalidHost, ManifestErrorCode.DuplicateRouteHost, ManifestErrorCode.InvalidHost, ManifestErrorCode.InvalidEnvName,
             ManifestErrorCode.InvalidValue, ManifestErrorCode.InvalidRegex, ManifestErrorCode.InvalidMethod],
            result.Errors.Select(e => e.Code));
        Assert.Equal("upper.example", result.Errors[0].Suggestion);
        Assert.All(result.Errors, e => Assert.StartsWith("mcp: routes[", e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Ports_are_a_list_of_distinct_tcp_ports_and_round_trip()
    {
        var r = One("  - host: internal.example\n    ports: [8443, 443]\n");
        Assert.Equal([8443, 443], r.Ports.ToArray());
        Assert.True(r.AllowsPort("https", 8443) && r.AllowsPort("http", 443) && !r.AllowsPort("https", 80));
        Assert.Empty(One("  - host: a.example\n").Ports);
        Assert.Equal(r, Assert.Single(RoutesFile.Parse(RoutesFile.Serialize(new EgressPolicy([r])), "s").Routes));
        Assert.Contains(Errors("  - host: a.example\n    ports: [0]\n"), e => e.Code == ManifestErrorCode.InvalidValue && e.Line == 3);
        Assert.Contains(Errors("  - host: a.example\n    ports: [443, 443]\n"), e => e.Code == ManifestErrorCode.DuplicateValue);
        Assert.Contains(Errors("  - host: a.example\n    ports: []\n"), e => e.Code == ManifestErrorCode.InvalidValue);
        Assert.Contains(Errors("  - host: a.example\n    ports: [https]\n"), e => e.Code == ManifestErrorCode.WrongType);
        Assert.Contains(Errors("  - host: a.example\n    ports: 443\n"), e => e.Code == ManifestErrorCode.WrongType);
    }
}
