using System.Text.Json;
using BotBottle.Backends.Docker;
using BotBottle.Instances;
using BotBottle.Processes;
using BotBottle.Proposals;

namespace BotBottle.Tests.Bottles;

/// <summary>
/// The supervise plane end to end on the real engine: the agent, from inside its container, calls the sidecar's
/// MCP server with curl (plain JSON-RPC over streamable HTTP); the operator decides with the real CLI process;
/// the running sidecar picks up the new routes without a restart. Then the crash cases: the host CLI killed
/// (SIGKILL) at each step of a decision, and the sidecar killed while a proposal waits.
/// </summary>
[Collection(BottleCollection.Name)]
public class SuperviseLoopTests(BottleHome home)
{
    private static CancellationToken Timeout(int seconds = 600) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static string Rpc(string method, string @params) =>
        "curl -sS --max-time 300 -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' " +
        "--data-binary '{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + @params + "}' \"$BOT_BOTTLE_SUPERVISE_URL\" | sed -n 's/^data: //p'";

    private string AllowCall(string host, string why = "the task needs it") =>
        Rpc("tools/call", "{\"name\":\"egress-allow\",\"arguments\":{\"routes\":[{\"host\":\"" + host + "\",\"ports\":[" + home.Upstream.HttpsPort + "],\"allow_private\":true}],\"justification\":\"" + why + "\"}}");

    private Task<BottleCommandResultLike> AgentAsync(string bottle, string script, int seconds = 300) =>
        home.ShAsync(bottle, script, Timeout(seconds)).ContinueWith(t => new BottleCommandResultLike(t.Result.ExitCode, t.Result.StandardOutput, t.Result.StandardError), TaskScheduler.Default);

    private sealed record BottleCommandResultLike(int ExitCode, string Out, string Err);

    private async Task<string> CurlStatusAsync(string bottle, string host, string path = "/x") =>
        (await home.ShAsync(bottle, $"curl -sS --max-time 20 -o /dev/null -w '%{{http_code}}' {home.UpstreamUrl(path, host)}", Timeout(60))).StandardOutput.Trim();

    private async Task<JsonElement[]> ProposalsAsync(string bottle, string? state = null)
    {
        var args = new List<string> { "proposals", "--bottle", bottle, "--format", "json" };
        if (state is not null)
        {
            args.AddRange(["--state", state]);
        }

        var r = await home.CliAsync(null, [.. args]);
        Assert.True(r.ExitCode == 0, r.StandardError);
        return [.. JsonDocument.Parse(r.StandardOutput).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<JsonElement> PendingAsync(string bottle, string host)
    {
        for (var i = 0; i < 150; i++)
        {
            var found = (await ProposalsAsync(bottle, "pending")).FirstOrDefault(p => p.GetProperty("summary").GetString()!.Contains(host, StringComparison.Ordinal));
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"no pending proposal for {host}");
    }

    private async Task<string> EventuallyStatusAsync(string bottle, string host, string expected)
    {
        var status = string.Empty;
        for (var i = 0; i < 40 && status != expected; i++)
        {
            status = await CurlStatusAsync(bottle, host);
            if (status != expected)
            {
                await Task.Delay(250);
            }
        }

        return status;
    }

    private async Task<JsonElement[]> AuditAsync(string bottle)
    {
        var r = await home.CliAsync(null, "audit", "--bottle", bottle, "--format", "json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        return [.. JsonDocument.Parse(r.StandardOutput).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static JsonElement Structured(string answer) => JsonDocument.Parse(answer.Trim()).RootElement.GetProperty("result").GetProperty("structuredContent");

    [Fact]
    public async Task The_agent_asks_over_mcp_the_operator_approves_and_denies_with_the_cli_and_policy_changes_live()
    {
        var b = await home.StartAsync("loop", Timeout());

        // Only the two tools; capability-block is unknown (JSON-RPC invalid params, the SDK's unknown-tool error) and files nothing.
        var tools = await home.ShAsync(b.Name, Rpc("tools/list", "{}"), Timeout(60));
        var names = JsonDocument.Parse(tools.StandardOutput).RootElement.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["list-egress-routes", "egress-allow"], names);
        var block = await home.ShAsync(b.Name, Rpc("tools/call", "{\"name\":\"capability-block\",\"arguments\":{\"capability\":\"net\"}}"), Timeout(60));
        var error = JsonDocument.Parse(block.StandardOutput).RootElement.GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("capability-block", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ProposalsAsync(b.Name));

        // An invalid request is refused before it is queued.
        var invalid = await home.ShAsync(b.Name, Rpc("tools/call", "{\"name\":\"egress-allow\",\"arguments\":{\"routes\":[{\"host\":\"other.test\",\"auth\":{\"scheme\":\"Bearer\",\"token_ref\":\"MINE\"}}],\"justification\":\"x\"}}"), Timeout(60));
        Assert.Equal(-32602, JsonDocument.Parse(invalid.StandardOutput).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Empty(await ProposalsAsync(b.Name));

        // Refused before; the agent asks; the call waits.
        Assert.Equal("403", await CurlStatusAsync(b.Name, "other.test"));
        var ask = AgentAsync(b.Name, AllowCall("other.test", "integration test needs other.test"));
        var pending = await PendingAsync(b.Name, "other.test");
        Assert.Equal("egress-allow", pending.GetProperty("kind").GetString());
        Assert.Equal("integration test needs other.test", pending.GetProperty("justification").GetString());
        Assert.False(ask.IsCompleted);

        var approve = await home.CliAsync(null, "approve", pending.GetProperty("id").GetString()!, "--reason", "ok for the test", "--format", "json");
        Assert.True(approve.ExitCode == 0, approve.StandardError);
        Assert.Equal("approved", JsonDocument.Parse(approve.StandardOutput).RootElement.GetProperty("state").GetString());
        var answer = await ask.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("approved", Structured(answer.Out).GetProperty("status").GetString());
        Assert.Equal("ok for the test", Structured(answer.Out).GetProperty("notes").GetString());

        // Now allowed, in the same running sidecar (no restart).
        Assert.Equal("200", await EventuallyStatusAsync(b.Name, "other.test", "200"));
        var routes = await home.CliAsync(null, "routes", b.Name, "--format", "json");
        Assert.Contains("other.test", routes.StandardOutput, StringComparison.Ordinal);
        var listed = await home.ShAsync(b.Name, Rpc("tools/call", "{\"name\":\"list-egress-routes\",\"arguments\":{}}"), Timeout(60));
        Assert.Contains("other.test", listed.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(BottleHome.ApiSecret, listed.StandardOutput, StringComparison.Ordinal);

        // Denied: the agent reads the reason; policy unchanged.
        var routesBefore = File.ReadAllText(Path.Combine(b.StateDirectory, "routes.yaml"));
        var ask2 = AgentAsync(b.Name, AllowCall("denied.test"));
        var pending2 = await PendingAsync(b.Name, "denied.test");
        var deny = await home.CliAsync(null, "deny", pending2.GetProperty("id").GetString()!, "--reason", "not needed");
        Assert.True(deny.ExitCode == 0, deny.StandardError);
        var answer2 = await ask2.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("denied", Structured(answer2.Out).GetProperty("status").GetString());
        Assert.Equal("not needed", Structured(answer2.Out).GetProperty("notes").GetString());
        Assert.Equal(routesBefore, File.ReadAllText(Path.Combine(b.StateDirectory, "routes.yaml")));
        Assert.Equal("403", await CurlStatusAsync(b.Name, "denied.test"));

        // A second decision on the same proposal is refused.
        var twice = await home.CliAsync(null, "approve", pending2.GetProperty("id").GetString()!);
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("ProposalNotPending", twice.StandardError, StringComparison.Ordinal);

        // The audit shows both decisions and the route change.
        var events = (await AuditAsync(b.Name)).Select(e => (Event: e.GetProperty("event").GetString(), Id: e.TryGetProperty("proposalId", out var id) ? id.GetString() : null)).ToList();
        Assert.Contains(("proposal-approved", pending.GetProperty("id").GetString()), events);
        Assert.Contains(("routes-changed", pending.GetProperty("id").GetString()), events);
        Assert.Contains(("proposal-denied", pending2.GetProperty("id").GetString()), events);
        Assert.Equal(2, events.Count(e => e.Event == "proposal-filed"));
    }

    [Fact]
    public async Task Terminal_escapes_in_what_the_agent_files_are_shown_to_the_operator_and_never_obeyed()
    {
        // Red team, round 7: the justification (the agent's own words) and a route's path value reached the operator's
        // terminal raw. ESC [2K / ESC [1A erase the row and move up, so the table could show "allow docs.python.org"
        // over a proposal that asks for exfil.test; CSI as one C1 character (U+009B) and a right-to-left override too.
        var b = await home.StartAsync("escapes", Timeout());
        const string why = "\\u001b[2K\\r\\u001b[1A\\u001b[2K| allow docs.python.org | read the docs\\u009b8m\\u202e";
        var ask = AgentAsync(b.Name, Rpc("tools/call", "{\"name\":\"egress-allow\",\"arguments\":{\"routes\":[{\"host\":\"exfil.test\",\"matches\":[{\"paths\":[{\"type\":\"prefix\",\"value\":\"/\\u202egpj.x\"}]}]}],\"justification\":\"" + why + "\"}}"));
        var pending = await PendingAsync(b.Name, "exfil.test");

        var table = await home.CliAsync(null, "proposals", "--bottle", b.Name);
        Assert.True(table.ExitCode == 0, table.StandardError);
        foreach (var c in new[] { '\u001b', '\u009b', '\u202e', '\r' })
        {
            Assert.DoesNotContain(c, table.StandardOutput);
            Assert.DoesNotContain(c, pending.GetProperty("justification").GetString()!);
            Assert.DoesNotContain(c, pending.GetProperty("summary").GetString()!);
        }

        // Shown, not obeyed: the operator sees what the agent sent.
        Assert.Equal("\u241b[2K\u240d\u241b[1A\u241b[2K| allow docs.python.org | read the docs<U+009B>8m<U+202E>", pending.GetProperty("justification").GetString());
        // A path value with a control character is refused when filed (SuperviseTests); a right-to-left override is
        // not a control character, so it reaches the summary, shown as its code point.
        Assert.Contains("/<U+202E>gpj.x", pending.GetProperty("summary").GetString()!, StringComparison.Ordinal);

        var deny = await home.CliAsync(null, "deny", pending.GetProperty("id").GetString()!, "--reason", "no");
        Assert.True(deny.ExitCode == 0, deny.StandardError);
        await ask.WaitAsync(TimeSpan.FromSeconds(60));
        var audit = await home.CliAsync(null, "audit", "--bottle", b.Name);
        Assert.True(audit.ExitCode == 0, audit.StandardError);
        Assert.DoesNotContain('\u001b', audit.StandardOutput);
    }

    [Theory]
    [InlineData("after-commit", "crash1.test")]
    [InlineData("after-apply", "crash2.test")]
    public async Task A_decider_killed_mid_decision_leaves_a_consistent_store_that_the_next_command_finishes(string step, string host)
    {
        var b = await home.StartAsync(ct: Timeout());
        var ask = AgentAsync(b.Name, AllowCall(host));
        var pending = await PendingAsync(b.Name, host);
        var id = pending.GetProperty("id").GetString()!;

        var killed = await home.CliAsync(new Dictionary<string, string?> { [ProposalService.CrashVariable] = step }, "approve", id, "--reason", "crash test");
        Assert.Equal(137, killed.ExitCode); // SIGKILL
        // Not delivered: the decision file the sidecar answers from was never written (a state check, not a wait).
        Assert.False(File.Exists(Path.Combine(b.StateDirectory, "proposals", "decisions", id + ".json")), "the killed decider delivered its decision");
        Assert.False(ask.IsCompleted, "the agent got an answer before the decision was finished");

        // The next look at proposals finishes the decision: routes applied once, the agent answered.
        var after = (await ProposalsAsync(b.Name)).Single(p => p.GetProperty("id").GetString() == id);
        Assert.Equal("approved", after.GetProperty("state").GetString());
        var answer = await ask.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("approved", Structured(answer.Out).GetProperty("status").GetString());
        Assert.Equal("200", await EventuallyStatusAsync(b.Name, host, "200"));

        await ProposalsAsync(b.Name); // and again: nothing is applied twice
        var events = (await AuditAsync(b.Name)).Where(e => e.TryGetProperty("proposalId", out var p) && p.GetString() == id).Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(["proposal-filed", "proposal-approved", "routes-changed"], events);
        Assert.Single(RoutesFileHosts(b.StateDirectory), h => h == host);
        var again = await home.CliAsync(null, "approve", id);
        Assert.Contains("ProposalNotPending", again.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sidecar_killed_while_a_proposal_waits_loses_nothing_and_the_approval_applies_after_the_engine_restarts_it()
    {
        var b = await home.StartAsync(ct: Timeout());
        var ask = AgentAsync(b.Name, AllowCall("crash3.test"));
        var pending = await PendingAsync(b.Name, "crash3.test");
        var id = pending.GetProperty("id").GetString()!;

        // Kill the sidecar process itself (SIGKILL from the host, as the OOM killer would), not through the engine API.
        var sidecar = await home.Engine.InspectContainerAsync(DockerBackend.SidecarName(b.Name), Timeout(60));
        var kill = await ProcessRunner.Default.RunAsync(new ProcessSpec("pkill", ["-KILL", "-P", sidecar!.State!.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        Assert.True(kill.ExitCode == 0, kill.StandardError);
        var lost = await ask.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("approved", lost.Out, StringComparison.Ordinal); // the in-flight call died with the sidecar

        // The proposal is still there, pending, and can be decided.
        Assert.Equal("pending", (await ProposalsAsync(b.Name)).Single(p => p.GetProperty("id").GetString() == id).GetProperty("state").GetString());
        var restarted = false;
        for (var i = 0; i < 100 && !restarted; i++)
        {
            var c = await home.Engine.InspectContainerAsync(DockerBackend.SidecarName(b.Name), Timeout(60));
            restarted = c!.RestartCount >= 1 && c.State!.Running && File.Exists(Path.Combine(b.StateDirectory, "sidecar-ready.json"));
            await Task.Delay(200);
        }

        Assert.True(restarted, "the engine restarted the sidecar");
        var approve = await home.CliAsync(null, "approve", id);
        Assert.True(approve.ExitCode == 0, approve.StandardError);
        Assert.Equal("200", await EventuallyStatusAsync(b.Name, "crash3.test", "200"));
        Assert.Single(await AuditAsync(b.Name), e => e.GetProperty("event").GetString() == "proposal-approved");
    }

    private static IEnumerable<string> RoutesFileHosts(string stateDirectory) =>
        Manifest.RoutesFile.Load(Path.Combine(stateDirectory, "routes.yaml")).Routes.Select(r => r.Host);
}
