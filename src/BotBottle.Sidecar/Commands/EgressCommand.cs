using System.CommandLine;
using System.Net;
using BotBottle.Manifest;
using BotBottle.Sidecar.Dns;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Sidecar.Commands;

/// <summary>
/// <c>bot-bottle-sidecar egress --routes FILE --ca DIR --listen ADDR:PORT [--upstream-ca PEM]… [--resolve HOST=IP]…
/// [--dns ADDR:PORT]</c>: runs the egress proxy (and optionally the refusing DNS responder) until SIGINT/SIGTERM.
/// Secrets for <c>auth.token_ref</c> and DLP arrive as <c>BB_SIDECAR_SECRET_&lt;NAME&gt;</c> variables.
/// JSON-lines log on stdout. The routes file is re-read when it changes.
/// </summary>
internal static class EgressCommand
{
    public static Command Create()
    {
        var routes = new Option<string>("--routes") { Description = "Routes file (YAML: routes: [...], log: 0|1|2); reloaded when it changes.", Required = true };
        var ca = new Option<string>("--ca") { Description = "Folder with the bottle CA (ca.crt, ca.key).", Required = true };
        var listen = new Option<string[]>("--listen") { Description = "Address:port to listen on (repeatable).", DefaultValueFactory = _ => ["0.0.0.0:3128"], AllowMultipleArgumentsPerToken = false };
        var upstreamCa = new Option<string[]>("--upstream-ca") { Description = "Extra PEM CA bundle trusted for upstream TLS (repeatable)." };
        var resolve = new Option<string[]>("--resolve") { Description = "HOST=IP[,IP] static resolution (repeatable); the address policy still applies." };
        var dns = new Option<string?>("--dns") { Description = "Also answer DNS on ADDR:PORT with REFUSED for every name (the agent's resolver)." };
        var maxBody = new Option<long>("--max-body") { Description = "Largest request body inspected, in bytes.", DefaultValueFactory = _ => 64L * 1024 * 1024 };
        var command = new Command("egress", "Run the egress proxy.") { routes, ca, listen, upstreamCa, resolve, dns, maxBody };
        command.SetAction(async (parse, ct) =>
        {
            var options = new EgressProxyOptions
            {
                Listen = [.. parse.GetValue(listen)!.Select(ParseEndpoint)],
                CaDirectory = parse.GetValue(ca)!,
                UpstreamCaFiles = parse.GetValue(upstreamCa) ?? [],
                ResolveOverrides = ParseResolve(parse.GetValue(resolve) ?? []),
                Secrets = SidecarEnvironment.ReadSecrets(),
                MaxBodyBytes = parse.GetValue(maxBody),
            };
            await using var log = new EgressLog(Console.Out);
            using var policy = new PolicyHolder(parse.GetValue(routes)!, text => RoutesFile.Parse(text, parse.GetValue(routes)!), log, TimeSpan.FromMilliseconds(500));
            await using var proxy = new EgressProxy(options, policy, log, SidecarInspector.Create(options.Secrets));
            proxy.Start();
            log.Event("build", $"bot-bottle-sidecar {SidecarBuildInfo.Describe()}");
            RefusingDnsServer? dnsServer = parse.GetValue(dns) is { } d ? new RefusingDnsServer(ParseEndpoint(d)) : null;
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                if (dnsServer is not null)
                {
                    await dnsServer.DisposeAsync().ConfigureAwait(false);
                }

                log.Event("stopping", "egress proxy stopping");
            }

            return 0;
        });
        return command;
    }

    internal static IPEndPoint ParseEndpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var ep) && ep.Port != 0 || text.EndsWith(":0", StringComparison.Ordinal) && IPEndPoint.TryParse(text, out ep))
        {
            return ep!;
        }

        throw new ArgumentException($"'{text}' is not an address:port (e.g. 0.0.0.0:3128 or [::]:3128).");
    }

    internal static Dictionary<string, IPAddress[]> ParseResolve(IEnumerable<string> entries)
    {
        var map = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in entries)
        {
            var eq = e.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--resolve '{e}' must be HOST=IP[,IP].");
            }

            map[e[..eq].Trim().ToLowerInvariant()] = [.. e[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPAddress.Parse)];
        }

        return map;
    }
}
