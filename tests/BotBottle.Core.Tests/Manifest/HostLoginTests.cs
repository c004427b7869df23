using System.Text;
using System.Text.Json;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;

namespace BotBottle.Tests.Manifest;

/// <summary>
/// <c>agent_provider.forward_host_credentials</c>: Codex's ChatGPT sign-in on the host (openai/codex
/// <c>codex-rs/login/src/auth/storage.rs</c> AuthDotJson, <c>token_data.rs</c> id_token claims) becomes a chatgpt.com
/// route whose token the sidecar injects, and a placeholder auth.json for the agent with no credential in it.
/// </summary>
public class HostLoginTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private const string AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.real-access-signature";
    private const string RefreshToken = "rt_real-refresh-token-0123456789";
    private const string AccountId = "4f1c2b9e-acct";

    /// <summary>An id_token as the auth service issues it (signed; the signature is opaque here), with the claims Codex reads.</summary>
    private static string IdToken(string claimsJson) =>
        B64("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + "." + B64(claimsJson) + ".real-id-signature";

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string HostAuthJson(string? accessToken = AccessToken, string apiKey = "null", string? mode = null) => $$"""
        {
          {{(mode is null ? "" : $"\"auth_mode\": \"{mode}\",")}}
          "OPENAI_API_KEY": {{apiKey}},
          "tokens": {
            "id_token": "{{IdToken($$$"""{"email":"dev@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"pro","chatgpt_account_id":"{{{AccountId}}}","chatgpt_user_id":"user-1"}}""")}}",
            "access_token": {{(accessToken is null ? "null" : "\"" + accessToken + "\"")}},
            "refresh_token": "{{RefreshToken}}",
            "account_id": "{{AccountId}}"
          },
          "last_refresh": "2026-11-30T08:00:00Z"
        }
        """;

    private static Func<string, string?> CodexHome(TempDirectory dir) => name => name == "CODEX_HOME" ? dir.Path : null;

    [Fact]
    public void Forwarding_the_codex_sign_in_adds_a_chatgpt_route_bound_to_the_codex_paths_and_no_env_entry()
    {
        using var home = new TestHome();
        home.Bottle("b", "agent_provider:\n  template: codex\n  forward_host_credentials: true\n");
        home.Agent("x", "bottle: b\n");
        var b = home.Catalog().Resolve("x").Bottle;
        Assert.True(b.ForwardHostCredentials);
        Assert.Null(b.AuthTokenVariable);
        var route = Assert.Single(b.Egress.Routes);
        Assert.Equal("chatgpt.com", route.Host);
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "CODEX_CHATGPT_ACCESS_TOKEN"), route.Auth);
        Assert.Equal(DlpAction.Redact, route.Dlp.OutboundOnMatch);
        var match = Assert.Single(route.Matches);
        Assert.Equal(["/backend-api/codex/", "/backend-api/wham/"], match.Paths.Select(p => p.Value));
        Assert.All(match.Paths, p => Assert.Equal(PatternKind.Prefix, p.Type));

        // The agent's sign-in is a file, not a variable: no placeholder env entry, and no API key.
        Assert.Empty(b.Env);
    }

    [Fact]
    public void An_operator_route_for_chatgpt_com_merges_but_the_credential_stays_the_sign_ins()
    {
        using var home = new TestHome();
        home.Bottle("b", """
            agent_provider:
              template: codex
              forward_host_credentials: true
            egress:
              routes:
                - host: chatgpt.com
                  ports: [8443]
                  auth: {scheme: bearer, token_ref: SOMETHING_ELSE}
            """);
        home.Agent("x", "bottle: b\n");
        var route = Assert.Single(home.Catalog().Resolve("x").Bottle.Egress.Routes);
        Assert.Equal([8443], route.Ports.ToArray());
        Assert.Equal(new RouteAuth(AuthScheme.Bearer, "CODEX_CHATGPT_ACCESS_TOKEN"), route.Auth);
        Assert.Single(route.Matches);
    }

    [Fact]
    public void Forwarding_is_refused_for_a_provider_without_a_host_sign_in_and_together_with_auth_token()
    {
        using var home = new TestHome();
        var claude = home.Bottle("c", "agent_provider:\n  forward_host_credentials: true\n");
        var both = home.Bottle("both", "agent_provider:\n  template: codex\n  auth_token: OPENAI_API_KEY\n  forward_host_credentials: true\n");
        home.Agent("a", "bottle: c\n");
        home.Agent("b", "bottle: both\n");
        var catalog = home.Catalog();
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => catalog.Resolve("a")), ManifestErrorCode.ProviderHasNoHostLogin, claude, 3, 3);
        Assert.Contains("auth_token", e.Message, StringComparison.Ordinal);
        ManifestAssert.Single(ManifestAssert.Invalid(() => catalog.Resolve("b")), ManifestErrorCode.ConflictingProviderCredentials, both, 5, 3);
        Assert.Contains(ManifestAssert.BottleErrors("agent_provider:\n  forward_host_credentials: yes please\n"), x => x.Code == ManifestErrorCode.WrongType);

        // false is the same as leaving it out.
        home.Bottle("off", "agent_provider:\n  template: codex\n  forward_host_credentials: false\n");
        home.Agent("o", "bottle: off\n");
        var off = home.Catalog().Resolve("o").Bottle;
        Assert.False(off.ForwardHostCredentials);
        Assert.Empty(off.Egress.Routes);
    }

    [Fact]
    public void The_host_sign_in_gives_the_sidecar_the_access_token_and_the_agent_a_placeholder_without_any_token()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("auth.json", HostAuthJson());
        var m = CodexChatGptLogin.Read(CodexHome(dir), Now);
        Assert.Equal(AccessToken, m.AccessToken.Reveal());
        Assert.Equal(Path.Combine(dir.Path, "auth.json"), m.Source);

        var text = Encoding.UTF8.GetString(m.PlaceholderFile);
        foreach (var secret in new[] { AccessToken, RefreshToken, "real-id-signature", "real-access-signature", "dev@example.com", "user-1" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        // The shape Codex reads (AuthDotJson): no API key, so ChatGPT mode; placeholder tokens; the real account id.
        using var doc = JsonDocument.Parse(m.PlaceholderFile);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("OPENAI_API_KEY").ValueKind);
        var tokens = root.GetProperty("tokens");
        Assert.Equal(ProviderDefinition.PlaceholderValue, tokens.GetProperty("access_token").GetString());
        Assert.Equal(ProviderDefinition.PlaceholderValue, tokens.GetProperty("refresh_token").GetString());
        Assert.Equal(AccountId, tokens.GetProperty("account_id").GetString());
        Assert.Equal("2026-12-03T10:00:00Z", root.GetProperty("last_refresh").GetString());

        // The id_token is three non-empty base64url parts (token_data.rs decode_jwt_payload) carrying only account and plan.
        var parts = tokens.GetProperty("id_token").GetString()!.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.NotEmpty(p));
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        var auth = Assert.Single(claims.RootElement.EnumerateObject());
        Assert.Equal(CodexChatGptLogin.AuthClaim, auth.Name);
        Assert.Equal("""{"chatgpt_account_id":"4f1c2b9e-acct","chatgpt_plan_type":"pro"}""", auth.Value.GetRawText());
    }

    [Fact]
    public void The_host_file_is_codex_home_else_dot_codex_in_home()
    {
        Assert.Equal(Path.Combine("/c", "auth.json"), CodexChatGptLogin.HostFile(n => n switch { "CODEX_HOME" => "/c", "HOME" => "/h", _ => null }));
        Assert.Equal(Path.Combine("/h", ".codex", "auth.json"), CodexChatGptLogin.HostFile(n => n == "HOME" ? "/h" : null));
    }

    [Fact]
    public void A_missing_api_key_expired_or_tokenless_sign_in_is_a_precise_error_that_says_what_to_run()
    {
        using var dir = new TempDirectory();
        var missing = Assert.Throws<BotBottleException>(() => CodexChatGptLogin.Read(CodexHome(dir), Now));
        Assert.Equal("HostLoginMissing", missing.ErrorId);
        Assert.Contains("codex login", missing.Message, StringComparison.Ordinal);

        dir.WriteFile("auth.json", HostAuthJson(apiKey: "\"sk-proj-host-key\""));
        var apiKey = Assert.Throws<BotBottleException>(() => CodexChatGptLogin.Read(CodexHome(dir), Now));
        Assert.Equal("HostLoginNotChatGpt", apiKey.ErrorId);
        Assert.Contains("auth_token: OPENAI_API_KEY", apiKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-proj-host-key", apiKey.Message, StringComparison.Ordinal);

        // auth_mode decides when present (Codex's resolved_mode): chatgpt with a leftover key is ChatGPT mode; apikey is not.
        dir.WriteFile("auth.json", HostAuthJson(apiKey: "\"sk-proj-host-key\"", mode: "chatgpt"));
        Assert.Equal(AccessToken, CodexChatGptLogin.Read(CodexHome(dir), Now).AccessToken.Reveal());
        dir.WriteFile("auth.json", HostAuthJson(mode: "apikey"));
        Assert.Equal("HostLoginNotChatGpt", Assert.Throws<BotBottleException>(() => CodexChatGptLogin.Read(CodexHome(dir), Now)).ErrorId);

        // exp 946684800 = 2000-01-01T00:00:00Z, before Now.
        dir.WriteFile("auth.json", HostAuthJson(accessToken: B64("{\"alg\":\"RS256\"}") + "." + B64("{\"exp\":946684800}") + ".sig"));
        var expired = Assert.Throws<BotBottleException>(() => CodexChatGptLogin.Read(CodexHome(dir), Now));
        Assert.Equal("HostLoginExpired", expired.ErrorId);
        Assert.Contains("2000-01-01 00:00:00Z", expired.Message, StringComparison.Ordinal);

        dir.WriteFile("auth.json", HostAuthJson(accessToken: null));
        Assert.Equal("HostLoginInvalid", Assert.Throws<BotBottleException>(() => CodexChatGptLogin.Read(CodexHome(dir), Now)).ErrorId);
        dir.WriteFile("auth.json", "not json");
        Assert.Equal("HostLoginInvalid", Assert.Throws<BotBottleException>(() => CodexChatGptLogin.Read(CodexHome(dir), Now)).ErrorId);
    }
}
