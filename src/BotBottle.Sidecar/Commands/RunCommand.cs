using System.CommandLine;
using System.Text.Json;
using BotBottle.Backends;
using BotBottle.Manifest;
using BotBottle.Sidecar.Dns;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Sidecar.Commands;

/// <summary>
/// <c>bot-bottle-sidecar run --state DIR [--listen ADDR:PORT] [--dns ADDR:PORT] [--upstream-ca PEM]…</c>: everything a
/// bottle's sidecar runs, configured from the bottle's state folder (see <see cref="SidecarContract"/>): the egress
/// proxy on <c>DIR/routes.yaml</c> with the CA in <c>DIR</c>, the refusing DNS responder, and — once all listeners
/// are bound — <c>DIR/sidecar-ready.json</c>. Runs until SIGINT/SIGTERM.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var state = new Option<string>("--state") { Description = "The bottle's state folder (mounted).", Required = true };
        var listen = new Option<string>("--listen") { Description = "Egress proxy address:port.", DefaultValueFactory = _ => $"0.0.0.0:{SidecarContract.ProxyPort}" };
        var dns = new Option<string?>("--dns") { Description = "DNS responder address:port (REFUSED for every name)." };
        var upstreamCa = new Option<string[]>("--upstream-ca") { Description = "Extra PEM CA bundle trusted for upstream TLS (repeatable)." };
        var command = new Command("run", "Run a bottle's sidecar services from its state folder.") { state, listen, dns, upstreamCa };
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
            await using var log = new EgressLog(Console.Out);
            using var policy = new PolicyHolder(routes, text => RoutesFile.Parse(text, routes), log, TimeSpan.FromMilliseconds(500));
            await using var proxy = new EgressProxy(options, policy, log, SidecarInspector.Create(options.Secrets));
            proxy.Start();
            await using var dnsServer = parse.GetValue(dns) is { } d ? new RefusingDnsServer(EgressCommand.ParseEndpoint(d)) : null;
            var ready = JsonSerializer.Serialize(new ReadyInfo(Environment.ProcessId, [.. proxy.Endpoints.Select(e => e.ToString())], dnsServer?.Endpoint.ToString(), DateTimeOffset.UtcNow), SidecarJsonContext.Default.ReadyInfo);
            await File.WriteAllTextAsync(readyFile + ".tmp", ready, ct).ConfigureAwait(false);
            File.Move(readyFile + ".tmp", readyFile, overwrite: true);
            log.Event("ready", $"sidecar ready: proxy {string.Join(", ", proxy.Endpoints)}{(dnsServer is null ? string.Empty : $", dns {dnsServer.Endpoint}")}");
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
internal sealed record ReadyInfo(int Pid, IReadOnlyList<string> Proxy, string? Dns, DateTimeOffset Since);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadyInfo))]
internal sealed partial class SidecarJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
