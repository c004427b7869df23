using System.Text;
using BotBottle.Backends;
using BotBottle.Manifest;
using BotBottle.Sidecar.GitGate;

namespace BotBottle.Tests;

/// <summary>The git gate's small pure pieces: pinned known_hosts lines, pkt-lines, shell quoting, credential setup.</summary>
public sealed class GitGateUnitTests
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIBkmy7/p+tAKC6qKg5fQ/OqS8Su5hSuczxlIyQyzCJD";

    [Theory]
    [InlineData("ssh://git@git.example.com/team/p.git", Key, "git.example.com " + Key)]
    [InlineData("ssh://git@git.example.com:2222/team/p.git", Key, "[git.example.com]:2222 " + Key)]
    [InlineData("ssh://git@git.example.com/p.git", "other.host " + Key + " comment", "git.example.com " + Key)]
    public void Known_hosts_pin_the_key_to_the_urls_host_and_port(string url, string hostKey, string expected) =>
        Assert.Equal(expected, GitUpstream.KnownHostsLine(new Uri(url), hostKey));

    [Fact]
    public void A_host_key_without_type_and_body_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => GitUpstream.KnownHostsLine(new Uri("ssh://h/p.git"), "AAAA"));

    [Fact]
    public void Pkt_lines_carry_their_length_in_four_hex_digits()
    {
        Assert.Equal("001e# service=git-upload-pack\n", Encoding.ASCII.GetString(GitGateServer.PktLine("# service=git-upload-pack\n")));
        Assert.Equal("0008ERR ", Encoding.ASCII.GetString(GitGateServer.PktLine("ERR ")));
    }

    [Fact]
    public void Shell_quoting_survives_single_quotes() =>
        Assert.Equal("'/tmp/a'\\''b'", GitUpstream.Quote("/tmp/a'b"));

    [Fact]
    public void Ssh_credentials_go_to_private_files_and_strict_ssh_options()
    {
        var repo = new GitRepository("unit-ssh", "ssh://git@git.example.com:2222/p.git", "/host/key", Key);
        var secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----";
        var u = GitUpstream.Create(repo, "/state", new Dictionary<string, string> { [SidecarContract.GitKeySecretName("unit-ssh")] = secret });
        var ssh = u.UpstreamEnvironment["GIT_SSH_COMMAND"]!;
        foreach (var o in new[] { "IdentitiesOnly=yes", "StrictHostKeyChecking=yes", "BatchMode=yes", "ConnectTimeout=10", "GlobalKnownHostsFile=/dev/null", "-F /dev/null" })
        {
            Assert.Contains(o, ssh, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(secret, ssh, StringComparison.Ordinal);
        var keyFile = ssh.Split(' ')[4].Trim('\'');
        Assert.Equal(secret + "\n", File.ReadAllText(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        Assert.Equal(Path.Combine("/state", "git", "unit-ssh.git"), u.MirrorPath);
    }

    [Fact]
    public void Https_tokens_become_an_authorization_header_in_config_variables()
    {
        var repo = new GitRepository("unit-https", "https://git.example.com/p.git", "/host/token", null);
        var u = GitUpstream.Create(repo, "/state", new Dictionary<string, string> { [SidecarContract.GitKeySecretName("unit-https")] = "tok123\n" });
        Assert.Equal("http.extraHeader", u.UpstreamEnvironment["GIT_CONFIG_KEY_0"]);
        Assert.Equal("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:tok123")), u.UpstreamEnvironment["GIT_CONFIG_VALUE_0"]);
        Assert.False(u.UpstreamEnvironment.ContainsKey("GIT_SSH_COMMAND"));
    }

    [Fact]
    public void A_repository_without_its_credential_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => GitUpstream.Create(new GitRepository("none", "https://h/p.git", "/k", null), "/state", new Dictionary<string, string>()));

    [Fact]
    public void Credential_secret_names_are_distinct_and_valid_variable_names()
    {
        Assert.Equal("GIT_GATE_KEY_612E62", SidecarContract.GitKeySecretName("a.b"));
        Assert.NotEqual(SidecarContract.GitKeySecretName("a.b"), SidecarContract.GitKeySecretName("a_b"));
    }
}
