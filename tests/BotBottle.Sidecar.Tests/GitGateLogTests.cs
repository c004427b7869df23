using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Backends;
using BotBottle.Dlp;
using BotBottle.Manifest;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.GitGate;

namespace BotBottle.Tests;

/// <summary>
/// git's standard error quotes what the agent sent (<c>fatal: protocol error: expected old/new/ref, got '…'</c>, ref
/// names in <c>ng</c> lines): the gate's <c>git-service-error</c> event must not carry a secret the agent put there
/// into the egress log. Real server, real <c>git receive-pack</c> on a real bare mirror, real DLP engine.
/// </summary>
public sealed class GitGateLogTests
{
    // A GitHub classic token with a valid CRC32 checksum (the same value UpstreamTlsTests sends).
    private const string Token = "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";

    [Fact]
    public async Task A_secret_quoted_by_gits_protocol_error_is_redacted_in_the_logged_event()
    {
        var state = Directory.CreateTempSubdirectory("bb-gate-log-").FullName;
        var upstream = GitUpstream.Create(
            new GitRepository("logged", "https://git.invalid/p.git", "/k", null),
            state,
            new Dictionary<string, string> { [SidecarContract.GitKeySecretName("logged")] = "tok" });
        RunGit("init", "-q", "--bare", upstream.MirrorPath);
        var output = new StringWriter();
        var log = new EgressLog(output);
        var server = new GitGateServer(new IPEndPoint(IPAddress.Loopback, 0), new Dictionary<string, GitUpstream> { ["logged"] = upstream },
            TimeSpan.FromSeconds(5), log, dlp: DlpEngine.Create([]));
        try
        {
            // One pkt-line that is not "<old> <new> <ref>": git receive-pack exits 128 quoting it on standard error.
            var line = $"{Token} refs/heads/x\n";
            var body = Encoding.ASCII.GetBytes($"{line.Length + 4:x4}{line}0000");
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Endpoint);
            var s = tcp.GetStream();
            await s.WriteAsync(Encoding.ASCII.GetBytes(
                "POST /logged.git/git-receive-pack HTTP/1.1\r\nHost: gate\r\nContent-Type: application/x-git-receive-pack-request\r\n" +
                $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await s.WriteAsync(body);
            using var reader = new StreamReader(s);
            Assert.StartsWith("HTTP/1.1 200", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            await log.DisposeAsync();
            Directory.Delete(state, recursive: true);
        }

        var text = output.ToString();
        Assert.Contains("git-service-error", text, StringComparison.Ordinal);
        Assert.Contains("protocol error", text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:github-pat-classic]", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[4..], text, StringComparison.Ordinal);
    }

    [Fact]
    public void Stderr_without_findings_is_logged_as_git_wrote_it()
    {
        const string err = "fatal: protocol error: expected old/new/ref, got 'hello refs/heads/main'";
        Assert.Same(err, DlpEngine.Create([]).RedactText(err));
    }

    private static void RunGit(params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", args) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
    }
}
