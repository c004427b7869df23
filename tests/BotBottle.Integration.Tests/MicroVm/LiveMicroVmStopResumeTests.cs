using BotBottle.Backends;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Tests.Bottles;
using Xunit.Abstractions;

namespace BotBottle.Tests.MicroVm;

/// <summary>
/// Live checks of what the real tools could break and the fakes cannot show: agent commands run as the agent (the
/// smolvm privilege drop), root commands as root, the sidecar resolves by name to its recorded address, and the
/// bottle works again after stop and resume (on macos-container the sidecar may come back at another address).
/// They run where <c>smolvm</c> (with KVM) or Apple <c>container</c> (macOS 26) is installed and are skipped with
/// the reason elsewhere. On such a host:
/// <c>dotnet test tests/BotBottle.Integration.Tests -c Release --filter "FullyQualifiedName~LiveMicroVm"</c>
/// (docs/backends.md, "Checking a backend on a real host").
/// </summary>
[Collection(BottleCollection.Name)]
public sealed class LiveMicroVmStopResumeTests(BottleHome home, ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("smolmachines")]
    [InlineData("macos-container")]
    public async Task Agent_identity_sidecar_name_and_stop_resume_work_on_the_real_tool(string backend)
    {
        var ready = await home.Services.Backends.Get(backend).CheckAsync(default);
        Skip.IfNot(ready.Ready, $"{backend} backend not available on this host: {string.Join(" ", ready.Problems)}");
        output.WriteLine(ready.Summary);

        var bottle = await home.StartOnAsync(backend);
        try
        {
            Assert.NotEqual("0", (await home.ShAsync(bottle.Name, "id -u")).StandardOutput.Trim());
            var root = await home.Services.Bottles.ExecAsync(bottle.Name, new BottleExecRequest { Command = ["id", "-u"], AsRoot = true }, null, default);
            Assert.Equal("0", root.StandardOutput.Trim());
            await AssertSidecarReachableAsync(bottle.Name);

            var stopped = await home.Services.Bottles.StopAsync(bottle.Name, default);
            Assert.Equal(BottleState.Stopped, stopped.State);
            var resumed = await home.Services.Bottles.StartAsync(bottle.Name, BottleHome.Secrets, home.StartOptions, null, default);
            Assert.Equal(BottleState.Running, resumed.State);
            await AssertSidecarReachableAsync(bottle.Name);
        }
        finally
        {
            await home.Services.Bottles.RemoveAsync(bottle.Name, force: true, default);
        }
    }

    private async Task AssertSidecarReachableAsync(string name)
    {
        var recorded = home.Services.Bottles.Store.Load(name).Runtime.SidecarAddress;
        var resolved = await home.ShAsync(name, "getent hosts sidecar | cut -d' ' -f1");
        Assert.Equal(recorded, resolved.StandardOutput.Trim());
        var allowed = await home.ShAsync(name, $"curl -sS -o /dev/null -w '%{{http_code}}' {home.UpstreamUrl("/ok")}");
        Assert.Equal("200", allowed.StandardOutput.Trim());
    }
}
