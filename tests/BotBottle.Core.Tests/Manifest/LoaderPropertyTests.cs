using System.Collections.Immutable;
using System.Text;
using BotBottle.Errors;
using BotBottle.Manifest;
using BotBottle.Policy;
using FsCheck;
using FsCheck.Fluent;
using PatternKind = BotBottle.Policy.PatternKind;

namespace BotBottle.Tests.Manifest;

/// <summary>
/// Property-based tests: whatever bytes or YAML the loader is given, it returns a model or located errors — never
/// any other exception — and routes files round-trip through Serialize/Parse.
/// </summary>
public class LoaderPropertyTests
{
    private const string File = "/fuzz/bottles/b.md";

    private static readonly string[] Samples =
    [
        System.IO.File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "home", "bottles", "github-task.md")),
        System.IO.File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "home", "bottles", "claude.md")),
        System.IO.File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "home", "agents", "reviewer.md")),
        "---\nimage: x\ninteractive: [x]\nheadless: [x, \"{prompt}\"]\nprompt_file: /p\nskills_dir: /s\napi_host: a.com\napi_key_env: K\n---\n",
    ];

    private static readonly string[] Tokens =
    [
        "env", "extends", "egress", "routes", "host", "auth", "scheme", "token_ref", "matches", "paths", "methods", "headers", "type", "value",
        "dlp", "outbound_detectors", "inbound_detectors", "outbound_on_match", "git", "fetch", "allow_private", "log", "bottle", "skills",
        "git-gate", "user", "repos", "url", "key", "host_key", "agent_provider", "template", "auth_token", "supervise", "capability",
        ":", ": ", " ", "  ", "\n", "\n  ", "\n    ", "- ", "-", "[", "]", "{", "}", ",", "\"", "'", "&a ", "*a", "!t ", "!!str ", "!!int ", "? ",
        "#", "|", ">", "---", "...", "%YAML 1.2", "\t", "\r\n", "true", "false", "null", "~", "0", "-1", "3", "1e9", "0x1F", ".inf",
        "${HOME}", "${", "?", "?prompt", "a.com", "https://a.com", "1.2.3.4", "[::1]", "*.a.com", "(", ")", @"\1", "(?=x)", "GET", "get",
        "Bearer", "token", "regex", "exact", "prefix", "block", "redact", "ssh://git@a.com/r.git", "git@a.com:r.git", "ssh-ed25519 AAAA",
        "é", "中", "😀", "\u0085", "\u2028", "\uFEFF", "\u0001", "\u001b", "\\", "\\u0000", "\\x00",
    ];

    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(1500).WithEndSize(200);

    /// <summary>Parses <paramref name="bytes"/> as every kind of file; true when every outcome is a model or located errors.</summary>
    private static bool OnlyModelsOrLocatedErrors(byte[] bytes)
    {
        CheckParse(bytes, errors => ManifestParser.ParseBottle(bytes, File, "b", errors));
        CheckParse(bytes, errors => ManifestParser.ParseAgent(bytes, File, "a", ManifestSourceKind.Project, errors));
        CheckParse(bytes, errors => ManifestParser.ParseProvider(bytes, File, "p", errors));

        var text = Encoding.UTF8.GetString(bytes);
        try
        {
            _ = RoutesFile.Parse(text, File);
        }
        catch (ManifestException ex)
        {
            AssertLocated(ex.Errors);
        }

        var validation = RouteValidator.Validate(text, File);
        AssertLocated(validation.Errors);
        return true;
    }

    private static void CheckParse(byte[] bytes, Func<List<ManifestError>, object?> parse)
    {
        var errors = new List<ManifestError>();
        object? model;
        try
        {
            model = parse(errors);
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"The loader threw {ex.GetType().Name} for input {Convert.ToBase64String(bytes)}: {ex}");
        }

        Assert.True(model is not null || errors.Count > 0, "no model and no error");
        AssertLocated(errors);
    }

    private static void AssertLocated(IEnumerable<ManifestError> errors)
    {
        foreach (var e in errors)
        {
            Assert.Equal(File, e.File);
            Assert.True(e.Line >= 1 && e.Column >= 1, $"not located: {e}");
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.StartsWith($"{File}:{e.Line}:{e.Column}: ", e.ToString(), StringComparison.Ordinal);
        }
    }

    private static readonly string[] Keys = Tokens.Take(35).ToArray();

    /// <summary>Token soup, and line-structured YAML (indent, optional "- ", key, value) that reaches deep into the schema.</summary>
    private static Gen<string> YamlIsh => Gen.OneOf(
        Gen.ListOf(Gen.Elements(Tokens)).Select(t => string.Concat(t)),
        Gen.ListOf(
            from indent in Gen.Elements(0, 0, 2, 2, 4, 4, 6, 8)
            from dash in Gen.Elements(string.Empty, string.Empty, "- ")
            from key in Gen.Frequency((6, Gen.Elements(Keys)), (1, Gen.Elements(Tokens)))
            from value in Gen.Frequency((2, Gen.Constant(string.Empty)), (3, Gen.Elements(Tokens)), (1, Gen.ListOf(Gen.Elements(Tokens)).Resize(4).Select(v => string.Concat(v))))
            select new string(' ', indent) + dash + key + ": " + value)
        .Select(lines => string.Join('\n', lines)));

    [Fact]
    public void Random_bytes_give_a_model_or_located_errors()
    {
        var raw = ArbMap.Default.GeneratorFor<byte[]>();
        var framed = raw.Select(b => (byte[])[.. "---\n"u8, .. b, .. "\n---\n"u8]);
        Check.One(Quick, Prop.ForAll(Gen.OneOf(raw, framed).ToArbitrary(), OnlyModelsOrLocatedErrors));
    }

    [Fact]
    public void Random_yaml_gives_a_model_or_located_errors()
    {
        var frontmatter = YamlIsh.Select(y => Encoding.UTF8.GetBytes("---\n" + y + "\n---\nbody\n"));
        Check.One(Quick, Prop.ForAll(frontmatter.ToArbitrary(), OnlyModelsOrLocatedErrors));
    }

    [Fact]
    public void Random_mutations_of_valid_manifests_give_a_model_or_located_errors()
    {
        var mutation = from sample in Gen.Elements(Samples)
                       from steps in Gen.Choose(1, 4)
                       from ops in Gen.ArrayOf(Gen.Choose(0, 6), steps)
                       from positions in Gen.ArrayOf(Gen.Choose(0, int.MaxValue - 1), steps)
                       from lengths in Gen.ArrayOf(Gen.Choose(0, 12), steps)
                       from tokens in Gen.ArrayOf(Gen.Elements(Tokens), steps)
                       select Mutate(sample, ops, positions, lengths, tokens);
        Check.One(Quick, Prop.ForAll(mutation.Select(Encoding.UTF8.GetBytes).ToArbitrary(), OnlyModelsOrLocatedErrors));
    }

    [Fact]
    public void The_catalog_only_ever_throws_manifest_or_botbottle_errors_for_random_files()
    {
        var content = Gen.OneOf(
            YamlIsh.Select(y => "---\nextends: base\n" + y + "\n---\n"),
            Gen.Elements(Samples).Select(s => s.Replace("claude", "base", StringComparison.Ordinal)));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(120), Prop.ForAll(content.ToArbitrary(), text =>
        {
            using var home = new TestHome();
            home.Bottle("base", "env: {A: b}\n");
            home.Write(Path.Combine(home.Root, "bottles", "fuzz.md"), text);
            home.Write(Path.Combine(home.Root, "agents", "fuzz.md"), text);
            home.Agent("a", "bottle: fuzz\n");
            var catalog = home.Catalog();
            foreach (var act in new Action[] { () => catalog.Resolve("a"), () => catalog.Resolve("fuzz", ["fuzz"]), () => catalog.GetAgents(), () => catalog.Validate() })
            {
                try
                {
                    act();
                }
                catch (ManifestException ex)
                {
                    Assert.All(ex.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString()));
                }
                catch (BotBottleException)
                {
                    // AgentNotFound, BottleRequired, …: deliberate, typed errors.
                }
            }

            return true;
        }));
    }

    private static string Mutate(string text, int[] ops, int[] positions, int[] lengths, string[] tokens)
    {
        var s = text;
        for (var i = 0; i < ops.Length; i++)
        {
            var at = s.Length == 0 ? 0 : positions[i] % (s.Length + 1);
            var len = Math.Min(lengths[i], s.Length - at);
            var lines = s.Split('\n').ToList();
            var line = lines.Count == 0 ? 0 : positions[i] % lines.Count;
            s = ops[i] switch
            {
                0 => s.Remove(at, len),                                            // delete
                1 => s.Insert(at, tokens[i]),                                      // insert a token
                2 => string.Join('\n', lines.Take(line + 1).Append(lines[line]).Concat(lines.Skip(line + 1))), // duplicate a line
                3 => string.Join('\n', lines.Select((l, n) => n == line ? "  " + l : l)), // indent a line
                4 => string.Join('\n', lines.Select((l, n) => n == line ? l.TrimStart() : l)), // dedent a line
                5 => s[..at],                                                       // truncate
                _ => len > 0 ? s.Remove(at, len).Insert(at, new string(s[at], len)) : s, // smear a character
            };
        }

        return s;
    }

    // ---- routes files round-trip ----

    private static readonly string[] ValidRegexes = ["^/a$", "[0-9]+", "^/repos/[^/]+/issues/\\d+$", "(GET|POST)", "a{2,5}", "\\.json$", "^$", "x|y|z", "\"quoted\"", "'single'"];

    private static Gen<string> Label =>
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray())
        from rest in Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-".ToCharArray()), n))
        select new string([first, .. rest]).TrimEnd('-');

    private static Gen<string> Host =>
        from labels in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Label, n))
        select string.Join('.', labels);

    private static Gen<string> AnyText =>
        Gen.ArrayOf(Gen.Elements("abcXYZ019 /?#:{}[],&*!|>'\"%@`\\\t\n\u0001\u001béü中😀-_.~".EnumerateRunes().Select(r => r.ToString()).ToArray()))
            .Select(parts => string.Concat(parts));

    private static Gen<string> Token =>
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~".ToCharArray()), n)).Select(c => new string(c));

    private static Gen<string> EnvName =>
        from first in Gen.Elements("ABCXYZ_".ToCharArray())
        from rest in Gen.ArrayOf(Gen.Elements("ABC019_".ToCharArray()))
        select new string([first, .. rest]);

    /// <summary>Text a match value may hold: <see cref="AnyText"/> without the control characters routes refuse (HTAB stays in header values, RFC 9110 §5.5).</summary>
    private static Gen<string> ValueText(bool isPath) =>
        AnyText.Select(t => new string(t.Where(c => !char.IsControl(c) || (!isPath && c == '\t')).ToArray()));

    private static Gen<ValuePattern> PathMatch => Gen.OneOf(
        ValueText(isPath: true).Select(t => new ValuePattern(PatternKind.Exact, "/" + t.Replace("?", string.Empty, StringComparison.Ordinal))),
        ValueText(isPath: true).Select(t => new ValuePattern(PatternKind.Prefix, "/" + t.Replace("?", string.Empty, StringComparison.Ordinal))),
        Gen.Elements(ValidRegexes).Select(r => new ValuePattern(PatternKind.Regex, r)));

    private static Gen<ValuePattern> HeaderValue => Gen.OneOf(
        ValueText(isPath: false).Select(t => new ValuePattern(PatternKind.Exact, t)),
        ValueText(isPath: false).Select(t => new ValuePattern(PatternKind.Prefix, t)),
        Gen.Elements(ValidRegexes).Select(r => new ValuePattern(PatternKind.Regex, r)));

    private static Gen<RouteMatch> Match =>
        from paths in Gen.ListOf(PathMatch)
        from methods in Gen.SubListOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "M-SEARCH")
        from headerNames in Gen.ListOf(Token)
        from headerValues in Gen.ArrayOf(HeaderValue, headerNames.Distinct(StringComparer.OrdinalIgnoreCase).Count())
        let names = headerNames.Select(h => h.ToLowerInvariant()).Distinct().ToList()
        where paths.Count + methods.Count + names.Count > 0
        select new RouteMatch
        {
            Paths = [.. paths],
            Methods = [.. methods],
            Headers = [.. names.Zip(headerValues, (n, v) => new HeaderMatch(n, v))],
        };

    private static Gen<EgressRoute> Route(string host) =>
        from auth in Gen.OneOf(Gen.Constant<RouteAuth?>(null), EnvName.SelectMany(n => Gen.Elements(
            new RouteAuth(AuthScheme.Bearer, n), new RouteAuth(AuthScheme.Token, n), new RouteAuth(AuthScheme.Basic, n) { User = "ci-bot" },
            new RouteAuth(AuthScheme.Header, n) { Name = "x-api-key" }).Select(a => (RouteAuth?)a)))
        from matches in Gen.ListOf(Match).Resize(3)
        from outbound in Gen.SubListOf(OutboundDetector.TokenPatterns, OutboundDetector.KnownSecrets)
        from inbound in Gen.SubListOf(InboundDetector.Injection)
        from action in Gen.Elements(DlpAction.Block, DlpAction.Redact, DlpAction.Supervise)
        from fetch in ArbMap.Default.GeneratorFor<bool>()
        from allowPrivate in ArbMap.Default.GeneratorFor<bool>()
        select new EgressRoute
        {
            Host = host,
            Auth = auth,
            Matches = [.. matches],
            Dlp = new RouteDlp { OutboundDetectors = [.. outbound], InboundDetectors = [.. inbound], OutboundOnMatch = action },
            Git = new RouteGit(fetch),
            AllowPrivate = allowPrivate,
        };

    private static Gen<EgressPolicy> Policy =>
        from hosts in Gen.ListOf(Host).Select(h => h.Distinct().ToList())
        from routes in Gen.CollectToArray(hosts.Select(Route))
        from log in Gen.Elements(EgressLogLevel.Off, EgressLogLevel.Blocked, EgressLogLevel.All)
        select new EgressPolicy([.. routes], log);

    [Fact]
    public void Generated_policies_round_trip_through_a_routes_file()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Policy.ToArbitrary(), policy =>
        {
            Assert.True(RouteValidator.Validate(policy.Routes, "generated").IsValid, string.Join("\n", RouteValidator.Validate(policy.Routes, "generated").Errors));
            var yaml = RoutesFile.Serialize(policy);
            var back = RoutesFile.Parse(yaml, "round-trip");
            Assert.True(policy.Equals(back), yaml);
            return true;
        }));
    }
}
