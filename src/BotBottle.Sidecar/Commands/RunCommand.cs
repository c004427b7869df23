using System.CommandLine;
using System.Text.Json;
using BotBottle.Backends;
using BotBottle.Manifest;
using BotBottle.Sidecar.Dns;
using BotBottle.Proposals;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Supervise;

namespace BotBottle.Sidecar.Commands;

/// <summary>
/// <c>bot-bottle-sidecar run --state DIR [--listen ADDR:PORT] [--dns ADDR:PORT] [--upstream-ca PEM]…</c>: everything a
/// bottle's sidecar runs, configured from the bottle's state folder (see <see cref="SidecarContract"/>): the egress
/// proxy on <c>DIR/routes.yaml</c> with the CA in <c>DIR</c>, the refusing DNS responder, and — once all listeners
/// are bound — <c>DIR/sidecar-ready.json</c>. Runs until SIGINT/SIGTERM.
/// </summary>
internal static class RunCommand
{
    /// <summary>The bottle's plan from its state folder, or null when unreadable.</summary>
    internal static Planning.BottlePlan? ReadPlan(string stateDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(stateDirectory, "plan.json")), Planning.PlanJsonContext.Default.BottlePlan);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Prepares every gated repository (credential files, bare mirror, pre-receive hook) and starts the gate. A
    /// repository without its credential stops the sidecar: the gate never runs half-configured.
    /// </summary>
    internal static async Task<GitGate.GitGateServer> StartGitGateAsync(System.Net.IPEndPoint endpoint, string dir, IReadOnlyList<GitRepository> repos, IReadOnlyDictionary<string, string> secrets, TimeSpan proposalTimeout, EgressLog log, CancellationToken ct)
    {
        var upstreams = new Dictionary<string, GitGate.GitUpstream>(StringComparer.Ordinal);
        foreach (var r in repos)
        {
            var u = GitGate.GitUpstream.Create(r, dir, secrets);
            await u.EnsureMirrorAsync(GitGate.GitGateServer.HookCommand(dir, r.Name), ct).ConfigureAwait(false);
            upstreams[r.Name] = u;
        }

        var dlp = Dlp.DlpEngine.Create(secrets.Select(kv => new Dlp.KnownSecret(kv.Key, kv.Value)));
        return new GitGate.GitGateServer(endpoint, upstreams, proposalTimeout, log, dlp: dlp);
    }

    public static Command Create()
    {
        var state = new Option<string>("--state") { Description = "The bottle's state folder (mounted).", Required = true };
        var listen = new Option<string>("--listen") { Description = "Egress proxy address:port.", DefaultValueFactory = _ => $"0.0.0.0:{SidecarContract.ProxyPort}" };
        var dns = new Option<string?>("--dns") { Description = "DNS responder address:port (REFUSED for every name)." };
        var upstreamCa = new Option<string[]>("--upstream-ca") { Description = "Extra PEM CA bundle trusted for upstream TLS (repeatable)." };
        var supervise = new Option<string?>("--supervise") { Description = "Supervise MCP server address:port (POST /mcp)." };
        var proposalTimeout = new Option<int>("--proposal-timeout") { Description = "Seconds a proposal waits for the operator before it expires.", DefaultValueFactory = _ => 600 };
        var gitGate = new Option<string?>("--git-gate") { Description = "Git gate address:port (smart HTTP for the plan's git-gate.repos; not started when the plan has none)." };
        var command = new Command("run", "Run a bottle's sidecar services from its state folder.") { state, listen, dns, upstreamCa, supervise, proposalTimeout, gitGate };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(state)!;
            var routes = Path.Combine(dir, SidecarContract.RoutesFile);
            var options = new EgressProxyOptions
            {
                Listen = [EgressCommand.ParseEndpoint(parse.GetValue(listen)!)],
                CaDirectory = dir,
                UpstreamCaFiles = parse.GetValue(upstreamCa) ?? [],
                Secrets = SidecarEnvironment.ReadSecrets(),
            };
            var readyFile = Path.Combine(dir, SidecarContract.ReadyFile);
            File.Delete(readyFile);
            await using var log = new EgressLog(Console.Out, Path.Combine(dir, SidecarContract.EgressAuditFile));
            using var policy = new PolicyHolder(routes, text => RoutesFile.Parse(text, routes), log, TimeSpan.FromMilliseconds(500));
            var slug = ReadPlan(dir)?.Slug ?? "bottle";
            var exchange = new ProposalExchange(dir);
            exchange.EnsureFolders();
            var allowlist = new TokenAllowlist();
            allowlist.Load(exchange);
            var filer = new ProposalFiler(exchange, slug, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(proposalTimeout))));
            await using var proxy = new EgressProxy(options, policy, log, SidecarInspector.Create(options.Secrets, allowlist), new TokenSupervisor(filer, allowlist, slug, log));
            proxy.Start();
            log.Event("build", $"bot-bottle-sidecar {SidecarBuildInfo.Describe()}");
            await using var dnsServer = parse.GetValue(dns) is { } d ? new RefusingDnsServer(EgressCommand.ParseEndpoint(d)) : null;
            await using var superviseServer = parse.GetValue(supervise) is { } sv
                ? new SuperviseServer(EgressCommand.ParseEndpoint(sv), new SuperviseTools(policy, filer, () => ReadPlan(dir), slug, log), log)
                : null;
            var repos = ReadPlan(dir)?.Bottle.GitGate.Repos ?? [];
            await using var gateServer = parse.GetValue(gitGate) is { } gg && repos.Length > 0
                ? await StartGitGateAsync(EgressCommand.ParseEndpoint(gg), dir, repos, options.Secrets, filer.Timeout, log, ct).ConfigureAwait(false)
                : null;
            var ready = JsonSerializer.Serialize(new ReadyInfo(Environment.ProcessId, [.. proxy.Endpoints.Select(e => e.ToString())], dnsServer?.Endpoint.ToString(), superviseServer?.Endpoint.ToString(), DateTimeOffset.UtcNow) { GitGate = gateServer?.Endpoint.ToString() }, SidecarJsonContext.Default.ReadyInfo);
            await File.WriteAllTextAsync(readyFile + ".tmp", ready, ct).ConfigureAwait(false);
            File.Move(readyFile + ".tmp", readyFile, overwrite: true);
            log.Event("ready", $"sidecar ready: proxy {string.Join(", ", proxy.Endpoints)}{(dnsServer is null ? string.Empty : $", dns {dnsServer.Endpoint}")}{(superviseServer is null ? string.Empty : $", supervise http://{superviseServer.Endpoint}/mcp")}{(gateServer is null ? string.Empty : $", git gate http://{gateServer.Endpoint}/ ({string.Join(", ", repos.Select(r => r.Name))})")}");
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            File.Delete(readyFile);
            log.Event("stopping", "sidecar stopping");
            return 0;
        });
        return command;
    }
}

/// <summary>Content of <see cref="SidecarContract.ReadyFile"/>.</summary>
internal sealed record ReadyInfo(int Pid, IReadOnlyList<string> Proxy, string? Dns, string? Supervise, DateTimeOffset Since)
{
    /// <summary>The git gate's endpoint, when it runs.</summary>
    public string? GitGate { get; init; }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadyInfo))]
internal sealed partial class SidecarJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
