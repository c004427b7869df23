using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BotBottle.Egress;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace BotBottle.Cli.Demo;

/// <summary>
/// The demo's stand-in for the internet: a Kestrel HTTPS server on every host address (bottles reach it through the
/// engine host, <c>host-gateway</c>), with leaf certificates minted per SNI name by a throw-away CA that only the
/// demo bottle's sidecar trusts. Every request is answered with a JSON echo and recorded, so the demo can show what
/// did — and did not — arrive upstream.
/// </summary>
internal sealed class DemoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CertificateAuthority _ca;
    private readonly MintedLeaves _leaves;

    private DemoUpstream(string caPemPath)
    {
        _ca = CertificateAuthority.Create("BotBottle demo upstream CA", TimeSpan.FromHours(2));
        _leaves = _ca.CreateLeaves();
        File.WriteAllText(caPemPath, _ca.CertificatePem);
        CaPemPath = caPemPath;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Any, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1;
            lo.UseHttps(h => h.ServerCertificateSelector = (_, name) => _leaves.Select(name));
        }));
        _app = builder.Build();
        _app.Map("/{**rest}", async ctx =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted).ConfigureAwait(false);
            var seen = new DemoRequest(ctx.Request.Method, ctx.Request.Host.Host, ctx.Request.Path.Value ?? "/",
                ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, body.ToArray());
            Received.Enqueue(seen);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["method"] = seen.Method,
                ["host"] = seen.Host,
                ["path"] = seen.Path,
                ["bodyLength"] = seen.Body.Length,
            }), ctx.RequestAborted).ConfigureAwait(false);
        });
    }

    /// <summary>PEM file of the CA that signed the upstream's leaf certificates (passed to the sidecar as an extra upstream CA).</summary>
    public string CaPemPath { get; }

    /// <summary>The HTTPS port, on every host address.</summary>
    public int Port { get; private set; }

    /// <summary>Every request that reached the upstream, in arrival order.</summary>
    public ConcurrentQueue<DemoRequest> Received { get; } = new();

    /// <summary>Starts the upstream, writing its CA to <paramref name="caPemPath"/>.</summary>
    public static async Task<DemoUpstream> StartAsync(string caPemPath, CancellationToken cancellationToken)
    {
        var upstream = new DemoUpstream(caPemPath);
        await upstream._app.StartAsync(cancellationToken).ConfigureAwait(false);
        upstream.Port = new Uri(upstream._app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        return upstream;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _ca.Dispose();
        _leaves.Dispose();
    }
}

/// <summary>One request the demo upstream received: method, host (from the Host header), path, Authorization header and body bytes.</summary>
internal sealed record DemoRequest(string Method, string Host, string Path, string? Authorization, byte[] Body);
