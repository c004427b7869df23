using BotBottle.Manifest;
using BotBottle.Policy;

namespace BotBottle.Tests.Manifest;

/// <summary>Every bottle key of PRODUCT.md §3.2, and every way to get one wrong.</summary>
public class BottleSchemaTests
{
    private const string GithubHostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    [Fact]
    public void Every_bottle_key_is_read_into_the_effective_bottle()
    {
        using var home = new TestHome();
        home.Bottle("base", "env:\n  LANG: C.UTF-8\n");
        home.Bottle("full", $$"""
            extends: base
            env:
              LITERAL: plain value
              NUMBER: 8080
              FROM_HOST: "${HOME}"
              TOKEN: "?"
              PROMPTED: "?Your API key"
            agent_provider:
              template: codex
              dockerfile: images/Dockerfile
              auth_token: OPENAI_KEY
            git-gate:
              user:
                name: Bot
                email: bot@example.invalid
              repos:
                origin:
                  url: ssh://git@github.com/acme/app.git
                  key: keys/deploy
                  host_key: {{GithubHostKey}}
                mirror:
                  url: https://git.example.com/acme/app.git
                  key: /etc/tokens/mirror
                  allow_force_push: true
                  allow_delete: true
            egress:
              log: 2
              routes:
                - host: Example.COM
            """);
        home.Agent("a", "bottle: full\n");

        var b = home.Catalog().Resolve("a").Bottle;

        Assert.Equal(["base", "full"], b.Chain.ToArray());
        Assert.Equal(
            [
                new EnvEntry("LANG", EnvValueKind.Literal, "C.UTF-8"),
                new EnvEntry("LITERAL", EnvValueKind.Literal, "plain value"),
                new EnvEntry("NUMBER", EnvValueKind.Literal, "8080"),
                new EnvEntry("FROM_HOST", EnvValueKind.Host, "HOME"),
                new EnvEntry("TOKEN", EnvValueKind.Secret, string.Empty),
                new EnvEntry("PROMPTED", EnvValueKind.Secret, "Your API key"),
                new EnvEntry("OPENAI_API_KEY", EnvValueKind.Literal, ProviderDefinition.PlaceholderValue),
            ],
            b.Env.ToArray());
        Assert.Same(BuiltInProviders.Codex, b.Provider);
        Assert.Equal(Path.Combine(home.Root, "bottles", "images", "Dockerfile"), b.Dockerfile);
        Assert.Equal("OPENAI_KEY", b.AuthTokenVariable);
        Assert.Equal(new GitUser("Bot", "bot@example.invalid"), b.GitUser);
        Assert.Equal(
            [
                new GitRepository("origin", "ssh://git@github.com/acme/app.git", Path.Combine(home.Root, "bottles", "keys", "deploy"), GithubHostKey),
                new GitRepository("mirror", "https://git.example.com/acme/app.git", "/etc/tokens/mirror", null) { AllowForcePush = true, AllowDelete = true },
            ],
            b.Repositories.ToArray());
        Assert.Equal(EgressLogLevel.All, b.Egress.Log);
        Assert.Equal(["api.openai.com", "example.com"], b.Egress.Routes.Select(r => r.Host));
    }

    [Fact]
    public void Defaults_apply_when_keys_are_absent()
    {
        using var home = new TestHome();
        home.Bottle("empty", string.Empty);
        home.Agent("a", "bottle: empty\n");
        var b = home.Catalog().Resolve("a").Bottle;
        Assert.Same(BuiltInProviders.Claude, b.Provider);
        Assert.Equal(EgressLogLevel.Blocked, b.Egress.Log);
        Assert.Empty(b.Egress.Routes);
        Assert.Empty(b.Env);
        Assert.Null(b.GitUser);
        Assert.Null(b.AuthTokenVariable);
    }

    [Fact]
    public void Unknown_keys_are_located_and_get_a_suggestion()
    {
        var errors = ManifestAssert.BottleErrors("env: {}\negres:\n  routes: []\n");
        var e = ManifestAssert.Single(errors, ManifestErrorCode.UnknownKey, "b.md", 3, 1);
        Assert.Equal("egress", e.Suggestion);
        Assert.StartsWith("b.md:3:1: unknown key 'egres' in a bottle", e.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("(did you mean 'egress'?)", e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent_provider:\n  templte: codex\n", 3, 3, "template")]
    [InlineData("git-gate:\n  user:\n    mail: a@b.c\n", 4, 5, "email")]
    [InlineData("git-gate:\n  repo: {}\n", 3, 3, "repos")]
    [InlineData("egress:\n  log: 1\n  rutes: []\n", 4, 3, "routes")]
    [InlineData("egress:\n  routes:\n    - hots: a.com\n", 4, 7, "host")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      dlp:\n        outbound_on_macth: block\n", 6, 9, "outbound_on_match")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      auth:\n        scheme: Bearer\n        tokenref: X\n", 7, 9, "token_ref")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      matches:\n        - path: []\n", 6, 11, "paths")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      git:\n        fetsh: true\n", 6, 9, "fetch")]
    [InlineData("git-gate:\n  repos:\n    o:\n      url: https://x.org/r.git\n      key: k\n      hostkey: x\n", 7, 7, "host_key")]
    public void Unknown_keys_at_every_level_are_located_with_a_suggestion(string yaml, int line, int column, string suggestion)
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.UnknownKey, "b.md", line, column);
        Assert.Equal(suggestion, e.Suggestion);
    }

    [Fact]
    public void A_far_off_key_gets_no_suggestion()
    {
        var e = Assert.Single(ManifestAssert.BottleErrors("zzzzzzzz: 1\n"));
        Assert.Null(e.Suggestion);
        Assert.Contains("valid keys: extends, env, agent_provider, git-gate, egress", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("supervise: true\n", 2, 1)]
    [InlineData("capability: block\n", 2, 1)]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      supervise: true\n", 5, 7)]
    public void Removed_keys_are_errors_that_say_what_replaced_them(string yaml, int line, int column)
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.RemovedKey, "b.md", line, column);
        Assert.Contains("was removed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bottle: x\n", "agent key")]
    [InlineData("skills: [x]\n", "agent key")]
    public void Agent_keys_in_a_bottle_are_misplaced(string yaml, string message)
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.MisplacedKey, "b.md", 2, 1);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env: [A, B]\n", 2, 6, "'env' must be a map")]
    [InlineData("env:\n  A: true\n", 3, 6, "not a boolean; quote it")]
    [InlineData("env:\n  A: [x]\n", 3, 6, "must be text, not a list")]
    [InlineData("extends: {a: b}\n", 2, 10, "must be text, not a map")]
    [InlineData("agent_provider: claude\n", 2, 17, "'agent_provider' must be a map")]
    [InlineData("egress:\n  log: high\n", 3, 8, "'log' must be a whole number, not text")]
    [InlineData("egress:\n  routes: {host: a.com}\n", 3, 11, "'egress.routes' must be a list")]
    [InlineData("egress:\n  routes:\n    - a.com\n", 4, 7, "'route' must be a map")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      allow_private: yes\n", 5, 22, "'allow_private' must be true or false")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      git:\n        fetch: \"true\"\n", 6, 16, "'git.fetch' must be true or false, not text")]
    [InlineData("egress:\n  routes:\n    - host: a.com\n      matches: {paths: []}\n", 5, 16, "'matches' must be a list")]
    [InlineData("git-gate:\n  user: Bot\n", 3, 9, "'git-gate.user' must be a map")]
    public void Wrong_types_are_located(string yaml, int line, int column, string message)
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.WrongType, "b.md", line, column);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("egress:\n  log: 3\n", 3, 8)]
    [InlineData("egress:\n  log: -1\n", 3, 8)]
    public void Log_levels_are_0_1_or_2(string yaml, int line, int column) =>
        ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.InvalidValue, "b.md", line, column);

    [Theory]
    [InlineData("extends: Base\n", 2, 10)]
    [InlineData("extends: [ok, bad_name]\n", 2, 15)]
    [InlineData("agent_provider:\n  template: Claude!\n", 3, 13)]
    public void Bad_names_are_located(string yaml, int line, int column) =>
        ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.InvalidName, "b.md", line, column);

    [Fact]
    public void The_file_name_must_be_a_valid_name()
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors("env: {}\n", name: "My_Bottle"), ManifestErrorCode.InvalidName, "b.md", 1, 1);
        Assert.Equal("my-bottle", e.Suggestion);
    }

    [Fact]
    public void Extends_lists_twice_the_same_name_is_an_error() =>
        ManifestAssert.Single(ManifestAssert.BottleErrors("extends: [a, a]\n"), ManifestErrorCode.DuplicateValue, "b.md", 2, 14);

    [Theory]
    [InlineData("env:\n  1BAD: x\n", 3, 3)]
    [InlineData("env:\n  BAD-NAME: x\n", 3, 3)]
    [InlineData("env:\n  BOT_BOTTLE_SUPERVISE_URL: x\n", 3, 3)]
    [InlineData("env:\n  A: \"${not valid}\"\n", 3, 6)]
    [InlineData("agent_provider:\n  auth_token: sk-ant-not-a-name\n", 3, 15)]
    public void Env_names_and_host_references_are_checked(string yaml, int line, int column) =>
        ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.InvalidEnvName, "b.md", line, column);

    [Fact]
    public void Env_errors_never_echo_the_value()
    {
        const string Planted = "sk-live-PLANTED-0123456789";
        var errors = ManifestAssert.BottleErrors($"env:\n  A: [\"{Planted}\"]\n  B: {{x: \"{Planted}\"}}\n  \"bad name\": \"{Planted}\"\n");
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain(Planted, e.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("git-gate:\n  repos:\n    o:\n      url: git@github.com:acme/app.git\n      key: k\n", 5, 12, "ssh://git@github.com/acme/app.git")]
    [InlineData("git-gate:\n  repos:\n    o:\n      url: ftp://x.org/r\n      key: k\n", 5, 12, null)]
    [InlineData("git-gate:\n  repos:\n    o:\n      url: https://user:pw@x.org/r\n      key: k\n", 5, 12, null)]
    public void Repository_urls_are_ssh_or_https(string yaml, int line, int column, string? suggestion)
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.InvalidValue, "b.md", line, column);
        Assert.Equal(suggestion, e.Suggestion);
    }

    [Theory]
    [InlineData("allow_force_push")]
    [InlineData("allow_delete")]
    public void A_repositorys_push_permissions_are_booleans(string flag)
    {
        var e = Assert.Single(ManifestAssert.BottleErrors($"git-gate:\n  repos:\n    o:\n      url: https://x.org/r.git\n      key: k\n      {flag}: sometimes\n"));
        Assert.Equal(7, e.Line);
        Assert.Contains(flag, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("git-gate:\n  repos:\n    o:\n      key: k\n", "needs 'url'")]
    [InlineData("git-gate:\n  repos:\n    o:\n      url: https://x.org/r.git\n", "needs 'key'")]
    [InlineData("git-gate:\n  repos:\n    o:\n      url: ssh://git@x.org/r.git\n      key: k\n", "needs 'host_key'")]
    public void Repository_required_fields(string yaml, string message)
    {
        var e = ManifestAssert.Single(ManifestAssert.BottleErrors(yaml), ManifestErrorCode.MissingKey, "b.md", 5, 7);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_keys_must_look_like_ssh_keys() =>
        ManifestAssert.Single(
            ManifestAssert.BottleErrors("git-gate:\n  repos:\n    o:\n      url: ssh://git@x.org/r.git\n      key: k\n      host_key: not-a-key\n"),
            ManifestErrorCode.InvalidValue, "b.md", 7, 17);

    [Fact]
    public void Git_user_email_is_checked() =>
        ManifestAssert.Single(ManifestAssert.BottleErrors("git-gate:\n  user:\n    email: nobody\n"), ManifestErrorCode.InvalidValue, "b.md", 4, 12);

    [Fact]
    public void All_errors_of_a_file_are_reported_together()
    {
        var errors = ManifestAssert.BottleErrors("""
            extends: Bad
            env:
              1X: y
            agent_provider:
              templat: claude
            egress:
              log: 9
              routes:
                - host: https://a.com
                - host: b.com
                  auth: {}
                - host: b.com
            supervise: true
            """);
        Assert.Equal(
            [ManifestErrorCode.InvalidName, ManifestErrorCode.InvalidEnvName, ManifestErrorCode.UnknownKey, ManifestErrorCode.InvalidValue,
             ManifestErrorCode.InvalidHost, ManifestErrorCode.EmptyAuth, ManifestErrorCode.DuplicateRouteHost, ManifestErrorCode.RemovedKey],
            errors.Select(e => e.Code));
        Assert.Equal([2, 4, 6, 8, 10, 12, 13, 14], errors.Select(e => e.Line));
    }
}
