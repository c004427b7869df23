using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using BotBottle.Egress;
using BotBottle.Policy;
using BotBottle.Processes;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

/// <summary>
/// The egress proxy running in-process on loopback, a real TLS upstream behind it, and clients that trust the
/// bottle CA the way a provisioned bottle does. Names used by tests resolve through the proxy's overrides:
/// <c>upstream.test</c> and <c>other.test</c> → 127.0.0.1 (routes need <c>allow_private</c>), <c>private.test</c>
/// → 10.1.2.3, <c>metadata.test</c> → 169.254.169.254, <c>mixed.test</c> → a public and a private address.
/// </summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    public const string Secret = "s3cr3t-upstream-token-value-0123456789";

    private readonly TempDirectory _dir;
    private readonly StringWriter _logText = new();

    private ProxyHarness(TempDirectory dir, TestUpstream upstream, EgressProxy proxy, PolicyHolder policy, EgressLog log)
    {
        _dir = dir;
        Upstream = upstream;
        Proxy = proxy;
        Policy = policy;
        Log = log;
    }

    public TestUpstream Upstream { get; }

    internal EgressProxy Proxy { get; }

    internal PolicyHolder Policy { get; }

    internal EgressLog Log { get; }

    public string Directory => _dir.Path;

    public string BottleCaPath => Path.Combine(_dir.Path, "ca", CertificateAuthority.CertificateFileName);

    public IPEndPoint Endpoint => Proxy.Endpoints[0];

    public Uri ProxyUri => new($"http://127.0.0.1:{Endpoint.Port}");

    public string Https(string path, string host = "upstream.test") => $"https://{host}:{Upstream.HttpsPort}{path}";

    public string Http(string path, string host = "upstream.test") => $"http://{host}:{Upstream.HttpPort}{path}";

    /// <summary>A route for <paramref name="host"/> reaching the loopback upstream.</summary>
    public static EgressRoute Route(string host = "upstream.test") => new() { Host = host, AllowPrivate = true };

    /// <summary>
    /// Starts the proxy and a test upstream. <paramref name="configure"/> may change any option — e.g. empty
    /// <c>UpstreamCaFiles</c> (the upstream's CA is then untrusted, as on a real host) or empty <c>ResolveOverrides</c>
    /// (names go through the system resolver). <paramref name="upstreamCertificateName"/> makes the upstream present
    /// a certificate for that name only.
    /// </summary>
    internal static async Task<ProxyHarness> StartAsync(EgressPolicy policy, IRequestInspector? inspector = null, Func<EgressProxyOptions, EgressProxyOptions>? configure = null, IRequestSupervisor? supervisor = null, EgressLog? log = null, string? upstreamCertificateName = null)
    {
        var dir = new TempDirectory("bbproxy");
        using (var ca = CertificateAuthority.Create("BotBottle test bottle CA"))
        {
            ca.Save(Path.Combine(dir.Path, "ca"));
        }

        var upstream = await TestUpstream.StartAsync(Path.Combine(dir.Path, "upstream-ca.pem"), certificateName: upstreamCertificateName);
        var options = new EgressProxyOptions
        {
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            CaDirectory = Path.Combine(dir.Path, "ca"),
            UpstreamCaFiles = [upstream.CaPemPath],
            ResolveOverrides = new Dictionary<string, IPAddress[]>
            {
                ["upstream.test"] = [IPAddress.Loopback],
                ["other.test"] = [IPAddress.Loopback],
                ["private.test"] = [IPAddress.Parse("10.1.2.3")],
                ["metadata.test"] = [IPAddress.Parse("169.254.169.254")],
                ["mixed.test"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("192.168.1.10")],
            },
            Secrets = new Dictionary<string, string> { ["UPSTREAM_TOKEN"] = Secret },
        };
        options = configure?.Invoke(options) ?? options;
        log ??= new EgressLog(Environment.GetEnvironmentVariable("BB_TEST_PROXY_LOG") == "1" ? Console.Error : TextWriter.Null);
        var holder = new PolicyHolder(WithPorts(policy, upstream), log);
        var proxy = new EgressProxy(options, holder, log, inspector ?? new AllowAllInspector(), supervisor);
        proxy.Start();
        return new ProxyHarness(dir, upstream, proxy, holder, log);
    }

    /// <summary>
    /// The test upstream listens on ephemeral ports, as an operator's private upstream may: routes that list no
    /// <c>ports</c> get the upstream's two, the way the operator would write them. A route that lists ports keeps
    /// its own (port tests use that).
    /// </summary>
    public static EgressPolicy WithPorts(EgressPolicy policy, TestUpstream upstream) =>
        policy with { Routes = [.. policy.Routes.Select(r => r.Ports.IsDefaultOrEmpty ? r with { Ports = [upstream.HttpsPort, upstream.HttpPort] } : r)] };

    /// <summary>Replaces the live policy (routes without ports get the upstream's, see <see cref="WithPorts"/>).</summary>
    public void SetPolicy(EgressPolicy policy) => Policy.Set(WithPorts(policy, Upstream));

    /// <summary>An HttpClient configured like an agent in a bottle: proxy set, bottle CA trusted (and nothing else).</summary>
    public HttpClient CreateClient(bool keepAlive = true)
    {
        var bottleCa = X509Certificate2.CreateFromPem(File.ReadAllText(BottleCaPath));
        var handler = new SocketsHttpHandler
        {
            Proxy = new WebProxy(ProxyUri),
            UseProxy = true,
            PooledConnectionLifetime = keepAlive ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var c = new X509Chain();
                    c.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    c.ChainPolicy.CustomTrustStore.Add(bottleCa);
                    c.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return c.Build(new X509Certificate2(cert));
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(120) }; // a hang guard on a loaded machine, not a deadline any test relies on
    }

    /// <summary>
    /// Runs curl through the proxy, trusting only the bottle CA. <c>--max-time 120</c> ends a hang; it is not a
    /// deadline for the proxy (a whole curl-based test took 17 s on the loaded 2-core machine, against 20 s before).
    /// </summary>
    public Task<ProcessResult> CurlAsync(params string[] args) =>
        ProcessRunner.Default.RunAsync(new ProcessSpec("curl", ["-sS", "--max-time", "120", "--proxy", ProxyUri.ToString(), "--cacert", BottleCaPath, .. args])
        {
            Environment = new Dictionary<string, string?> { ["SSL_CERT_FILE"] = null, ["CURL_CA_BUNDLE"] = null, ["SSL_CERT_DIR"] = null },
        });

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Log.DisposeAsync();
        await Upstream.DisposeAsync();
        Policy.Dispose();
        _dir.Dispose();
    }
}

/// <summary>Inspector that allows everything (the policy engine alone decides); DLP tests use the real one.</summary>
internal sealed class AllowAllInspector : IRequestInspector
{
    public InspectionResult InspectRequest(InspectedRequest request, EgressRoute route) => InspectionResult.Clean;

    public InspectionResult InspectWebSocketMessage(string host, ReadOnlyMemory<byte> payload, EgressRoute route) => InspectionResult.Clean;

    public InspectionResult InspectResponse(string host, ReadOnlyMemory<byte> body, string? contentType, EgressRoute route) => InspectionResult.Clean;

    public IReadOnlyList<(string Detector, string Rule, string Location, string Message)> InspectRefusedTarget(string host, string path) => [];
}
