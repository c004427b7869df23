using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using BotBottle.Assets;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Docker.Images;
using BotBottle.Backends.Provisioning;
using BotBottle.Egress;
using BotBottle.Errors;
using BotBottle.Operations;
using Docker.DotNet.Models;

namespace BotBottle.Tests.Docker;

[Collection(EngineCollection.Name)]
public class ImageAndProvisioningTests(EngineFixture fx)
{
    private static CancellationToken Timeout(int seconds = 600) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Recipes_build_once_and_are_reused_by_content_hash()
    {
        var builder = new ImageBuilder(fx.Engine, ExtraCertificates.None);
        var lines = new List<OperationProgress>();
        var first = await builder.EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, new SyncProgress(lines), Timeout());
        var again = await builder.EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout());
        Assert.Equal(first.Tag, again.Tag);
        Assert.False(again.Built);
        Assert.StartsWith("bot-bottle/shell:", first.Tag, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Completed);

        var sidecar = await builder.EnsureRecipeAsync("sidecar", AssetLocator.Default, fx.BaseImage, null, Timeout());
        Assert.StartsWith("bot-bottle/sidecar:", sidecar.Tag, StringComparison.Ordinal);
        var id = await fx.Engine.CreateContainerAsync(fx.Name("sidecar-version"), new CreateContainerParameters { Image = sidecar.Tag, Cmd = ["--version"], Labels = fx.Labels }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        Assert.Equal(0, await fx.Engine.WaitContainerAsync(id, Timeout()));
        Assert.StartsWith(RepoPaths.Version, (await fx.Engine.GetContainerLogsAsync(id, 10, Timeout())).Trim(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The shipped sidecar image on this engine carries exactly one binary, the flavour the engine's CPU runs: the
    /// x86-64-v3 NativeAOT build where the CPU has AVX2 and the rest of x86-64-v3 (this test process is JIT-compiled,
    /// so its <c>IsSupported</c> answers are the CPU's), else the baseline; asked of the binary in the image. The image
    /// stays within the 60 MB budget (uncompressed, as <c>docker image inspect</c> counts it).
    /// </summary>
    [SkippableFact]
    public async Task The_sidecar_image_carries_the_flavour_the_engine_cpu_runs_and_only_that_one()
    {
        Skip.IfNot(RuntimeInformation.OSArchitecture == Architecture.X64, "the x86-64-v3 flavour exists for linux-x64 only");
        Assert.NotNull(AssetLocator.Default.SidecarX8664V3Binary("linux-x64")); // built next to the baseline wherever NativeAOT is used
        var image = await new ImageBuilder(fx.Engine, ExtraCertificates.None).EnsureRecipeAsync("sidecar", AssetLocator.Default, fx.BaseImage, null, Timeout());

        var output = await RunInImageAsync(image.Tag, "sidecar-flavour", SidecarProbeScript);
        var cpuRunsV3 = Avx2.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported && Fma.IsSupported && Lzcnt.IsSupported;
        Assert.Contains(cpuRunsV3 ? "instruction set x86-64-v3;" : "instruction set baseline;", output, StringComparison.Ordinal);
        Assert.Contains($"Vector256.IsHardwareAccelerated={cpuRunsV3}", output, StringComparison.Ordinal);
        Assert.Equal(["file /usr/local/bin/bot-bottle-sidecar"], output.Split('\n').Where(l => l.StartsWith("file ", StringComparison.Ordinal)));

        var size = (await fx.Engine.InspectImageAsync(image.Tag, Timeout(60)))!.Size;
        Assert.True(size <= 60_000_000, $"the sidecar image is {size / 1e6:0.0} MB, over the 60 MB budget");
    }

    /// <summary>
    /// The Dockerfile's selection given an x86-64-v3 flavour that cannot start, as on a CPU without AVX2 (where the
    /// NativeAOT runtime refuses the binary and exits non-zero before any managed code runs): the image gets the
    /// baseline, and the build output says why.
    /// </summary>
    [Fact]
    public async Task A_v3_flavour_that_does_not_start_leaves_the_baseline_in_the_sidecar_image()
    {
        var rid = await new ImageBuilder(fx.Engine, ExtraCertificates.None).LinuxRuntimeIdentifierAsync(Timeout(60));
        // Stands in for the v3 binary on a CPU without AVX2: it prints the NativeAOT runtime's own refusal (the string in
        // the published bot-bottle-sidecar-x86-64-v3) and dies before any managed code runs.
        var refused = "#!/bin/sh\necho 'The required instruction sets are not supported by the current CPU.' >&2\nkill -ABRT $$\n";
        var spec = new ImageSpec
        {
            Recipe = "sidecar-flavour-fallback",
            ContextDirectory = AssetLocator.Default.RecipeDirectory("sidecar"),
            BaseImage = fx.BaseImage,
            ExtraFiles = new Dictionary<string, byte[]>
            {
                ["bot-bottle-sidecar"] = await File.ReadAllBytesAsync(AssetLocator.Default.SidecarBinary(rid)),
                [AssetLocator.SidecarX8664V3FileName] = System.Text.Encoding.ASCII.GetBytes(refused + $"# {Guid.NewGuid():N}\n"),
            },
        };
        var lines = new List<OperationProgress>();
        var image = await new ImageBuilder(fx.Engine, ExtraCertificates.None).EnsureAsync(spec, new SyncProgress(lines), Timeout());
        try
        {
            Assert.True(image.Built);
            Assert.Contains(lines, l => l.Status.Contains("the x86-64-v3 flavour does not start on this CPU, using the baseline", StringComparison.Ordinal));
            var output = await RunInImageAsync(image.Tag, "sidecar-fallback", SidecarProbeScript);
            Assert.Contains(RepoPaths.Version, output, StringComparison.Ordinal);
            Assert.DoesNotContain("instruction set x86-64-v3", output, StringComparison.Ordinal);
            Assert.Equal(["file /usr/local/bin/bot-bottle-sidecar"], output.Split('\n').Where(l => l.StartsWith("file ", StringComparison.Ordinal)));
        }
        finally
        {
            await fx.Engine.RemoveImageAsync(image.Tag, force: true, ignoreMissing: true, Timeout(60));
        }
    }

    /// <summary>Lists every sidecar binary in the image (the final image must hold exactly one) and asks it for its version and flavour.</summary>
    private const string SidecarProbeScript =
        "for f in /usr/local/bin/bot-bottle-sidecar* /usr/local/lib/bot-bottle/flavours/*; do [ -e \"$f\" ] && echo \"file $f\"; done; " +
        "/usr/local/bin/bot-bottle-sidecar --version";

    private async Task<string> RunInImageAsync(string image, string name, string script)
    {
        var id = await fx.Engine.CreateContainerAsync(fx.Name(name), new CreateContainerParameters { Image = image, Entrypoint = ["/bin/sh", "-c"], Cmd = [script], Labels = fx.Labels }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        Assert.Equal(0, await fx.Engine.WaitContainerAsync(id, Timeout()));
        return await fx.Engine.GetContainerLogsAsync(id, 50, Timeout());
    }

    [Fact]
    public async Task Extra_cas_the_operator_configures_are_trusted_inside_built_images()
    {
        using var dir = new TempDirectory();
        using var corporate = CertificateAuthority.Create("Example Corp TLS Inspection CA");
        var pem = dir.WriteFile("corp.pem", corporate.CertificatePem);
        var builder = new ImageBuilder(fx.Engine, ExtraCertificates.FromFiles([pem]));
        var image = await builder.EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout());
        var plain = await new ImageBuilder(fx.Engine, ExtraCertificates.None).EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout());
        Assert.NotEqual(plain.Tag, image.Tag); // the CA is part of the content hash

        var id = await fx.Engine.CreateContainerAsync(fx.Name("corp-ca"), new CreateContainerParameters { Image = image.Tag, Labels = fx.Labels }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        var body = corporate.CertificatePem.Split('\n')[2];
        var r = await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = ["grep", "-cF", body, "/etc/ssl/certs/ca-certificates.crt"] }, null, Timeout(60));
        Assert.Equal("1\n", r.StdOut);
    }

    [Fact]
    public async Task Provisioning_installs_the_ca_prompt_skills_git_identity_and_rewrites()
    {
        var image = await new ImageBuilder(fx.Engine, ExtraCertificates.None).EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout());
        var id = await fx.Engine.CreateContainerAsync(fx.Name("provision"), new CreateContainerParameters { Image = image.Tag, Labels = fx.Labels, User = "1000:1000" }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        var provisioner = new GuestProvisioner(new DockerGuestChannel(fx.Engine, id));
        using var ca = CertificateAuthority.Create("bottle CA for provisioning test");

        await provisioner.InstallCaAsync(ca.CertificatePem, Timeout(120));
        await provisioner.CopyPromptAsync("You are a careful agent.\n", "/home/agent/.claude/CLAUDE.md", Timeout(60));
        using var skills = new TempDirectory();
        skills.WriteFile("lint/SKILL.md", "# lint\nrun the linter\n");
        skills.WriteFile("lint/scripts/run.sh", "#!/bin/sh\necho lint\n");
        await provisioner.CopySkillsAsync([new GuestSkill("lint", skills.Combine("lint"))], "/home/agent/.claude/skills", Timeout(60));
        await provisioner.CopySkillsAsync([new GuestSkill("lint", skills.Combine("lint"))], "/home/agent/.claude/skills", Timeout(60)); // idempotent: cleared then copied
        await provisioner.ConfigureGitAsync(new GuestGitIdentity("Bot Agent", "agent@example.com"), [new GitRewrite("http://sidecar:9418/app.git", "git@github.com:org/app.git")], Timeout(60));

        async Task<string> Sh(string script) => (await fx.Engine.ExecAsync(id, new ContainerExecCreateParameters { Cmd = ["bash", "-c", script], User = "1000:1000", Env = ["HOME=/home/agent"] }, null, Timeout(60))).StdOut;
        Assert.Equal("You are a careful agent.\n", await Sh("cat /home/agent/.claude/CLAUDE.md"));
        Assert.Equal("agent\n", await Sh("stat -c %U /home/agent/.claude/CLAUDE.md"));
        Assert.Equal("# lint\nrun the linter\n", await Sh("cat /home/agent/.claude/skills/lint/SKILL.md"));
        Assert.Equal("lint\n", await Sh("ls /home/agent/.claude/skills"));
        Assert.Equal("Bot Agent\nagent@example.com\n", await Sh("git config --global user.name; git config --global user.email"));
        Assert.Equal("http://sidecar:9418/app.git\n", await Sh("git config --global --get-regexp '^url\\..*\\.insteadof$' | grep -c . >/dev/null && git ls-remote --get-url git@github.com:org/app.git"));
        Assert.Equal("root\n", await Sh("stat -c %U /home"));

        var missing = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.CopySkillsAsync([new GuestSkill("ghost", skills.Combine("ghost"))], "/home/agent/.claude/skills", Timeout(60)));
        Assert.Equal("skills", missing.Step);
        Assert.Contains("ghost", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_that_meets_an_untrusted_certificate_says_which_CA_setting_to_use()
    {
        // A TLS server on the engine host with a certificate from a CA the image does not trust — what a corporate
        // TLS-intercepting proxy looks like to a build. curl inside the build fails verification; the error must
        // point at the CA settings. Positive control: the same build with that CA as an extra CA succeeds.
        using var proxyCa = CertificateAuthority.Create("Example Corp Intercepting Proxy CA");
        // The engine reports the default bridge's gateway only when it was configured; after a dockerd restart it is
        // often absent (empty). Docker then uses the subnet's first address, as for docker0.
        var ipam = (await fx.Engine.InspectNetworkAsync("bridge", Timeout(60)))?.IPAM?.Config?.FirstOrDefault();
        var gateway = ipam?.Gateway is { Length: > 0 } g ? g : ipam?.Subnet is { Length: > 0 } subnet ? FirstHost(subnet) : "172.17.0.1";
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = proxyCa.MintLeaf(gateway, leafKey);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var serving = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!serving.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(serving.Token);
                await using var tls = new System.Net.Security.SslStream(client.GetStream());
                try
                {
                    await tls.AuthenticateAsServerAsync(leaf);
                    var answer = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"u8.ToArray();
                    await tls.WriteAsync(answer, serving.Token);
                }
                catch (System.Security.Authentication.AuthenticationException)
                {
                    // The untrusting client hung up, as expected.
                }
                catch (IOException)
                {
                }
            }
        });

        using var context = new TempDirectory();
        var image = await new ImageBuilder(fx.Engine, ExtraCertificates.None).EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout());
        // As the shipped recipes do: the extra CAs arrive in extra-ca/ and are installed before anything fetches.
        context.WriteFile("Dockerfile", $"ARG BASE_IMAGE\nFROM {image.Tag}\nUSER root\nCOPY extra-ca/ /usr/local/share/ca-certificates/botbottle-extra/\n" +
            $"RUN update-ca-certificates >/dev/null && curl -sS --max-time 30 https://{gateway}:{port}/ && echo {Guid.NewGuid():N}\n");
        var home = new Configuration.BotBottleHome(context.Combine("home"));
        var spec = new ImageSpec { Recipe = "ca-probe", ContextDirectory = context.Path };
        var failed = await Assert.ThrowsAsync<DockerBuildException>(() => new ImageBuilder(fx.Engine, ExtraCertificates.None, home).EnsureAsync(spec, null, Timeout()));
        Assert.Contains("returned a non-zero code: 60", failed.Message, StringComparison.Ordinal); // curl's CURLE_PEER_FAILED_VERIFICATION
        Assert.NotNull(failed.Advice);
        Assert.Contains("BOT_BOTTLE_TRUST_HOST_CA=1", failed.Message, StringComparison.Ordinal);
        Assert.Contains("BOT_BOTTLE_EXTRA_CA_FILE", failed.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(home.Root, "ca-certificates"), failed.Message, StringComparison.Ordinal);

        var pem = context.WriteFile("proxy-ca.pem", proxyCa.CertificatePem);
        var built = await new ImageBuilder(fx.Engine, ExtraCertificates.FromFiles([pem]), home).EnsureAsync(spec, null, Timeout());
        Assert.True(built.Built);
        await serving.CancelAsync();
        listener.Stop();
        await Task.WhenAny(server, Task.Delay(TimeSpan.FromSeconds(30)));
        await fx.Engine.RemoveImageAsync(built.Tag, force: true, ignoreMissing: true, Timeout(60));
    }

    private sealed class SyncProgress(List<OperationProgress> list) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value)
        {
            lock (list)
            {
                list.Add(value);
            }
        }
    }

    /// <summary>The first host address of an IPv4 subnet in CIDR form (<c>172.17.0.0/16</c> → <c>172.17.0.1</c>).</summary>
    private static string FirstHost(string cidr)
    {
        var network = System.Net.IPAddress.Parse(cidr.Split('/')[0]).GetAddressBytes();
        network[3]++;
        return new System.Net.IPAddress(network).ToString();
    }
}
