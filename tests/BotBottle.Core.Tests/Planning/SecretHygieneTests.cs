using System.Text;
using System.Text.Json;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Serialization;
using BotBottle.Tests.Manifest;

namespace BotBottle.Tests.Planning;

/// <summary>
/// Plants a recognisable secret through the secret source and proves it appears nowhere: not in the state dir,
/// not in any exception message, not in the ToString or JSON of any object the preparer returns.
/// </summary>
public class SecretHygieneTests
{
    private const string Planted = "PLANTED-s3cr3t-7f3a9c";

    private static TestHome Home()
    {
        var home = new TestHome();
        home.Bottle("b", """
            env:
              TOKEN: "?Token"
              OTHER: "?"
            agent_provider:
              auth_token: ANTHROPIC_KEY
            egress:
              log: 2
              routes:
                - host: api.example.com
                  auth: {scheme: Bearer, token_ref: TOKEN}
            """);
        home.Agent("a", "bottle: b\n");
        return home;
    }

    private static DictionarySecretSource Source() => new(new Dictionary<string, SecretValue> { ["TOKEN"] = new(Planted), ["OTHER"] = new(Planted + "-2") });

    private static void AssertClean(string? text, string where) =>
        Assert.False(text?.Contains("PLANTED", StringComparison.Ordinal) ?? false, $"the planted secret leaked into {where}: {text}");

    [Fact]
    public async Task The_planted_secret_is_nowhere_in_the_state_dir_or_the_returned_objects()
    {
        using var home = Home();
        var prepared = await home.Preparer().PrepareAsync(new PrepareRequest { Agent = "a", Label = "hygiene" }, Source(), dryRun: false);

        // It was resolved (in memory)…
        Assert.True(prepared.Secrets.TryGet("TOKEN", out var token));
        Assert.Equal(Planted, token.Reveal());

        // …and is in no file under the home folder, in any encoding a careless writer might use.
        var needles = new[] { Planted, Convert.ToBase64String(Encoding.UTF8.GetBytes(Planted)), Convert.ToHexString(Encoding.UTF8.GetBytes(Planted)) };
        foreach (var file in Directory.GetFiles(home.Root, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (var n in needles)
            {
                Assert.DoesNotContain(n, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Equal(4, Directory.GetFiles(prepared.Bottle.StateDirectory).Length); // plan, metadata, CA certificate and key

        // Nor in ToString or JSON of anything returned.
        AssertClean(prepared.ToString(), "PreparedBottle.ToString");
        AssertClean(prepared.Bottle.ToString(), "Bottle.ToString");
        AssertClean(prepared.Plan.ToString(), "BottlePlan.ToString");
        AssertClean(prepared.Secrets.ToString(), "SecretSet.ToString");
        AssertClean(token.ToString(), "SecretValue.ToString");
        AssertClean($"{token}", "interpolation");
        AssertClean(JsonSerializer.Serialize(prepared.Bottle, CoreJsonContext.Default.Bottle), "Bottle JSON");
        AssertClean(JsonSerializer.Serialize(prepared.Plan, CoreJsonContext.Default.BottlePlan), "plan JSON");
        AssertClean(string.Join(";", prepared.Warnings), "warnings");
        foreach (var e in prepared.Plan.Bottle.Env)
        {
            AssertClean(e.ToString(), "PlanEnvEntry.ToString");
        }

        using (var json = JsonDocument.Parse(JsonSerializer.Serialize(token, JsonSerializerOptions.Default)))
        {
            Assert.Equal("<secret>", json.RootElement.GetString());
        }

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SecretValue>("\"x\""));
    }

    [Fact]
    public async Task Exceptions_raised_after_secrets_were_resolved_do_not_carry_them()
    {
        using var home = Home();
        var preparer = home.Preparer();
        await preparer.PrepareAsync(new PrepareRequest { Agent = "a", Label = "dup" }, Source(), dryRun: false);

        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<BotBottleException>(() => preparer.PrepareAsync(new PrepareRequest { Agent = "a", Label = "dup" }, Source(), dryRun: false)),
            await Assert.ThrowsAsync<BotBottleException>(() => preparer.PrepareAsync(new PrepareRequest { Agent = "a" },
                new DictionarySecretSource(new Dictionary<string, SecretValue> { ["TOKEN"] = new(Planted) }), dryRun: false)),
        };

        // A manifest error next to a secret-looking literal never echoes the value.
        home.Bottle("leaky", $"env:\n  API_KEY: [\"{Planted}\"]\n  \"bad-name\": \"{Planted}\"\negress:\n  routes:\n    - host: a.com\n      matches:\n        - headers: {{x-key: {{type: regex, value: \"{Planted}(\"}}}}\n");
        home.Agent("leaky", "bottle: leaky\n");
        errors.Add(Assert.Throws<BotBottle.Manifest.ManifestException>(() => home.Catalog().Resolve("leaky")));

        foreach (var ex in errors)
        {
            AssertClean(ex.Message, ex.GetType().Name + ".Message");
            AssertClean(ex.ToString(), ex.GetType().Name + ".ToString");
        }

        Assert.Equal(3, ((BotBottle.Manifest.ManifestException)errors[2]).Errors.Length);
    }

    [Fact]
    public void A_secret_value_does_not_show_in_the_debugger_or_in_formatting()
    {
        var s = new SecretValue(Planted);
        Assert.Equal("<secret>", s.ToString());
        Assert.Equal("<secret>", string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", s));
        var display = (System.Diagnostics.DebuggerDisplayAttribute)Attribute.GetCustomAttribute(typeof(SecretValue), typeof(System.Diagnostics.DebuggerDisplayAttribute))!;
        Assert.Equal("<secret>", display.Value);
        // No public member hands the value out.
        Assert.DoesNotContain(typeof(SecretValue).GetMembers(), m => m.Name is "Value" or "Reveal" && m.DeclaringType == typeof(SecretValue) && (m as System.Reflection.MethodInfo)?.IsPublic == true);
        Assert.Null(typeof(SecretValue).GetProperty("Value"));
    }
}
