using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Http;

namespace BotBottle.Tests;

/// <summary>
/// Compressed request bodies (issue 15 item 11) and resource exhaustion (item 12): every content coding is undone
/// before DLP and past a limit the request is refused, never forwarded unscanned; request bodies share a memory budget
/// (a flood fails the agent's requests, not the sidecar); the sidecar's small servers cap their connections.
/// </summary>
public class ResourceLimitTests
{
    private const string AwsKey = "AKIAQ2W3E4R5T6Y7U2I3";

    private static EgressPolicy Block() => new([ProxyHarness.Route() with { Dlp = new RouteDlp { OutboundOnMatch = DlpAction.Block } }], EgressLogLevel.All);

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    private static Task<ProxyHarness> Start(Func<EgressProxyOptions, EgressProxyOptions>? configure = null, EgressLog? log = null) =>
        ProxyHarness.StartAsync(Block(), SidecarInspector.Create(new Dictionary<string, string>()), configure, log: log);

    private static async Task<HttpResponseMessage> PostAsync(ProxyHarness h, string path, byte[] body, string encoding)
    {
        using var client = h.CreateClient();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var coding in encoding.Split(", "))
        {
            content.Headers.ContentEncoding.Add(coding);
        }
        return await client.PostAsync(h.Https(path), content);
    }

    [Fact]
    public async Task Every_content_coding_is_undone_before_dlp_and_the_decoded_body_is_forwarded()
    {
        await using var h = await Start();
        var clean = Encoding.UTF8.GetBytes("{\"note\":\"nothing to see\"}");
        var ok = await PostAsync(h, "/twice-clean", Gzip(Gzip(clean)), "gzip, gzip");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // control: clean doubly-compressed bodies pass, decoded
        Assert.Equal(clean, h.Upstream.Last("/twice-clean").Body);

        var secret = Encoding.UTF8.GetBytes("{\"k\":\"" + AwsKey + "\"}");
        var twice = await PostAsync(h, "/twice", Gzip(Gzip(secret)), "gzip, gzip");
        Assert.Equal(HttpStatusCode.Forbidden, twice.StatusCode);
        Assert.Equal("Dlp", twice.Headers.GetValues(Responses.ReasonHeader).Single());
        Assert.DoesNotContain(h.Upstream.Received, r => r.Path == "/twice");
    }

    [Fact]
    public async Task A_body_that_inflates_past_the_limit_or_cannot_be_decoded_is_refused_not_forwarded()
    {
        await using var h = await Start(o => o with { MaxDecodedBodyBytes = 1024 * 1024 });
        var bomb = new byte[4 * 1024 * 1024];
        Encoding.ASCII.GetBytes(AwsKey).CopyTo(bomb, bomb.Length - 40); // the secret sits past the limit
        var r = await PostAsync(h, "/bomb", Gzip(bomb), "gzip");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        var unknown = await PostAsync(h, "/unknown", Encoding.UTF8.GetBytes("x"), "compress");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unknown.StatusCode);
        Assert.DoesNotContain(h.Upstream.Received, x => x.Path is "/bomb" or "/unknown");
    }

    private static byte[] Zstd(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(ms, 3, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>
    /// codex-cli sends ChatGPT-backend bodies as <c>Content-Encoding: zstd</c> (RFC 8878): over real TLS through the
    /// proxy, a zstd body carrying a credential is blocked, a benign one reaches the upstream decoded to exactly the bytes
    /// that were compressed, a bomb gets 413 and a corrupt frame 415 naming the fault; none of the refused ones is forwarded.
    /// </summary>
    [Fact]
    public async Task A_zstd_body_is_decoded_for_dlp_and_a_bomb_or_a_corrupt_frame_is_refused()
    {
        await using var h = await Start(o => o with { MaxDecodedBodyBytes = 1024 * 1024 });
        // Prose around the key makes zstd Huffman-code the literals, so the key is not visible in the compressed bytes.
        var random = new Random(16);
        string[] words = ["the", "parser", "refactor", "module", "build", "test", "deploy", "quick", "over", "lazy"];
        var prose = string.Join(' ', Enumerable.Range(0, 300).Select(_ => words[random.Next(words.Length)]));
        var secret = Zstd(Encoding.UTF8.GetBytes("{\"input\":\"" + prose + " deploy with " + AwsKey + " please\"}"));
        Assert.Equal(-1, secret.AsSpan().IndexOf(Encoding.ASCII.GetBytes(AwsKey)));
        var blocked = await PostAsync(h, "/zstd-secret", secret, "zstd");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("Dlp", blocked.Headers.GetValues(Responses.ReasonHeader).Single());

        var clean = Encoding.UTF8.GetBytes("{\"model\":\"gpt-5-codex\",\"input\":[{\"role\":\"user\",\"content\":\"" + new string('a', 3000) + " refactor the parser\"}]}");
        var ok = await PostAsync(h, "/zstd-clean", Zstd(clean), "zstd");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var forwarded = h.Upstream.Last("/zstd-clean");
        Assert.Equal(clean, forwarded.Body);
        Assert.False(forwarded.Headers.ContainsKey("Content-Encoding"));

        var bomb = new byte[4 * 1024 * 1024];
        Encoding.ASCII.GetBytes(AwsKey).CopyTo(bomb, bomb.Length - 40); // the secret sits past the limit
        var tooLarge = await PostAsync(h, "/zstd-bomb", Zstd(bomb), "zstd");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);

        var frame = Zstd(clean);
        var corrupt = await PostAsync(h, "/zstd-corrupt", frame[..(frame.Length / 2)], "zstd");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, corrupt.StatusCode);
        Assert.Contains("zstd: the data ends inside a frame", await corrupt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, x => x.Path is "/zstd-secret" or "/zstd-bomb" or "/zstd-corrupt");
    }

    /// <summary>
    /// A body whose bytes are not the coding its header names (red team 12: gzip sent as <c>Content-Encoding: br</c>,
    /// which made .NET's BrotliStream throw an exception the decoder did not expect) gets a 415 naming the coding, like
    /// any body that does not decode, and is not forwarded; the connection stays usable.
    /// </summary>
    [Fact]
    public async Task A_body_that_is_not_the_coding_its_header_names_is_refused_with_415()
    {
        var output = new StringWriter();
        await using var h = await ProxyHarness.StartAsync(Block(), SidecarInspector.Create(new Dictionary<string, string>()), log: new EgressLog(output));
        using var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(Encoding.UTF8.GetBytes("deploy with " + AwsKey + " please"));
        }

        var refused = await PostAsync(h, "/br-not-brotli", gz.ToArray(), "br");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("br: ", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, x => x.Path == "/br-not-brotli");

        // Control: the same bytes under their own coding are decoded and scanned (and blocked for the key).
        var blocked = await PostAsync(h, "/gzip-as-gzip", gz.ToArray(), "gzip");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);

        // The refusal is logged and audited under the name the offline check gives it, not as a policy NoMatch.
        var refusal = output.ToString().Split('\n').Single(l => l.Contains("/br-not-brotli", StringComparison.Ordinal));
        Assert.Contains("UnsupportedContentEncoding", refusal, StringComparison.Ordinal);
        Assert.Contains("header:Content-Encoding", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("NoMatch", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_inspection_limit_gets_413_and_is_not_forwarded()
    {
        var output = new StringWriter();
        await using var h = await Start(o => o with { MaxBodyBytes = 64 * 1024 }, new EgressLog(output));
        var atLimit = await PostAsync(h, "/at-limit", new byte[64 * 1024], "identity");
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode); // control: exactly the limit passes
        Assert.Equal(64 * 1024, h.Upstream.Last("/at-limit").Body.Length);

        // One byte over, declared up front: refused before the body is read (the client may stop sending).
        var authority = $"upstream.test:{h.Upstream.HttpPort}";
        var over = await EgressProxyTests.RawAsync(h, $"POST http://{authority}/over HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {(64 * 1024) + 1}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413", over, StringComparison.Ordinal);

        // Chunked, so the size is only known while reading: a chunk past the limit is refused the same way.
        var chunked = await EgressProxyTests.RawAsync(h, $"POST http://{authority}/over-chunked HTTP/1.1\r\nHost: {authority}\r\nTransfer-Encoding: chunked\r\n\r\n8000\r\n{new string('c', 0x8000)}\r\n8001\r\n");
        Assert.StartsWith("HTTP/1.1 413", chunked, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Upstream.Received, x => x.Path is "/over" or "/over-chunked");

        // Logged and audited as what it is (the route matched; the body could not be inspected), not as a policy NoMatch.
        await h.Log.DisposeAsync(); // flushes the log (idempotent; the harness disposes it again)
        foreach (var path in new[] { "/over", "/over-chunked" })
        {
            var refusal = output.ToString().Split('\n').Single(l => l.Contains($"\"path\":\"{path}\"", StringComparison.Ordinal));
            Assert.Contains("BodyTooLarge", refusal, StringComparison.Ordinal);
            Assert.DoesNotContain("NoMatch", refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Request_bodies_share_a_memory_budget_and_a_flood_gets_503_not_memory()
    {
        var output = new StringWriter();
        await using var h = await Start(o => o with { BodyBudgetBytes = 1024 * 1024 }, new EgressLog(output));
        var authority = $"upstream.test:{h.Upstream.HttpPort}";

        // A holds 900 KiB of the budget: the proxy reserved it before answering 100 Continue.
        using var a = new TcpClient();
        await a.ConnectAsync(h.Endpoint);
        var sa = a.GetStream();
        await sa.WriteAsync(Encoding.ASCII.GetBytes($"POST http://{authority}/a HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {900 * 1024}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
        var cont = await ReadHeadAsync(sa);
        Assert.StartsWith("HTTP/1.1 100", cont, StringComparison.Ordinal);

        // B would need more than what is left: refused with 503, and the proxy stays up.
        var b = await EgressProxyTests.RawAsync(h, $"POST http://{authority}/b HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {200 * 1024}\r\nConnection: close\r\n\r\n" + new string('b', 200 * 1024));
        Assert.StartsWith("HTTP/1.1 503", b, StringComparison.Ordinal);

        // A completes; its reservation is returned and B's retry, of the same 200 KiB, passes. The proxy closes A's
        // connection (Connection: close) only after the release, so reading A to its end orders the retry after it.
        await sa.WriteAsync(new byte[900 * 1024]);
        Assert.StartsWith("HTTP/1.1 200", await ReadHeadAsync(sa), StringComparison.Ordinal);
        var drain = new byte[4096];
        while (await sa.ReadAsync(drain) > 0)
        {
        }

        var again = await EgressProxyTests.RawAsync(h, $"POST http://{authority}/b HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {200 * 1024}\r\nConnection: close\r\n\r\n" + new string('b', 200 * 1024));
        Assert.StartsWith("HTTP/1.1 200", again, StringComparison.Ordinal);

        // The 503 is logged as the proxy's state (ProxyBusy), not as a policy NoMatch.
        await h.Log.DisposeAsync();
        var refusal = output.ToString().Split('\n').Single(l => l.Contains("\"path\":\"/b\"", StringComparison.Ordinal) && l.Contains("\"status\":503", StringComparison.Ordinal));
        Assert.Contains("ProxyBusy", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("NoMatch", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sidecars_small_servers_cap_their_connections()
    {
        var release = new TaskCompletionSource();
        await using var listener = new ConnectionListener(new IPEndPoint(IPAddress.Loopback, 0), maxConnections: 2);
        var served = 0;
        listener.Start(async _ =>
        {
            Interlocked.Increment(ref served);
            await release.Task;
        }, _ => { });
        using var one = new TcpClient();
        using var two = new TcpClient();
        await one.ConnectAsync(listener.Endpoint);
        await two.ConnectAsync(listener.Endpoint);
        while (Volatile.Read(ref served) < 2)
        {
            await Task.Yield();
        }

        using var three = new TcpClient();
        await three.ConnectAsync(listener.Endpoint);
        Assert.StartsWith("HTTP/1.1 503", await ReadHeadAsync(three.GetStream()), StringComparison.Ordinal);
        release.SetResult();
    }

    /// <summary>Reads one response head (through its blank line) byte by byte, so nothing after it is consumed.</summary>
    internal static async Task<string> ReadHeadAsync(Stream s)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await s.ReadAsync(one, cts.Token) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
