using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using BotBottle.Backends;
using BotBottle.Configuration;
using BotBottle.Egress;
using BotBottle.Instances;
using BotBottle.Operations;
using BotBottle.Planning;
using BotBottle.Processes;
using BotBottle.Proposals;

namespace BotBottle.Cli.Demo;

/// <summary>One step of the demo: what it did, what BotBottle should do, what happened, and whether that matched.</summary>
/// <param name="Name">Short step name (<c>start</c>, <c>allowed</c>, <c>credential</c>, <c>no-route</c>, <c>dlp</c>, <c>proposal</c>, <c>approved</c>, <c>remove</c>).</param>
/// <param name="Expected">What a correct sandbox does.</param>
/// <param name="Observed">What was seen (status codes, headers, upstream records).</param>
/// <param name="Ok">Whether <paramref name="Observed"/> matched <paramref name="Expected"/>.</param>
/// <param name="Seconds">Wall time of the step in seconds.</param>
internal sealed record DemoStep(string Name, string Expected, string Observed, bool Ok, double Seconds);

/// <summary>The demo's result: the bottle it ran, whether every step matched, total seconds, and the steps.</summary>
internal sealed record DemoReport(string Bottle, bool Ok, double Seconds, IReadOnlyList<DemoStep> Steps, string? KeptHome);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(DemoReport))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;

/// <summary>
/// <c>bot-bottle demo</c>: the whole product in about a minute on the real backend. In a throw-away
/// BOT_BOTTLE_HOME it starts a <c>shell</c> bottle whose routes allow <c>demo.test</c> and <c>api.test</c> (the
/// latter with a Bearer token the sidecar injects), then, from inside the bottle, shows: an allowed HTTPS request
/// (intercepted with the bottle's own CA), the injected credential the agent never holds, a default-deny refusal, a
/// DLP block of an AWS key that never reaches the upstream, and the supervise loop — the agent files an
/// <c>egress-allow</c> proposal over MCP, the operator approves it, and the route works without a restart. The
/// upstream is a local HTTPS server (<see cref="DemoUpstream"/>) reached through the engine host.
/// </summary>
internal sealed class DemoScenario(bool keep, IProgress<OperationProgress>? progress)
{
    /// <summary>The token the sidecar injects for api.test (a demo value, not a real credential).</summary>
    internal const string DemoToken = "demo-token-7f3a9c1e5b2d4f60";

    /// <summary>An AWS access key id in AWS's documented example format, caught by the built-in DLP rules.</summary>
    internal const string AwsKeyId = "AKIAQ3EGRA7XWL5NPZ2K";

    /// <summary>The names the sidecar resolves to the engine host, where <see cref="DemoUpstream"/> listens.</summary>
    private static readonly string[] DemoHosts = ["demo.test", "api.test", "other.test"];

    private readonly List<DemoStep> _steps = [];

    /// <summary>Runs every step; returns the report (steps after a failed start are not run).</summary>
    /// <exception cref="Errors.BotBottleException">No backend can run bottles, or the bottle could not start.</exception>
    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("bot-bottle-demo-").FullName;
        var homeDir = Path.Combine(root, "home");
        var project = Path.Combine(root, "project");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "README.md"), "The demo bottle's project folder.\n");
        var upstream = await DemoUpstream.StartAsync(Path.Combine(root, "demo-upstream-ca.pem"), cancellationToken).ConfigureAwait(false);
        WriteManifests(homeDir, upstream.Port);
        var services = new BotBottleServices(new BotBottleHome(homeDir), project, ProcessRunner.Default);
        string? slug = null;
        try
        {
            var started = Stopwatch.StartNew();
            Report("start", "starting a shell bottle (the first run builds the images)");
            var options = new StartOptions
            {
                Backend = "docker",
                UpstreamCaFiles = [upstream.CaPemPath],
                HostAliases = DemoHosts.ToDictionary(h => h, _ => "host-gateway"),
                ProposalTimeout = TimeSpan.FromMinutes(2),
            };
            var secrets = new DictionarySecretSource(new Dictionary<string, SecretValue> { ["DEMO_TOKEN"] = new(DemoToken) });
            var bottle = await services.Bottles.PrepareAndStartAsync(new PrepareRequest { Agent = "demo", Backend = "docker" }, secrets, options, progress, cancellationToken).ConfigureAwait(false);
            slug = bottle.Name;
            Add("start", "a running bottle: agent container on an internal network, sidecar as its only way out",
                $"bottle {slug} is {bottle.State} on {bottle.Backend}", bottle.State == BottleState.Running, started);

            await new Steps(this, services, upstream, slug).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (slug is not null && !keep)
            {
                var removing = Stopwatch.StartNew();
                Report("remove", $"removing {slug}");
                try
                {
                    await services.Bottles.RemoveAsync(slug, force: true, CancellationToken.None).ConfigureAwait(false);
                    Add("remove", "the bottle, its sidecar, networks and state are gone", $"removed {slug}", true, removing);
                }
                catch (Errors.BotBottleException ex)
                {
                    Add("remove", "the bottle, its sidecar, networks and state are gone", ex.Message, false, removing);
                }
            }

            await upstream.DisposeAsync().ConfigureAwait(false);
            if (!keep)
            {
                TryDelete(root);
            }
        }

        return new DemoReport(slug ?? "-", _steps.Count > 0 && _steps.TrueForAll(s => s.Ok), Math.Round(total.Elapsed.TotalSeconds, 1), _steps, keep ? homeDir : null);
    }

    private void Report(string step, string status) => progress?.Report(new OperationProgress("demo", $"{step}: {status}", 0));

    private void Add(string name, string expected, string observed, bool ok, Stopwatch watch)
    {
        _steps.Add(new DemoStep(name, expected, observed, ok, Math.Round(watch.Elapsed.TotalSeconds, 2)));
        progress?.Report(new OperationProgress("demo", $"{(ok ? "ok  " : "FAIL")} {name}: {observed}", 0));
    }

    /// <summary>Writes the demo bottle and agent; the routes list the local upstream's port (routes allow 443/80 unless they list others).</summary>
    private static void WriteManifests(string home, int port)
    {
        Directory.CreateDirectory(Path.Combine(home, "bottles"));
        Directory.CreateDirectory(Path.Combine(home, "agents"));
        File.WriteAllText(Path.Combine(home, "bottles", "demo.md"), $$"""
            ---
            agent_provider:
              template: shell
            env:
              DEMO_TOKEN: "?"
            egress:
              routes:
                - host: demo.test
                  ports: [{{port}}]
                  allow_private: true
                  dlp: {outbound_on_match: block}
                - host: api.test
                  ports: [{{port}}]
                  allow_private: true
                  auth: {scheme: Bearer, token_ref: DEMO_TOKEN}
            ---
            The bottle `bot-bottle demo` runs: two allowed hosts on a local upstream, one of them with an injected token.
            """);
        File.WriteAllText(Path.Combine(home, "agents", "demo.md"), """
            ---
            bottle: demo
            description: the bot-bottle demo agent (a shell)
            ---
            You are the demo agent.
            """);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The steps inside a running bottle.</summary>
    private sealed class Steps(DemoScenario demo, BotBottleServices services, DemoUpstream upstream, string slug)
    {
        private string Url(string host, string path) => $"https://{host}:{upstream.Port}{path}";

        private async Task<BottleCommandResult> AgentAsync(string script, CancellationToken ct) =>
            await services.Bottles.ExecAsync(slug, new BottleExecRequest { Command = ["bash", "-c", script] }, null, ct).ConfigureAwait(false);

        /// <summary>curl from inside the bottle: prints "STATUS REASON-HEADER" on stdout.</summary>
        private Task<BottleCommandResult> CurlAsync(string host, string path, string extra, CancellationToken ct) =>
            AgentAsync($"curl -sS --max-time 30 {extra} -D /tmp/h -o /tmp/b -w '%{{http_code}}' '{Url(host, path)}'; " +
                "printf ' %s' \"$(tr -d '\\r' </tmp/h | sed -n 's/^[Xx]-[Bb]ot[Bb]ottle-[Rr]eason: //p' | head -n1)\"", ct);

        private static (string Status, string Reason) Parse(BottleCommandResult r)
        {
            var parts = r.StandardOutput.Trim().Split(' ', 2);
            return (parts[0], parts.Length > 1 ? parts[1].Trim() : string.Empty);
        }

        public async Task RunAsync(CancellationToken ct)
        {
            // 1. Allowed, TLS intercepted: the certificate the agent sees was issued by the bottle's CA.
            var w = Stopwatch.StartNew();
            demo.Report("allowed", $"GET {Url("demo.test", "/hello")}");
            var allowed = await AgentAsync($"curl -sS -v --max-time 30 -o /dev/null -w '%{{http_code}}' '{Url("demo.test", "/hello")}' 2>/tmp/v; echo; sed -n 's/^\\*  *issuer: //p' /tmp/v | head -n1", ct).ConfigureAwait(false);
            var lines = allowed.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
            var issuer = lines.Length > 1 ? lines[1] : "?";
            var reached = upstream.Received.Any(r => r.Path == "/hello");
            demo.Add("allowed", "200 from the upstream, over TLS the sidecar intercepts with the bottle's own CA",
                $"HTTP {lines[0]}; certificate issuer seen by the agent: {issuer}; upstream received /hello: {reached}",
                lines[0] == "200" && reached && issuer.Contains($"BotBottle CA for {slug}", StringComparison.Ordinal), w);

            // 2. The sidecar injects the credential; the agent never holds it.
            w.Restart();
            demo.Report("credential", $"GET {Url("api.test", "/whoami")} without a token");
            var (status, _) = Parse(await CurlAsync("api.test", "/whoami", string.Empty, ct).ConfigureAwait(false));
            var auth = upstream.Received.LastOrDefault(r => r.Path == "/whoami")?.Authorization;
            var leak = await AgentAsync($"grep -rsl '{DemoToken}' /proc/self/environ /home /etc /tmp 2>/dev/null | head -n1; env | grep -c '{DemoToken}' || true", ct).ConfigureAwait(false);
            var agentHasToken = leak.StandardOutput.Trim() is var o && o != "0" && o.Length > 0;
            demo.Add("credential", "200, the upstream sees 'Authorization: Bearer <token>' added by the sidecar; the token is nowhere in the agent's container",
                $"HTTP {status}; upstream Authorization: {(auth is null ? "none" : auth.Replace(DemoToken, "<the DEMO_TOKEN secret>", StringComparison.Ordinal))}; token found in the agent container: {agentHasToken}",
                status == "200" && auth == $"Bearer {DemoToken}" && !agentHasToken, w);

            // 3. Default deny: a host without a route.
            w.Restart();
            demo.Report("no-route", $"GET {Url("other.test", "/data")}");
            var (denied, reason) = Parse(await CurlAsync("other.test", "/data", string.Empty, ct).ConfigureAwait(false));
            var leaked = upstream.Received.Any(r => r.Host == "other.test");
            demo.Add("no-route", "403 from the sidecar with X-BotBottle-Reason: NoRoute; nothing reaches other.test",
                $"HTTP {denied}, reason {(reason.Length == 0 ? "none" : reason)}; upstream saw other.test: {leaked}", denied == "403" && reason == "NoRoute" && !leaked, w);

            // 4. DLP: an AWS access key in a POST body to an allowed host is blocked before it leaves.
            w.Restart();
            demo.Report("dlp", $"POST {Url("demo.test", "/upload")} with an AWS access key id in the body");
            var (dlp, dlpReason) = Parse(await CurlAsync("demo.test", "/upload", $"-X POST -H 'Content-Type: application/json' --data '{{\"aws_access_key_id\":\"{AwsKeyId}\"}}'", ct).ConfigureAwait(false));
            var uploaded = upstream.Received.Any(r => r.Path == "/upload");
            demo.Add("dlp", "403 with X-BotBottle-Reason: Dlp; the upstream never receives /upload",
                $"HTTP {dlp}, reason {(dlpReason.Length == 0 ? "none" : dlpReason)}; upstream received /upload: {uploaded}", dlp == "403" && dlpReason == "Dlp" && !uploaded, w);

            // 5. Supervise: the agent asks for other.test over MCP; the operator approves; the route works at once.
            w.Restart();
            demo.Report("proposal", "the agent calls the egress-allow MCP tool for other.test and waits");
            var ask = AgentAsync(
                "curl -sS --max-time 150 -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' " +
                "--data-binary '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"egress-allow\",\"arguments\":" +
                "{\"routes\":[{\"host\":\"other.test\",\"ports\":[" + upstream.Port + "],\"allow_private\":true}],\"justification\":\"the demo task reads other.test\"}}}' " +
                "\"$BOT_BOTTLE_SUPERVISE_URL\" | sed -n 's/^data: //p'", ct);
            var pending = await WaitForPendingAsync(ask, ct).ConfigureAwait(false);
            demo.Add("proposal", "a pending egress-allow proposal for other.test, the agent's call waiting for the operator",
                pending is null ? "no proposal arrived" : $"proposal {pending.Id} ({ProposalKindConverter.Name(pending.Kind)}): {pending.Summary}", pending is not null && !ask.IsCompleted, w);
            if (pending is null)
            {
                return;
            }

            w.Restart();
            demo.Report("approved", $"the operator approves {pending.Id}");
            services.Proposals.Approve(pending.Id, "approved by bot-bottle demo", null);
            var answer = await ask.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            var agentStatus = ToolStatus(answer.StandardOutput);
            var after = string.Empty;
            for (var i = 0; i < 40 && after != "200"; i++)
            {
                (after, _) = Parse(await CurlAsync("other.test", "/data", string.Empty, ct).ConfigureAwait(false));
                if (after != "200")
                {
                    await Task.Delay(250, ct).ConfigureAwait(false);
                }
            }

            demo.Add("approved", "the agent's call returns 'approved'; other.test answers 200 in the same running bottle (no restart)",
                $"agent saw '{agentStatus}'; GET other.test now HTTP {after}", agentStatus == "approved" && after == "200", w);

            // The audit log: the sidecar reports its refusals in the background, so wait (bounded) for the import.
            w.Restart();
            demo.Report("audit", $"reading the audit log of {slug}");
            IReadOnlyList<BottleAuditEntry> log = [];
            bool noRoute = false, dlpBlocked = false;
            for (var i = 0; i < 40 && !(noRoute && dlpBlocked); i++)
            {
                log = services.Proposals.Audit(slug);
                noRoute = log.Any(e => e.Event == EgressAuditRecord.BlockedEvent && e.Detail.Contains("other.test", StringComparison.Ordinal));
                dlpBlocked = log.Any(e => e.Event == EgressAuditRecord.BlockedEvent && e.Detail.Contains("/upload", StringComparison.Ordinal));
                if (!(noRoute && dlpBlocked))
                {
                    await Task.Delay(250, ct).ConfigureAwait(false);
                }
            }

            var approvedSeen = log.Any(e => e.Event == "proposal-approved");
            demo.Add("audit", "the audit log holds both refusals (egress-blocked) and the operator's approval",
                $"egress-blocked for other.test: {noRoute}; for the AWS key sent to /upload: {dlpBlocked}; proposal-approved: {approvedSeen}", noRoute && dlpBlocked && approvedSeen, w);
        }

        private async Task<BottleProposal?> WaitForPendingAsync(Task waitingCall, CancellationToken ct)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !waitingCall.IsCompleted)
            {
                services.Proposals.Sync();
                var found = services.Proposals.List(new ProposalQuery { BottleName = slug, State = ProposalState.Pending }).FirstOrDefault(p => p.Summary.Contains("other.test", StringComparison.Ordinal));
                if (found is not null)
                {
                    return found;
                }

                await Task.Delay(200, ct).ConfigureAwait(false);
            }

            return null;
        }

        private static string ToolStatus(string jsonRpcAnswer)
        {
            try
            {
                using var doc = JsonDocument.Parse(jsonRpcAnswer.Trim());
                return doc.RootElement.GetProperty("result").GetProperty("structuredContent").GetProperty("status").GetString() ?? "?";
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return jsonRpcAnswer.Trim().Length == 0 ? "no answer" : "unreadable answer";
            }
        }
    }
}
