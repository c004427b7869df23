using System.Text.Json;

namespace BotBottle.Tests.Cli;

public class DoctorCommandTests
{
    [Fact]
    public async Task Doctor_json_is_one_object_describing_the_host_and_engine()
    {
        using var home = new TempDirectory();
        var r = await CliProcess.RunAsync(new Dictionary<string, string?> { ["BOT_BOTTLE_HOME"] = home.Path }, "doctor", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);

        using var doc = JsonDocument.Parse(r.StandardOutput); // exactly one JSON document, nothing else on stdout
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(RepoPaths.Version, root.GetProperty("version").GetString());
        Assert.Equal(home.Path, root.GetProperty("home").GetString());
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["engine", "base-image", "kvm", "smolvm", "container", "pwsh", "git", "ca-trust", "backend:docker", "backend:smolmachines", "backend:macos-container"], checks.Keys);
        // CI's network intercepts TLS with a CA the host trusts and Mozilla does not: the check says so unless the
        // operator gave images that CA (BOT_BOTTLE_TRUST_HOST_CA=1, ...), and always names the settings when it warns.
        var ca = checks["ca-trust"];
        Assert.Contains(ca.GetProperty("status").GetString(), new[] { "ok", "warning", "notApplicable" });
        if (ca.GetProperty("status").GetString() == "warning")
        {
            Assert.Contains("BOT_BOTTLE_TRUST_HOST_CA=1", ca.GetProperty("remedy").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("ok", checks["backend:docker"].GetProperty("status").GetString());
        Assert.Contains("docker", root.GetProperty("readyBackends").EnumerateArray().Select(e => e.GetString()));

        // Each micro-VM backend says which tool version it needs and which feature needs it (derived, not picked).
        var smol = checks["backend:smolmachines"];
        Assert.Equal("1.9.0", smol.GetProperty("minimumVersion").GetString());
        Assert.Contains("smolvm >= 1.9.0: machine cp --mode/--uid/--gid (owner and mode of provisioned files)", smol.GetProperty("requires").EnumerateArray().Select(e => e.GetString()));
        var mac = checks["backend:macos-container"];
        Assert.Equal("1.0.0", mac.GetProperty("minimumVersion").GetString());
        Assert.Contains(mac.GetProperty("requires").EnumerateArray(), e => e.GetString()!.StartsWith("macOS >= 26: ", StringComparison.Ordinal));

        // CI runs against a real engine with the base image built: both must be found.
        var engine = checks["engine"];
        Assert.Equal("ok", engine.GetProperty("status").GetString());
        Assert.Matches(@"^1\.\d+$", engine.GetProperty("details").GetProperty("apiVersion").GetString());
        Assert.Equal("ok", checks["base-image"].GetProperty("status").GetString());
        Assert.Equal("ok", checks["git"].GetProperty("status").GetString());
        Assert.True(root.GetProperty("ready").GetBoolean());

        // Whatever is missing says what to do.
        foreach (var c in checks.Values.Where(c => c.GetProperty("status").GetString() is "missing" or "error"))
        {
            Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("remedy").GetString()));
        }
    }

    [Fact]
    public async Task Doctor_reports_an_unreachable_engine_with_what_to_do_and_still_prints_json()
    {
        var r = await CliProcess.RunAsync(new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" }, "doctor", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var engine = doc.RootElement.GetProperty("checks").EnumerateArray().First(c => c.GetProperty("name").GetString() == "engine");
        Assert.Equal("missing", engine.GetProperty("status").GetString());
        Assert.Contains("/nonexistent/docker.sock", engine.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST", engine.GetProperty("remedy").GetString(), StringComparison.Ordinal);
        Assert.False(doc.RootElement.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_format_is_rejected_as_bad_input()
    {
        var r = await CliProcess.RunAsync(null, "doctor", "--format", "xml");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--format must be 'table' or 'json'", r.StandardError, StringComparison.Ordinal);
    }
}

public class EgressCheckCommandTests
{
    [Fact]
    public async Task Egress_check_prints_one_verdict_object_and_exits_zero_whatever_the_verdict()
    {
        using var dir = new TempDirectory();
        var routes = dir.WriteFile("routes.yaml", "routes:\n  - host: api.github.com\n    dlp: {outbound_on_match: block}\n");
        var blocked = await CliProcess.RunAsync(null, "egress", "check", "--routes", routes, "--method", "POST", "--url", "https://api.github.com/x",
            "--header", "Content-Type: application/json", "--body", "{\"k\":\"AKIAQ2W3E4R5T6Y7U2I3\"}", "--format", "json");
        Assert.True(blocked.ExitCode == 0, blocked.StandardError);
        using var doc = System.Text.Json.JsonDocument.Parse(blocked.StandardOutput);
        Assert.Equal("block", doc.RootElement.GetProperty("verdict").GetString());
        var reason = doc.RootElement.GetProperty("reasons")[0];
        Assert.Equal("token_patterns", reason.GetProperty("detector").GetString());
        Assert.Equal("aws-access-key-id", reason.GetProperty("rule").GetString());
        Assert.Equal("body:$.k", reason.GetProperty("location").GetString());
        Assert.True(reason.TryGetProperty("message", out _));
        Assert.Equal(["verdict", "reasons"], doc.RootElement.EnumerateObject().Select(p => p.Name));

        var allowed = await CliProcess.RunAsync(null, "egress", "check", "--routes", routes, "--url", "https://api.github.com/", "--format", "json");
        Assert.Equal(0, allowed.ExitCode);
        using var a = System.Text.Json.JsonDocument.Parse(allowed.StandardOutput);
        Assert.Equal("allow", a.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(0, a.RootElement.GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_exits_non_zero_with_a_located_error()
    {
        using var dir = new TempDirectory();
        var bad = dir.WriteFile("bad.yaml", "routes:\n  - hots: api.github.com\n");
        var r = await CliProcess.RunAsync(null, "egress", "check", "--routes", bad, "--url", "https://api.github.com/");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.yaml:2:5", r.StandardError, StringComparison.Ordinal);
        var url = await CliProcess.RunAsync(null, "egress", "check", "--routes", bad, "--url", "not a url");
        Assert.NotEqual(0, url.ExitCode);
    }
}
