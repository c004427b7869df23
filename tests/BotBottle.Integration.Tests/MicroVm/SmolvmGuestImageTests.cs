using BotBottle.Assets;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Docker.Images;
using BotBottle.Backends.Provisioning;
using BotBottle.Backends.Smolmachines;
using BotBottle.Tests.Docker;
using Docker.DotNet.Models;

namespace BotBottle.Tests.MicroVm;

/// <summary>
/// The smolmachines guest image and the privilege drop, on the real Docker engine. smolvm runs OCI images and its
/// <c>machine exec</c> runs commands as the image's <c>USER</c> with no user option (smolvm v1.9.3
/// <c>src/cli/machine.rs</c> ExecCmd), so a container started from the same image without a user is what an exec
/// in the micro-VM sees: root, and the agent only behind <see cref="SmolvmCommands.AsAgent"/>.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class SmolvmGuestImageTests(EngineFixture fx)
{
    private static CancellationToken Timeout(int seconds = 900) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Guest_image_runs_execs_as_root_and_the_drop_runs_them_as_the_agent_without_root_rights()
    {
        var builder = new ImageBuilder(fx.Engine, ExtraCertificates.None);
        var agent = await builder.EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout()); // USER agent, uid 1000
        var guest = await DockerSidecar.EnsureRootGuestImageAsync(builder, AssetLocator.Default, agent.Tag, null, Timeout());
        Assert.StartsWith("bot-bottle/smolvm-guest:", guest.Tag, StringComparison.Ordinal);

        var id = await fx.Engine.CreateContainerAsync(fx.Name("smolvm-guest"), new CreateContainerParameters { Image = guest.Tag, Cmd = ["sleep", "infinity"], Labels = fx.Labels }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        async Task<ExecResult> Exec(IReadOnlyList<string> argv) => await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = [.. argv] }, null, Timeout(60));

        // What 'smolvm machine exec -- id -u' gets: the image's user, root.
        Assert.Equal("0\n", (await Exec(["id", "-u"])).StdOut);

        // What an agent command gets: the agent's uid, gid and groups, and no root rights.
        var asAgent = await Exec(SmolvmCommands.AsAgent(1000, ["sh", "-c", "id -u; id -g; id -un; touch /root/probe 2>/dev/null && echo wrote || echo denied"]));
        Assert.Equal("1000\n1000\nagent\ndenied\n", asAgent.StdOut);
        Assert.Equal(0, asAgent.ExitCode);

        // The hosts entry for the sidecar is replaced, not added twice, when the address changes (resume).
        var provisioner = new GuestProvisioner(new RootOnlyChannel(fx.Engine, id));
        await provisioner.AddHostEntryAsync("sidecar", "10.214.9.2", Timeout(60));
        await provisioner.AddHostEntryAsync("sidecar", "10.214.9.2", Timeout(60));
        await provisioner.AddHostEntryAsync("sidecar", "10.214.9.7", Timeout(60));
        Assert.Equal("10.214.9.7 sidecar\n", (await Exec(["sh", "-c", "grep -w sidecar /etc/hosts"])).StdOut);
        Assert.Equal("10.214.9.7\n", (await Exec(["sh", "-c", "getent hosts sidecar | cut -d' ' -f1"])).StdOut);
        Assert.Contains("localhost", (await Exec(["cat", "/etc/hosts"])).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_image_without_setpriv_is_refused_when_the_guest_image_is_built()
    {
        using var ctx = new TempDirectory("bbnosetpriv");
        ctx.WriteFile("Dockerfile", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN rm -f /usr/bin/setpriv\n");
        var builder = new ImageBuilder(fx.Engine, ExtraCertificates.None);
        var agent = await builder.EnsureAsync(new ImageSpec { Recipe = "test-no-setpriv", ContextDirectory = ctx.Path }, null, Timeout());
        var ex = await Assert.ThrowsAsync<DockerBuildException>(() => DockerSidecar.EnsureRootGuestImageAsync(builder, AssetLocator.Default, agent.Tag, null, Timeout()));
        Assert.Contains("setpriv (util-linux) is not in the agent image", ex.Message + ex.OutputTail, StringComparison.Ordinal);
    }

    /// <summary>A guest channel whose commands run as the image's user (root), as smolvm's exec does.</summary>
    private sealed class RootOnlyChannel(IDockerEngine engine, string container) : IGuestChannel
    {
        public Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public async Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken)
        {
            var r = await engine.ExecAsync(container, new ContainerExecCreateParameters { Cmd = [.. user == GuestUser.Agent ? SmolvmCommands.AsAgent(1000, argv) : argv] }, null, cancellationToken);
            return new GuestCommandResult(r.ExitCode, r.StdOut, r.StdErr);
        }
    }
}
