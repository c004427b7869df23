using BotBottle.Backends;
using BotBottle.Manifest;
using BotBottle.Processes;
using BotBottle.Sidecar.GitGate;

namespace BotBottle.Tests;

/// <summary>
/// The git gate's host-key pinning as behaviour: the gate's own ssh setup (<see cref="GitUpstream.Create"/>: the
/// pinned known_hosts line, <c>StrictHostKeyChecking=yes</c>, no global known hosts) with real OpenSSH and real git
/// against a real sshd (<see cref="SshdUpstream"/>). A server presenting another key than the pin is refused before
/// authentication; the pinned key is accepted (control).
/// </summary>
public sealed class GitHostKeyPinningTests
{
    private static CancellationToken Timeout(int seconds = 900) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static async Task<ProcessResult> LsRemoteAsync(SshdUpstream sshd, string name, string hostKey)
    {
        var repo = new GitRepository(name, sshd.Url, "/host/key", hostKey);
        var upstream = GitUpstream.Create(repo, "/state", new Dictionary<string, string> { [SidecarContract.GitKeySecretName(name)] = sshd.PrivateKey });
        return await ProcessRunner.Default.RunAsync(new ProcessSpec("git", ["ls-remote", sshd.Url]) { Environment = upstream.UpstreamEnvironment }, cancellationToken: Timeout(120));
    }

    [Fact]
    public async Task A_server_whose_host_key_differs_from_the_pin_is_refused_and_the_pinned_key_is_accepted()
    {
        await using var sshd = await SshdUpstream.StartAsync(Timeout());

        // Control: pinned to the server's real key, the gate's ssh authenticates and git lists the branch.
        var pinned = await LsRemoteAsync(sshd, "pin-ok", sshd.HostKeyPin);
        Assert.True(pinned.ExitCode == 0, pinned.StandardError);
        Assert.Contains("refs/heads/main", pinned.StandardOutput, StringComparison.Ordinal);

        // Pinned to another (valid) key: a server that is not the pinned one — a spoofed address, a changed host.
        using var other = new TempDirectory("bbkey");
        await SshdUpstream.GenerateKeyAsync(other.Combine("k"), "someone-else");
        var wrongPin = string.Join(' ', File.ReadAllText(other.Combine("k.pub")).Trim().Split(' ').Take(2));
        var refused = await LsRemoteAsync(sshd, "pin-wrong", wrongPin);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Host key verification failed", refused.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("refs/heads/main", refused.StandardOutput, StringComparison.Ordinal);
    }
}
