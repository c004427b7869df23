using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Docker.Images;
using BotBottle.Processes;
using Docker.DotNet.Models;

namespace BotBottle.Tests;

/// <summary>
/// A real SSH git upstream: <c>sshd</c> from Debian's openssh-server in a container built from the local base image,
/// with a host key and an authorized client key generated for the run, and a bare repository
/// <c>/srv/project.git</c> owned by user <c>git</c> holding one commit on <c>main</c>. Reached from the host on the
/// engine's default bridge. The git gate's integration fixture builds the same image (<see cref="Dockerfile"/>).
/// </summary>
public sealed class SshdUpstream : IAsyncDisposable
{
    /// <summary>The upstream image: packages only (cached by content hash); keys and repository are set at run time.</summary>
    public const string Dockerfile = """
        ARG BASE_IMAGE=debian:bookworm-slim
        FROM ${BASE_IMAGE}
        ARG DEBIAN_FRONTEND=noninteractive
        RUN apt-get update \
         && apt-get install -y --no-install-recommends openssh-server git \
         && rm -rf /var/lib/apt/lists/* \
         && mkdir -p /run/sshd \
         && useradd --create-home --shell /bin/sh git && usermod -p '*' git
        """;

    private readonly TempDirectory _dir;

    private SshdUpstream(TempDirectory dir, IDockerEngine engine, string id, string address)
    {
        _dir = dir;
        Engine = engine;
        ContainerId = id;
        Address = address;
    }

    internal IDockerEngine Engine { get; }

    public string ContainerId { get; }

    /// <summary>The container's address on the default bridge.</summary>
    public string Address { get; }

    /// <summary>The client's private key (OpenSSH format), authorized for user <c>git</c>.</summary>
    public string PrivateKey => File.ReadAllText(_dir.Combine("id"));

    /// <summary>The server's host key as <c>type base64</c>, the form a manifest's <c>host_key</c> pins.</summary>
    public string HostKeyPin => string.Join(' ', File.ReadAllText(_dir.Combine("host.pub")).Trim().Split(' ').Take(2));

    public string Url => $"ssh://git@{Address}/srv/project.git";

    /// <summary>Generates an ed25519 key pair with ssh-keygen into <paramref name="path"/> (and <c>.pub</c>).</summary>
    public static async Task GenerateKeyAsync(string path, string comment)
    {
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", comment, "-f", path]));
        Assert.True(r.ExitCode == 0, "ssh-keygen (openssh-client) is needed on the test host: " + r.StandardError);
    }

    public static async Task<SshdUpstream> StartAsync(CancellationToken ct)
    {
        var dir = new TempDirectory("bbsshd");
        await GenerateKeyAsync(dir.Combine("id"), "gate-client-key");
        await GenerateKeyAsync(dir.Combine("host"), "upstream-host-key");
        var engine = DockerEngineClient.FromEnvironment();
        Directory.CreateDirectory(dir.Combine("image"));
        File.WriteAllText(dir.Combine("image", "Dockerfile"), Dockerfile);
        var image = await new ImageBuilder(engine, ExtraCertificates.None).EnsureAsync(new ImageSpec { Recipe = "test-sshd", ContextDirectory = dir.Combine("image") }, null, ct);
        var id = await engine.CreateContainerAsync("bbtest-sshd-" + Guid.NewGuid().ToString("N")[..8], new CreateContainerParameters
        {
            Image = image.Tag,
            Env = [$"HOST_KEY={File.ReadAllText(dir.Combine("host"))}", $"AUTH_KEY={File.ReadAllText(dir.Combine("id.pub")).Trim()}"],
            Cmd = ["sh", "-c", """
                set -e
                printf '%s\n' "$HOST_KEY" > /etc/ssh/ssh_host_ed25519_key && chmod 600 /etc/ssh/ssh_host_ed25519_key
                mkdir -p /home/git/.ssh && printf '%s\n' "$AUTH_KEY" > /home/git/.ssh/authorized_keys
                chown -R git:git /home/git/.ssh && chmod 700 /home/git/.ssh && chmod 600 /home/git/.ssh/authorized_keys
                mkdir -p /srv && git init -q --bare /srv/project.git && git --git-dir=/srv/project.git symbolic-ref HEAD refs/heads/main
                w=$(mktemp -d) && git -C $w init -q && git -C $w -c user.name=Seeder -c user.email=seed@example.com commit -q --allow-empty -m initial
                git -C $w push -q /srv/project.git HEAD:refs/heads/main && chown -R git:git /srv/project.git
                exec /usr/sbin/sshd -D -e -o HostKey=/etc/ssh/ssh_host_ed25519_key -o PasswordAuthentication=no -o UsePAM=no
                """],
            Labels = new Dictionary<string, string> { ["dev.botbottle.test"] = "sshd-upstream" },
        }, ct);
        try
        {
            await engine.StartContainerAsync(id, ct);
            var address = (await engine.InspectContainerAsync(id, ct))?.NetworkSettings?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(a => !string.IsNullOrEmpty(a));
            Assert.False(string.IsNullOrEmpty(address), "the sshd container has no address on the default bridge");

            // sshd is up once it accepts TCP on port 22 (it logs to stderr only); the setup above ran before it.
            for (var i = 0; ; i++)
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                try
                {
                    await tcp.ConnectAsync(System.Net.IPAddress.Parse(address!), 22, ct);
                    break;
                }
                catch (System.Net.Sockets.SocketException) when (i < 600)
                {
                    await Task.Delay(100, ct);
                }
            }

            return new SshdUpstream(dir, engine, id, address!);
        }
        catch
        {
            await engine.RemoveContainerAsync(id, true, true, true, CancellationToken.None);
            engine.Dispose();
            dir.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.RemoveContainerAsync(ContainerId, true, true, true, CancellationToken.None);
        Engine.Dispose();
        _dir.Dispose();
    }
}
