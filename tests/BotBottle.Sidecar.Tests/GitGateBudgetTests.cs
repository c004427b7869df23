using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Manifest;
using BotBottle.Backends;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.GitGate;

namespace BotBottle.Tests;

/// <summary>
/// The git gate's request bodies (pushed packs, fetch negotiations) share one memory budget: a push that would go past
/// it is answered 503 before its body is read, so an agent that opens many large pushes at once gets refusals, not a
/// sidecar killed by its 1 GiB memory limit. Real sockets against the real server; the mirror does not exist, so a
/// request that gets through runs a real <c>git receive-pack</c> that fails — only the gate's answer is asserted.
/// </summary>
public sealed class GitGateBudgetTests : IAsyncLifetime
{
    private const string Repo = "budget";
    private readonly string _state = Directory.CreateTempSubdirectory("bb-gate-budget-").FullName;
    private GitGateServer _server = null!;

    public Task InitializeAsync()
    {
        var upstream = GitUpstream.Create(
            new GitRepository(Repo, "https://git.invalid/p.git", "/k", null),
            _state,
            new Dictionary<string, string> { [SidecarContract.GitKeySecretName(Repo)] = "tok" });
        _server = new GitGateServer(new IPEndPoint(IPAddress.Loopback, 0), new Dictionary<string, GitUpstream> { [Repo] = upstream },
            TimeSpan.FromSeconds(5), new EgressLog(TextWriter.Null), bodyBudgetBytes: 1024 * 1024);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    private static string Head(int length, string extra = "") =>
        $"POST /{Repo}.git/git-receive-pack HTTP/1.1\r\nHost: gate\r\nContent-Type: application/x-git-receive-pack-request\r\n" +
        $"Content-Length: {length}\r\n{extra}Connection: close\r\n\r\n";

    /// <summary>Connects and declares a push of <paramref name="length"/> bytes with <c>Expect: 100-continue</c>; returns once the gate answered 100 (the bytes are reserved).</summary>
    private async Task<TcpClient> HoldAsync(int length)
    {
        var client = new TcpClient();
        await client.ConnectAsync(_server.Endpoint);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Head(length, "Expect: 100-continue\r\n")));
        Assert.StartsWith("HTTP/1.1 100", await ResourceLimitTests.ReadHeadAsync(client.GetStream()), StringComparison.Ordinal);
        return client;
    }

    [Fact]
    public async Task A_push_that_would_exceed_the_shared_body_budget_gets_503_before_its_body_is_read()
    {
        // A holds 900 KiB of the 1 MiB budget: reserved before the gate answered 100 Continue.
        using var a = await HoldAsync(900 * 1024);
        var sa = a.GetStream();

        // B declares 200 KiB: refused at once, naming the budget; so is a chunked B at its first chunk.
        var b = await ExchangeAsync(Head(200 * 1024, "Expect: 100-continue\r\n"));
        Assert.StartsWith("HTTP/1.1 503", b, StringComparison.Ordinal);
        Assert.Contains("hold the gate's memory for request bodies (1 MiB in all)", b, StringComparison.Ordinal);
        var chunked = await ExchangeAsync(
            $"POST /{Repo}.git/git-receive-pack HTTP/1.1\r\nHost: gate\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{200 * 1024:x}\r\n");
        Assert.StartsWith("HTTP/1.1 503", chunked, StringComparison.Ordinal);

        // A's body arrives and its request is served; once A's connection closed, its bytes are back and B's retry passes.
        await sa.WriteAsync(new byte[900 * 1024]);
        Assert.StartsWith("HTTP/1.1 200", await ResourceLimitTests.ReadHeadAsync(sa), StringComparison.Ordinal);
        await DrainAsync(sa);
        var again = await ExchangeAsync(Head(200 * 1024, "Expect: 100-continue\r\n"), body: new byte[200 * 1024]);
        Assert.StartsWith("HTTP/1.1 200", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_push_refused_mid_body_reads_the_503_after_writing_the_rest_not_a_reset()
    {
        // git sends a large pack chunked and reads the answer only after the last chunk. The gate runs out of budget at
        // the second chunk and answers 503 then; a plain close with 8 MiB still arriving would reset the connection, and
        // git would print "Connection reset by peer" instead of the 503 (seen from inside a bottle). The gate drains
        // what the client still sends (a lingering close, RFC 9112 §9.6), so the client finishes writing and reads 503.
        using var a = await HoldAsync(900 * 1024);
        var sa = a.GetStream();

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes($"POST /{Repo}.git/git-receive-pack HTTP/1.1\r\nHost: gate\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var chunk = new byte[64 * 1024];
        var size = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        for (var i = 0; i < 128; i++)
        {
            await s.WriteAsync(size);
            await s.WriteAsync(chunk);
            await s.WriteAsync("\r\n"u8.ToArray());
        }

        await s.WriteAsync("0\r\n\r\n"u8.ToArray());
        var answer = await ResourceLimitTests.ReadHeadAsync(s);
        Assert.StartsWith("HTTP/1.1 503", answer, StringComparison.Ordinal);
        Assert.Contains("hold the gate's memory for request bodies", answer + await DrainAsync(s), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_body_may_inflate_only_into_the_room_the_budget_has()
    {
        var packed = Gzip(new byte[512 * 1024]);
        var encoding = "Content-Encoding: gzip\r\nExpect: 100-continue\r\n";

        // Control: with the budget free, 512 KiB inflated fits and the request is served.
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Head(packed.Length, encoding), packed), StringComparison.Ordinal);

        // With 900 KiB of it held by A, the same body may not inflate: 503 (not 413: it is under the gate's size limit).
        using var a = await HoldAsync(900 * 1024);
        var sa = a.GetStream();
        var busy = await ExchangeAsync(Head(packed.Length, encoding), packed);
        Assert.StartsWith("HTTP/1.1 503", busy, StringComparison.Ordinal);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>Sends a head (and, after a 100 Continue, <paramref name="body"/>); returns the final answer's head.</summary>
    private async Task<string> ExchangeAsync(string head, byte[]? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.Endpoint);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = await ResourceLimitTests.ReadHeadAsync(s);
        if (body is not null && answer.StartsWith("HTTP/1.1 100", StringComparison.Ordinal))
        {
            await s.WriteAsync(body);
            answer = await ResourceLimitTests.ReadHeadAsync(s);
        }

        var rest = await DrainAsync(s);
        return answer + rest;
    }

    private static async Task<string> DrainAsync(Stream s)
    {
        var sb = new StringBuilder();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        int n;
        while ((n = await s.ReadAsync(buffer, cts.Token)) > 0)
        {
            sb.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return sb.ToString();
    }
}
