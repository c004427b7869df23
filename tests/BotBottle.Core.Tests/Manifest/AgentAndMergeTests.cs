using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Policy;

namespace BotBottle.Tests.Manifest;

/// <summary>Agent keys (PRODUCT.md §3.3) and the merge rules of docs/manifest.md.</summary>
public class AgentAndMergeTests
{
    [Fact]
    public void Every_agent_key_is_read_and_claude_subagent_fields_are_ignored()
    {
        using var home = new TestHome();
        home.Bottle("b", "git-gate:\n  user:\n    name: Bottle Name\n    email: bottle@example.invalid\n");
        home.Skill("review");
        home.Agent("reviewer", """
            name: some-other-name
            description: Reviews things
            model: opus
            color: blue
            memory: project
            tools: Read, Grep
            bottle: b
            skills: [review]
            git-gate:
              user:
                email: agent@example.invalid
            """, "You review.\n");
        var resolved = home.Catalog().Resolve("reviewer");
        var a = resolved.Agent;
        Assert.Equal("reviewer", a.Name);
        Assert.Equal("b", a.Bottle);
        Assert.Equal(["review"], a.Skills.ToArray());
        Assert.Equal("Reviews things", a.Description);
        Assert.Equal("You review.", a.Prompt);
        Assert.Equal(ManifestSourceKind.Home, a.Source);
        // The agent's git-gate.user overlays the bottle's field by field.
        Assert.Equal(new GitUser("Bottle Name", "agent@example.invalid"), resolved.Bottle.GitUser);
        Assert.Contains(resolved.Bottle.Provenance, p => p.Key == "git-gate.user.email" && p.Source.StartsWith(a.Path + ":", StringComparison.Ordinal));
        Assert.Contains(resolved.Bottle.Provenance, p => p.Key == "git-gate.user.name" && p.Source.Contains("bottles", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("env: {A: b}\n", ManifestErrorCode.MisplacedKey, 2, 1)]
    [InlineData("egress: {}\n", ManifestErrorCode.MisplacedKey, 2, 1)]
    [InlineData("agent_provider: {}\n", ManifestErrorCode.MisplacedKey, 2, 1)]
    [InlineData("extends: x\n", ManifestErrorCode.MisplacedKey, 2, 1)]
    [InlineData("git-gate:\n  repos: {}\n", ManifestErrorCode.MisplacedKey, 3, 3)]
    [InlineData("botle: x\n", ManifestErrorCode.UnknownKey, 2, 1)]
    [InlineData("bottle: Not_A_Name\n", ManifestErrorCode.InvalidName, 2, 9)]
    [InlineData("bottle: [a, b]\n", ManifestErrorCode.WrongType, 2, 9)]
    [InlineData("skills: review\n", ManifestErrorCode.WrongType, 2, 9)]
    [InlineData("skills: [../etc]\n", ManifestErrorCode.InvalidName, 2, 10)]
    [InlineData("skills: [a, a]\n", ManifestErrorCode.DuplicateValue, 2, 13)]
    [InlineData("supervise: true\n", ManifestErrorCode.RemovedKey, 2, 1)]
    [InlineData("description: [a]\n", ManifestErrorCode.WrongType, 2, 14)]
    public void Agent_errors_are_located(string yaml, ManifestErrorCode code, int line, int column) =>
        ManifestAssert.Single(ManifestAssert.AgentErrors(yaml), code, "a.md", line, column);

    [Fact]
    public void Unknown_agent_key_suggests_the_bottle_key() =>
        Assert.Equal("bottle", ManifestAssert.AgentErrors("botle: x\n").Single().Suggestion);

    [Fact]
    public void Agent_names_must_leave_room_for_the_slug()
    {
        var e = ManifestAssert.Single(ManifestAssert.AgentErrors("bottle: b\n", name: new string('a', 47)), ManifestErrorCode.InvalidName, "a.md", 1, 1);
        Assert.Contains("46", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extends_merges_left_to_right_child_last()
    {
        using var home = new TestHome();
        home.Bottle("base", "env:\n  A: base\n  B: base\negress:\n  log: 0\n");
        home.Bottle("left", "extends: base\nenv:\n  B: left\n  C: left\n");
        home.Bottle("right", "extends: base\nenv:\n  C: right\n  D: right\n");
        home.Bottle("child", "extends: [left, right]\nenv:\n  D: child\n");
        home.Agent("a", "bottle: child\n");
        var b = home.Catalog().Resolve("a").Bottle;
        // The diamond's base is merged once, at its first position.
        Assert.Equal(["base", "left", "right", "child"], b.Chain.ToArray());
        Assert.Equal(["A=base", "B=left", "C=right", "D=child"], b.Env.Select(e => e.ToString()));
        Assert.Equal(EgressLogLevel.Off, b.Egress.Log);
    }

    [Fact]
    public void Routes_merge_by_host_field_by_field_and_lists_replace()
    {
        using var home = new TestHome();
        home.Bottle("base", """
            egress:
              log: 2
              routes:
                - host: a.com
                  auth: {scheme: Bearer, token_ref: OLD}
                  matches:
                    - methods: [GET]
                    - methods: [HEAD]
                  dlp:
                    outbound_detectors: [token_patterns]
                    outbound_on_match: block
                  git: {fetch: true}
                - host: b.com
            """);
        home.Bottle("child", """
            extends: base
            egress:
              routes:
                - host: A.COM
                  auth: {scheme: token, token_ref: NEW}
                  matches:
                    - methods: [POST]
                  dlp:
                    outbound_on_match: redact
                  allow_private: true
                - host: c.com
            """);
        home.Agent("x", "bottle: child\n");
        var egress = home.Catalog().Resolve("x").Bottle.Egress;
        Assert.Equal(EgressLogLevel.All, egress.Log);
        Assert.Equal(["a.com", "b.com", "c.com"], egress.Routes.Select(r => r.Host));
        var a = egress.Routes[0];
        Assert.Equal(new RouteAuth(AuthScheme.Token, "NEW"), a.Auth); // auth is replaced whole
        Assert.Equal(["POST"], Assert.Single(a.Matches).Methods.ToArray()); // lists replace
        Assert.Equal([OutboundDetector.TokenPatterns], a.Dlp.OutboundDetectors.ToArray()); // dlp merges by key
        Assert.Equal(DlpAction.Redact, a.Dlp.OutboundOnMatch);
        Assert.True(a.Git.Fetch); // kept from the parent
        Assert.True(a.AllowPrivate);
    }

    [Fact]
    public void Repositories_merge_by_name_and_an_entry_is_replaced_whole()
    {
        using var home = new TestHome();
        home.Bottle("base", "git-gate:\n  repos:\n    origin: {url: https://a.example/r.git, key: /k/a}\n    docs: {url: https://d.example/r.git, key: /k/d}\n");
        home.Bottle("child", "extends: base\ngit-gate:\n  repos:\n    origin: {url: https://b.example/r.git, key: /k/b}\n");
        home.Agent("x", "bottle: child\n");
        var repos = home.Catalog().Resolve("x").Bottle.Repositories;
        Assert.Equal(
            [new GitRepository("origin", "https://b.example/r.git", "/k/b", null), new GitRepository("docs", "https://d.example/r.git", "/k/d", null)],
            repos.ToArray());
    }

    [Fact]
    public void Provenance_names_the_file_and_line_of_every_value()
    {
        using var home = new TestHome();
        var basePath = home.Bottle("base", "env:\n  A: one\negress:\n  routes:\n    - host: a.com\n");
        var childPath = home.Bottle("child", "extends: base\nenv:\n  A: two\negress:\n  log: 0\n  routes:\n    - host: a.com\n      git: {fetch: true}\n");
        home.Agent("x", "bottle: child\n");
        var info = home.Catalog().Describe("x");
        var byKey = info.Values.ToDictionary(v => v.Key);
        Assert.Equal(new ProvenanceEntry("env.A", "two", $"{childPath}:4:3"), byKey["env.A"]);
        Assert.Equal(new ProvenanceEntry("egress.routes[a.com]", "a.com", $"{basePath}:6:13"), byKey["egress.routes[a.com]"]);
        Assert.Equal(new ProvenanceEntry("egress.routes[a.com].git.fetch", "true", $"{childPath}:9:13"), byKey["egress.routes[a.com].git.fetch"]);
        Assert.Equal(new ProvenanceEntry("egress.log", "0", $"{childPath}:6:8"), byKey["egress.log"]);
        Assert.Equal(new ProvenanceEntry("agent_provider.template", "claude", "default"), byKey["agent_provider.template"]);
        Assert.Equal(["base", "child"], info.BottleChain.ToArray());
    }

    [Fact]
    public void A_self_extending_bottle_is_an_error()
    {
        using var home = new TestHome();
        var path = home.Bottle("loop", "extends: loop\n");
        home.Agent("x", "bottle: loop\n");
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => home.Catalog().Resolve("x")), ManifestErrorCode.ExtendsCycle, path, 2, 10);
        Assert.Equal("bottle 'loop' extends itself", e.Message);
    }

    [Fact]
    public void Cycles_name_the_chain()
    {
        using var home = new TestHome();
        home.Bottle("a", "extends: b\n");
        home.Bottle("b", "extends: c\n");
        var c = home.Bottle("c", "env: {}\nextends: [a]\n");
        home.Agent("x", "bottle: a\n");
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => home.Catalog().Resolve("x")), ManifestErrorCode.ExtendsCycle, c, 3, 11);
        Assert.Equal("extends cycle: a → b → c → a", e.Message);
    }

    [Fact]
    public void Missing_parents_name_the_chain_and_suggest()
    {
        using var home = new TestHome();
        home.Bottle("a", "extends: b\n");
        var b = home.Bottle("b", "extends: [clade]\n");
        home.Bottle("claude", string.Empty);
        home.Agent("x", "bottle: a\n");
        var e = ManifestAssert.Single(ManifestAssert.Invalid(() => home.Catalog().Resolve("x")), ManifestErrorCode.MissingParent, b, 2, 11);
        Assert.Contains("(chain: a → b → clade)", e.Message, StringComparison.Ordinal);
        Assert.Equal("claude", e.Suggestion);
    }

    [Fact]
    public void A_missing_bottle_named_by_an_agent_is_located_in_the_agent()
    {
        using var home = new TestHome();
        var agent = home.Agent("x", "bottle: nope\n");
        ManifestAssert.Single(ManifestAssert.Invalid(() => home.Catalog().Resolve("x")), ManifestErrorCode.MissingBottle, agent, 2, 9);
    }

    [Fact]
    public void Errors_of_the_agent_and_every_bottle_in_the_chain_come_together()
    {
        using var home = new TestHome();
        var a = home.Agent("x", "bottle: child\ncolour: red\n");
        var child = home.Bottle("child", "extends: base\nenvv: {}\n");
        var parent = home.Bottle("base", "egress:\n  routes:\n    - host: 1.2.3.4\n");
        var errors = ManifestAssert.Invalid(() => home.Catalog().Resolve("x"));
        Assert.Equal([a, child, parent], errors.Select(e => e.File).Distinct());
        Assert.Equal("color", errors[0].Suggestion);
    }

    [Fact]
    public void Bottle_override_replaces_the_agents_bottle_and_a_portable_agent_needs_one()
    {
        using var home = new TestHome();
        home.Bottle("one", "env: {A: one}\n");
        home.Bottle("two", "env: {B: two}\n");
        home.Agent("fixed", "bottle: one\n");
        home.Agent("portable", string.Empty);
        var catalog = home.Catalog();
        Assert.Equal(["two"], catalog.Resolve("fixed", ["two"]).Bottle.Chain.ToArray());
        Assert.Equal(["one", "two"], catalog.Resolve("portable", ["one", "two"]).Bottle.Chain.ToArray());
        var ex = Assert.Throws<BotBottleException>(() => catalog.Resolve("portable"));
        Assert.Equal("BottleRequired", ex.ErrorId);
        Assert.Contains("--bottle one", ex.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<BotBottleException>(() => catalog.Resolve("portable", ["tow"]));
        Assert.Equal("BottleNotFound", missing.ErrorId);
        Assert.Equal(BotBottleErrorCategory.ObjectNotFound, missing.Category);
        Assert.Contains("Did you mean 'two'?", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_agents_are_not_found_with_a_suggestion()
    {
        using var home = new TestHome();
        home.Agent("reviewer", string.Empty);
        var ex = Assert.Throws<BotBottleException>(() => home.Catalog().Resolve("reveiwer"));
        Assert.Equal("AgentNotFound", ex.ErrorId);
        Assert.Contains("Did you mean 'reviewer'?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_refs_must_name_a_secret_env_entry_or_a_host_variable()
    {
        using var home = new TestHome();
        var path = home.Bottle("b", """
            env:
              LIT: plain
              HOSTED: "${X}"
              SECRET: "?"
            egress:
              routes:
                - host: a.com
                  auth: {scheme: Bearer, token_ref: LIT}
                - host: b.com
                  auth: {scheme: Bearer, token_ref: HOSTED}
                - host: c.com
                  auth: {scheme: Bearer, token_ref: SECRET}
                - host: d.com
                  auth: {scheme: Bearer, token_ref: ONLY_ON_HOST}
            """);
        home.Agent("x", "bottle: b\n");
        var errors = ManifestAssert.Invalid(() => home.Catalog().Resolve("x"));
        Assert.Equal([(9, "LIT"), (11, "HOSTED")], errors.Select(e => (e.Line, e.Message.Split('\'')[1])));
        Assert.All(errors, e => Assert.Equal(ManifestErrorCode.TokenRefNotSecret, e.Code));
        Assert.All(errors, e => Assert.Equal(path, e.File));
    }

    [Fact]
    public void Listing_reads_only_matching_agents_and_reports_bottle_provider_and_validity()
    {
        using var home = new TestHome();
        home.Bottle("sh", "agent_provider: {template: shell}\n");
        home.Agent("good", "bottle: sh\ndescription: Good one\n");
        home.Agent("broken", "bottle: sh\nbogus: 1\n");
        home.Agent("portable", string.Empty);
        home.Write(Path.Combine(home.Root, "agents", "notes.txt"), "not a manifest");
        var catalog = home.Catalog();
        Assert.Equal(["broken", "good", "portable"], catalog.AgentNames());
        var all = catalog.GetAgents();
        Assert.Equal(
            [("broken", "sh", null, false), ("good", "sh", "shell", true), ("portable", null, null, true)],
            all.Select(a => (a.Name, a.Bottle, a.Provider, a.IsValid)));
        var parsed = new List<string>();
        var filtered = catalog.GetAgents(n => { parsed.Add(n); return n.StartsWith('g'); });
        Assert.Equal("good", Assert.Single(filtered).Name);
        Assert.Equal("Good one", filtered[0].Description);
    }

    [Fact]
    public void Bottle_listing_merges_each_chain_and_names_secrets_without_their_values()
    {
        using var home = new TestHome();
        home.Bottle("base", "agent_provider: {template: shell}\negress:\n  routes:\n    - host: deb.debian.org\n");
        home.Bottle("task", """
            extends: base
            env:
              TOKEN: "?the task token"
              PLAIN: literal-value
            egress:
              routes:
                - host: api.example.com
                  auth: {scheme: Bearer, token_ref: TOKEN}
            """);
        home.Bottle("broken", "extends: missing\n");
        var catalog = home.Catalog();

        var all = catalog.GetBottles();
        Assert.Equal(["base", "broken", "task"], all.Select(b => b.Name));
        var task = all.Single(b => b.Name == "task");
        Assert.True(task.IsValid);
        Assert.Equal(["base", "task"], task.Chain.AsEnumerable());
        Assert.Equal("shell", task.Provider);
        Assert.Contains("deb.debian.org", task.Hosts);
        Assert.Contains("api.example.com", task.Hosts);
        Assert.Equal(["TOKEN"], task.Secrets.AsEnumerable());
        Assert.EndsWith(Path.Combine("bottles", "task.md"), task.Path, StringComparison.Ordinal);

        var broken = all.Single(b => b.Name == "broken");
        Assert.False(broken.IsValid);
        Assert.Null(broken.Provider);
        Assert.Empty(broken.Hosts);

        var parsed = new List<string>();
        var filtered = catalog.GetBottles(n => { parsed.Add(n); return n.StartsWith('b'); });
        Assert.Equal(["base", "broken"], filtered.Select(b => b.Name));
        Assert.Equal(["base", "broken", "task"], parsed);
    }
}
