using System.Text;
using BotBottle.Backends;
using BotBottle.Manifest;
using BotBottle.Processes;
using BotBottle.Sidecar.GitGate;

namespace BotBottle.Tests;

/// <summary>
/// The git gate's HTTPS upstream behind a private or corporate CA: the CA the host passed with <c>--upstream-ca</c>
/// (the state folder's <see cref="SidecarContract.UpstreamCaFile"/>) is trusted by the gate's own git, as it is by the
/// egress proxy. Real git (libcurl, real TLS) against a real TLS server (<see cref="TestUpstream"/>, whose leaf
/// certificate a CA made for the test signs).
/// </summary>
public sealed class GitUpstreamCaTests
{
    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static Task<ProcessResult> LsRemoteAsync(GitUpstream upstream, int port)
    {
        // The test names resolve to loopback through libcurl's resolve list (git-config(1) http.curloptResolve).
        var env = new Dictionary<string, string?>(upstream.UpstreamEnvironment, StringComparer.Ordinal)
        {
            ["GIT_CONFIG_COUNT"] = "2",
            ["GIT_CONFIG_KEY_1"] = "http.curloptResolve",
            ["GIT_CONFIG_VALUE_1"] = $"upstream.test:{port}:127.0.0.1",
            ["GIT_TERMINAL_PROMPT"] = "0",
        };
        return ProcessRunner.Default.RunAsync(new ProcessSpec("git", ["ls-remote", upstream.Url]) { Environment = env }, cancellationToken: Timeout());
    }

    [Fact]
    public async Task An_https_upstream_behind_the_upstream_ca_is_trusted_by_the_gates_git_and_untrusted_without_it()
    {
        using var state = new TempDirectory("bbgitca");
        await using var server = await TestUpstream.StartAsync(state.Combine("test-ca.pem"));
        var repo = new GitRepository("ca-https", $"https://upstream.test:{server.HttpsPort}/team/p.git", "/host/token", null);
        var secrets = new Dictionary<string, string> { [SidecarContract.GitKeySecretName("ca-https")] = "tok123" };

        // Without --upstream-ca: git's default trust refuses the certificate ("server certificate verification failed"
        // with Debian's libcurl-gnutls, "SSL certificate problem" with OpenSSL's), and no request reaches the server.
        var untrusted = GitUpstream.Create(repo, state.Path, secrets);
        Assert.False(untrusted.UpstreamEnvironment.ContainsKey("GIT_SSL_CAINFO"));
        var refused = await LsRemoteAsync(untrusted, server.HttpsPort);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(refused.StandardError.Contains("certificate", StringComparison.Ordinal), refused.StandardError);
        Assert.DoesNotContain(server.Received, r => r.Path.StartsWith("/team/p.git", StringComparison.Ordinal));

        // With it: the TLS handshake succeeds and the request, with the gate's credential, reaches the server (which is
        // no git server, so git then fails on the answer, not on TLS).
        File.Copy(server.CaPemPath, state.Combine(SidecarContract.UpstreamCaFile));
        var trusted = GitUpstream.Create(repo, state.Path, secrets);
        var bundle = trusted.UpstreamEnvironment["GIT_SSL_CAINFO"]!;
        var served = await LsRemoteAsync(trusted, server.HttpsPort);
        Assert.False(served.StandardError.Contains("certificate", StringComparison.Ordinal), served.StandardError);
        var request = Assert.Single(server.Received, r => r.Path == "/team/p.git/info/refs");
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:tok123")), request.Headers["Authorization"]);

        // The bundle adds to the system's roots rather than replacing them (http.sslCAInfo replaces libcurl's default).
        var text = File.ReadAllText(bundle);
        Assert.Contains(File.ReadAllText(server.CaPemPath).Trim(), text, StringComparison.Ordinal);
        if (GitUpstream.SystemCaBundles.FirstOrDefault(File.Exists) is { } system)
        {
            Assert.StartsWith(File.ReadAllText(system).TrimEnd(), text, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundle));
        }
    }
}
