// Closed-loop load: N workers each send requests back to back for a fixed time over keep-alive connections,
// optionally through a forward proxy, trusting only the CA files given. Prints one JSON object with throughput and
// latency percentiles. Used by bench/egress/run.sh to compare direct, BotBottle, mitmproxy and squid in one run.
// --method POST (default) sends a --body bytes JSON body; --method GET sends none and reads the answer; with
// --expect-bytes N an answer of another length counts as an error. --workload names the row in the output.
// --cpu "name=pid pid;name=pid" (Linux) also reports, for the measured window only (after the warm-up), the CPU time
// (user + system, from /proc/<pid>/stat) each named group of processes spent per request, next to the load
// generator's own: on a machine whose cores the proxies, the upstream and the generator share, what each one costs
// per request is the figure other processes' load does not distort.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

var opts = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "true");
string Opt(string k, string d) => opts.TryGetValue(k, out var v) ? v : d;

var url = new Uri(Opt("url", "https://localhost:8443/post"));
var proxy = Opt("proxy", "");
var caFiles = Opt("ca", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
var bodySize = int.Parse(Opt("body", "1024"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(Opt("concurrency", "16"), CultureInfo.InvariantCulture);
var duration = TimeSpan.FromSeconds(double.Parse(Opt("duration", "10"), CultureInfo.InvariantCulture));
var warmup = TimeSpan.FromSeconds(double.Parse(Opt("warmup", "2"), CultureInfo.InvariantCulture));
var label = Opt("label", proxy.Length > 0 ? proxy : "direct");
var method = Opt("method", "POST").ToUpperInvariant();
var workload = Opt("workload", $"{method} {bodySize}");
var expectBytes = long.Parse(Opt("expect-bytes", "-1"), CultureInfo.InvariantCulture);
if (method is not ("GET" or "POST"))
{
    Console.Error.WriteLine($"--method {method}: GET or POST");
    return 2;
}

var roots = new X509Certificate2Collection();
foreach (var f in caFiles)
{
    roots.ImportFromPemFile(f);
}

var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = proxy.Length > 0,
    Proxy = proxy.Length > 0 ? new WebProxy(proxy) : null,
    AutomaticDecompression = DecompressionMethods.None,
    SslOptions = new SslClientAuthenticationOptions
    {
        RemoteCertificateValidationCallback = (_, cert, _, errors) =>
        {
            if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(cert));
        },
    },
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

// Benign JSON-ish text, the shape of an agent's API traffic.
var sb = new StringBuilder("{\"messages\":[");
var rng = new Random(42);
string[] words = ["the", "build", "failed", "because", "package", "version", "test", "function", "returns", "value", "error", "line", "file", "module", "install"];
while (sb.Length < bodySize)
{
    sb.Append("{\"role\":\"user\",\"content\":\"");
    for (var i = 0; i < 12; i++)
    {
        sb.Append(words[rng.Next(words.Length)]).Append(' ');
    }

    sb.Append("\"},");
}

var body = Encoding.UTF8.GetBytes(sb.ToString()[..bodySize]);

var sink = new byte[64 * 1024];

async Task<bool> OneAsync()
{
    using var content = method == "POST" ? new ByteArrayContent(body) : null;
    if (content is not null)
    {
        content.Headers.ContentType = new("application/json");
    }

    using var request = new HttpRequestMessage(method == "POST" ? HttpMethod.Post : HttpMethod.Get, url) { Content = content };
    using var resp = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    await using var stream = await resp.Content.ReadAsStreamAsync();
    long read = 0;
    int n;
    while ((n = await stream.ReadAsync(sink)) > 0)
    {
        read += n;
    }

    return resp.IsSuccessStatusCode && (expectBytes < 0 || read == expectBytes);
}

// Open the connections and warm up.
var warmEnd = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
{
    while (Stopwatch.GetTimestamp() < warmEnd)
    {
        try
        {
            await OneAsync();
        }
        catch (HttpRequestException)
        {
        }
    }
}));

// --cpu groups: name -> pids. The generator's own CPU is always measured (Process.TotalProcessorTime).
var cpuGroups = Opt("cpu", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(g => g.Split('=', 2))
    .Select(kv => (Name: kv[0], Pids: kv.Length > 1 ? kv[1].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray() : []))
    .ToArray();

// utime + stime of a process in clock ticks: fields 14 and 15 of /proc/<pid>/stat, counted after the ')' that ends
// the command name (which may hold blanks); proc(5). A process that has exited counts 0.
static long Ticks(int pid)
{
    try
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture); // fields 14, 15 (the first after ')' is field 3)
    }
    catch (IOException)
    {
        return 0;
    }
}

// USER_HZ, the unit of those fields: 100 on every Linux architecture .NET runs on (proc(5): sysconf(_SC_CLK_TCK)).
const double TicksPerSecond = 100;
var selfCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var groupTicks0 = cpuGroups.Select(g => g.Pids.Sum(Ticks)).ToArray();

var latencies = new List<double>[concurrency];
var errors = 0;
var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
var started = Stopwatch.GetTimestamp();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
{
    var list = latencies[w] = new List<double>(100_000);
    while (Stopwatch.GetTimestamp() < end)
    {
        var t0 = Stopwatch.GetTimestamp();
        bool ok;
        try
        {
            ok = await OneAsync();
        }
        catch (HttpRequestException)
        {
            ok = false;
        }

        if (!ok)
        {
            Interlocked.Increment(ref errors);
        }

        list.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }
}));
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
var selfCpu = (Process.GetCurrentProcess().TotalProcessorTime - selfCpu0).TotalMicroseconds;
var groupCpu = cpuGroups.Select((g, i) => (g.Name, Micros: (g.Pids.Sum(Ticks) - groupTicks0[i]) / TicksPerSecond * 1e6)).ToArray();
var all = latencies.SelectMany(l => l).Order().ToArray();
var perRequest = new[] { ("loadgen", selfCpu) }.Concat(groupCpu.Select(g => (g.Name, g.Micros)))
    .Select(g => string.Create(CultureInfo.InvariantCulture, $"\"{g.Item1}\":{g.Item2 / Math.Max(1, all.Length):F1}"));
double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"label\":\"{label}\",\"workload\":\"{workload}\",\"body\":{bodySize},\"concurrency\":{concurrency},\"requests\":{all.Length},\"errors\":{errors},\"rps\":{all.Length / elapsed:F1},\"p50ms\":{P(0.50):F3},\"p99ms\":{P(0.99):F3},\"cpu_us_per_req\":{{{string.Join(",", perRequest)}}}}}"));
return 0;
