using BotBottle.Backends.Docker;
using BotBottle.Instances;
using BotBottle.Planning;

namespace BotBottle.Tests.Bottles;

[Collection(BottleCollection.Name)]
public class DockerBottleLifecycleTests(BottleHome home)
{
    private static CancellationToken Timeout(int seconds = 600) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>The host's address on the bottle's internal network (its gateway), where the test upstream listens too.</summary>
    private async Task<string> GatewayAsync(string bottle)
    {
        var config = (await home.Engine.InspectNetworkAsync(DockerBackend.InternalNetworkName(bottle), Timeout(60)))?.IPAM?.Config?.FirstOrDefault();
        var gateway = config?.Gateway;
        if (string.IsNullOrEmpty(gateway) && config?.Subnet is { } subnet)
        {
            // The engine gives the bridge the subnet's first address when the network names no gateway.
            var bytes = System.Net.IPAddress.Parse(subnet.Split('/')[0]).GetAddressBytes();
            bytes[3]++;
            gateway = new System.Net.IPAddress(bytes).ToString();
        }

        Assert.False(string.IsNullOrEmpty(gateway), "the bottle's internal network has no gateway address on the host");
        return gateway!;
    }

    /// <summary>Positive control: <paramref name="address"/>:<paramref name="port"/> accepts a connection from outside the bottle.</summary>
    private static async Task AssertAnswersOutsideAsync(string address, int port)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Parse(address), port, Timeout(30));
        Assert.True(tcp.Connected, $"control: {address}:{port} does not answer from outside the bottle");
    }

    [Fact]
    public async Task A_started_bottle_reaches_an_allowed_https_host_through_the_sidecar_and_nothing_else()
    {
        var b = await home.StartAsync(ct: Timeout());
        Assert.Equal(BottleState.Running, b.State);
        Assert.Equal("docker", b.Backend);
        Assert.Equal("running", b.Services["agent"]);
        Assert.Equal("running", b.Services["sidecar"]);

        // Allowed: TLS intercepted by the sidecar (the bottle CA is trusted inside), forwarded upstream.
        var ok = await home.ShAsync(b.Name, $"curl -sS --max-time 20 {home.UpstreamUrl("/from-bottle")}", Timeout(60));
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        Assert.Contains("\"path\":\"/from-bottle\"", ok.StandardOutput, StringComparison.Ordinal);

        // Unlisted host: the proxy's readable 403.
        var denied = await home.ShAsync(b.Name, "curl -sS --max-time 20 -w '\\n%{http_code}' https://unlisted.example/", Timeout(60));
        Assert.EndsWith("403", denied.StandardOutput.Trim(), StringComparison.Ordinal);
        Assert.Contains("no egress route allows unlisted.example", denied.StandardOutput, StringComparison.Ordinal);

        // IP literal through the proxy, and straight out without it: both fail. The direct probe targets a real
        // listener — the test upstream on the host, at the bottle network's gateway — that answers from outside the
        // bottle (control), so "no answer" means no route, not an offline host.
        var gateway = await GatewayAsync(b.Name);
        var literal = await home.ShAsync(b.Name, $"curl -sS --max-time 20 -w '\\n%{{http_code}}' http://{gateway}:{home.Upstream.HttpPort}/", Timeout(60));
        Assert.EndsWith("403", literal.StandardOutput.Trim(), StringComparison.Ordinal);
        await AssertAnswersOutsideAsync(gateway, home.Upstream.HttpPort);
        var direct = await home.ShAsync(b.Name, $"curl -sS --noproxy '*' --connect-timeout 4 --max-time 5 -o /dev/null -w '%{{http_code}}' http://{gateway}:{home.Upstream.HttpPort}/", Timeout(60));
        Assert.NotEqual(0, direct.ExitCode);
        Assert.Equal("000", direct.StandardOutput.Trim());

        // Both refusals reach the host's audit log (Get-BottleAuditLog / `bot-bottle audit`): the sidecar appends them
        // to its state folder in the background, so wait (bounded) for the import to show them.
        IReadOnlyList<Proposals.BottleAuditEntry> blocked = [];
        for (var i = 0; i < 60 && blocked.Count < 2; i++)
        {
            blocked = [.. home.Services.Proposals.Audit(b.Name).Where(e => e.Event == "egress-blocked")];
            if (blocked.Count < 2)
            {
                await Task.Delay(500);
            }
        }

        Assert.Contains(blocked, e => e.Detail.Contains("unlisted.example", StringComparison.Ordinal) && e.Detail.Contains("→ 403: policy/", StringComparison.Ordinal));
        Assert.Contains(blocked, e => e.Detail.StartsWith($"block GET http://{gateway}:{home.Upstream.HttpPort}/ → 403: policy/", StringComparison.Ordinal));
        Assert.All(blocked, e => Assert.Equal("egress-proxy", e.Actor));

        // The plan's literal env is there; the secret is a placeholder; the proxy points at the sidecar.
        var env = await home.ShAsync(b.Name, "printenv GREETING API_SECRET HTTPS_PROXY", Timeout(60));
        Assert.Equal("hello-from-the-plan\nbot-bottle-placeholder\nhttp://sidecar:3128\n", env.StandardOutput);

        // The route with auth: the upstream sees the real token the agent never had.
        var auth = await home.ShAsync(b.Name, $"curl -sS --max-time 20 -H 'Authorization: Bearer nope' https://auth.test:{home.Upstream.HttpsPort}/authed", Timeout(60));
        Assert.True(auth.ExitCode == 0, auth.StandardError);
        Assert.Equal("Bearer " + BottleHome.ApiSecret, home.Upstream.Last("/authed").Headers["Authorization"]);

        // The sidecar has a memory limit (a flood from the agent cannot take the host's memory).
        var sidecarInspect = await home.Engine.InspectContainerAsync(DockerBackend.SidecarName(b.Name), Timeout(60));
        Assert.Equal(DockerSidecar.SidecarMemoryLimitBytes, sidecarInspect!.HostConfig!.Memory);

        // The sidecar logs which flavour the image kept (the x86-64-v3 build where the engine's CPU starts it).
        var sidecarLog = await home.Engine.GetContainerLogsAsync(DockerBackend.SidecarName(b.Name), 1000, Timeout(60));
        Assert.Contains("bot-bottle-sidecar instruction set ", sidecarLog, StringComparison.Ordinal);

        // Without --cwd / -Path the workspace starts empty: nothing of the host is in it.
        var workspace = await home.ShAsync(b.Name, "ls -A /workspace | wc -l", Timeout(60));
        Assert.Equal("0\n", workspace.StandardOutput);
    }

    [Fact]
    public async Task The_project_is_copied_in_owned_by_the_agent_and_nothing_written_reaches_the_host()
    {
        var b = await home.StartOnAsync("docker", workspaceCopy: home.ProjectDirectory, ct: Timeout());
        var r = await home.ShAsync(b.Name, "cat /workspace/README.md; stat -c '%u' /workspace/README.md /workspace/.git/config; id -u; echo changed > /workspace/README.md && touch /workspace/.git/hooks/post-checkout && echo wrote", Timeout(60));
        var lines = r.StandardOutput.Split('\n');
        Assert.Equal("project file", lines[0]);
        Assert.Equal(lines[3], lines[1]); // owned by the agent user
        Assert.Equal(lines[3], lines[2]);
        Assert.Equal("wrote", lines[4]);
        Assert.Equal("project file\n", File.ReadAllText(Path.Combine(home.ProjectDirectory, "README.md")));
        Assert.False(File.Exists(Path.Combine(home.ProjectDirectory, ".git", "hooks", "post-checkout")));
    }

    [Fact]
    public async Task A_folder_that_contains_the_home_is_never_copied_in()
    {
        var before = (await home.Engine.ListContainersAsync([DockerDefaults.ManagedLabel], Timeout(60))).Count;
        var ex = await Assert.ThrowsAsync<Errors.BotBottleException>(() => home.StartOnAsync("docker", workspaceCopy: home.Root, ct: Timeout()));
        Assert.Equal("WorkspaceRefused", ex.ErrorId);
        var inside = await Assert.ThrowsAsync<Errors.BotBottleException>(() => home.StartOnAsync("docker", workspaceCopy: Path.Combine(home.HomeDirectory, "bottles"), ct: Timeout()));
        Assert.Equal("WorkspaceRefused", inside.ErrorId);
        Assert.Equal(before, (await home.Engine.ListContainersAsync([DockerDefaults.ManagedLabel], Timeout(60))).Count);
    }

    [Fact]
    public async Task Another_home_on_the_same_engine_never_sees_this_homes_bottles_as_orphans_or_reuses_their_names()
    {
        var b = await home.StartAsync(ct: Timeout());
        var other = new BottleHome();
        await other.InitializeAsync();
        try
        {
            var orphans = await other.Services.Bottles.FindOrphansAsync(Timeout(60));
            Assert.DoesNotContain(orphans, o => o.Slug == b.Name);

            var clash = await Assert.ThrowsAsync<Errors.BotBottleException>(() => other.StartAsync(b.Name, Timeout()));
            Assert.Equal("BottleNameInUse", clash.ErrorId);

            // Removing the other home's instance of that name touches nothing of ours.
            await other.Services.Bottles.RemoveAsync(b.Name, force: true, Timeout(120));
            Assert.Equal(BottleState.Running, Assert.Single(await home.Services.Bottles.ListAsync(b.Name, Timeout(60))).State);
            Assert.Equal(0, (await home.ShAsync(b.Name, "true", Timeout(60))).ExitCode);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stop_keeps_state_start_resumes_and_remove_leaves_nothing()
    {
        var b = await home.StartAsync(ct: Timeout());
        var write = await home.ShAsync(b.Name, "echo kept > /home/agent/note.txt", Timeout(60));
        Assert.Equal(0, write.ExitCode);

        var stopped = await home.Services.Bottles.StopAsync(b.Name, Timeout(120));
        Assert.Equal(BottleState.Stopped, stopped.State);
        var notRunning = await Assert.ThrowsAsync<Errors.BotBottleException>(() => home.ShAsync(b.Name, "true", Timeout(60)));
        Assert.Equal("BottleNotRunning", notRunning.ErrorId);

        var resumed = await home.Services.Bottles.StartAsync(b.Name, BottleHome.Secrets, home.StartOptions, null, Timeout());
        Assert.Equal(BottleState.Running, resumed.State);
        Assert.Equal("kept\n", (await home.ShAsync(b.Name, "cat /home/agent/note.txt", Timeout(60))).StandardOutput);
        var again = await home.ShAsync(b.Name, $"curl -sS --max-time 20 -o /dev/null -w '%{{http_code}}' {home.UpstreamUrl("/after-resume")}", Timeout(60));
        Assert.Equal("200", again.StandardOutput);

        // The restarted agent got a new network namespace: its firewall was installed again (the host's listener on
        // the network's gateway stays out of reach; the sandbox-escape suite holds the positive control).
        var gateway = await GatewayAsync(b.Name);
        await AssertAnswersOutsideAsync(gateway, home.Upstream.HttpPort);
        var host = await home.ShAsync(b.Name, $"curl -sS --noproxy '*' --connect-timeout 4 --max-time 6 -o /dev/null -w '%{{http_code}}' http://{gateway}:{home.Upstream.HttpPort}/ 2>/dev/null; true", Timeout(60));
        Assert.Equal("000", host.StandardOutput);

        var running = await Assert.ThrowsAsync<Errors.BotBottleException>(() => home.Services.Bottles.RemoveAsync(b.Name, force: false, Timeout(120)));
        Assert.Equal("BottleRunning", running.ErrorId);

        await home.Services.Bottles.RemoveAsync(b.Name, force: true, Timeout(120));
        var label = $"dev.botbottle.slug={b.Name}";
        Assert.Empty(await home.Engine.ListContainersAsync([label], Timeout(60)));
        Assert.Empty(await home.Engine.ListNetworksAsync([label], Timeout(60)));
        Assert.Empty(await home.Engine.ListVolumesAsync([label], Timeout(60)));
        Assert.False(Directory.Exists(b.StateDirectory));
        Assert.Empty(await home.Services.Bottles.ListAsync(b.Name, Timeout(60)));
    }

    [Fact]
    public async Task Two_bottles_run_at_once_and_cannot_reach_each_other()
    {
        var a = home.StartAsync(ct: Timeout());
        var c = home.StartAsync(ct: Timeout());
        var (one, two) = (await a, await c);
        var twoRecord = home.Services.Bottles.Store.Load(two.Name);
        var twoAddress = twoRecord.Runtime.AgentAddress!;
        var twoSidecar = twoRecord.Runtime.SidecarAddress!;

        // A real listener in bottle two: git daemon on every address, port 9418 (control: it listens).
        var listen = await home.ShAsync(two.Name, "git daemon --reuseaddr --listen=0.0.0.0 --port=9418 --base-path=/tmp --detach --pid-file=/tmp/gitd.pid && for i in $(seq 1 100); do grep -q ':24CA 00000000:0000 0A' /proc/net/tcp && echo LISTENING && break; sleep 0.1; done", Timeout(60));
        Assert.Equal("LISTENING\n", listen.StandardOutput);

        // Not directly (different internal networks, no route), not by name, not through the proxy.
        var direct = await home.ShAsync(one.Name, $"timeout 5 bash -c 'exec 3<>/dev/tcp/{twoAddress}/9418' && echo OPEN || echo CLOSED", Timeout(60));
        Assert.Equal("CLOSED\n", direct.StandardOutput);
        var sidecar = await home.ShAsync(one.Name, $"timeout 5 bash -c 'exec 3<>/dev/tcp/{twoSidecar}/3128' && echo OPEN || echo CLOSED", Timeout(60));
        Assert.Equal("CLOSED\n", sidecar.StandardOutput);
        var byName = await home.ShAsync(one.Name, $"getent hosts {DockerBackend.AgentName(two.Name)} || echo UNRESOLVED", Timeout(60));
        Assert.Equal("UNRESOLVED\n", byName.StandardOutput);
        var viaProxy = await home.ShAsync(one.Name, $"curl -sS --max-time 10 -o /dev/null -w '%{{http_code}}' http://{twoAddress}/", Timeout(60));
        Assert.Equal("403", viaProxy.StandardOutput);

        var list = await home.Services.Bottles.ListAsync("tester-*", Timeout(60));
        Assert.Contains(list, x => x.Name == one.Name && x.State == BottleState.Running);
        Assert.Contains(list, x => x.Name == two.Name && x.State == BottleState.Running);
    }
}
