using System.Security.Cryptography;
using BotBottle.Assets;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Docker.Images;
using BotBottle.Backends.Provisioning;
using BotBottle.Diagnostics;
using BotBottle.Egress;

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
        var id = await fx.Engine.CreateContainerAsync(fx.Name("sidecar-version"), new ContainerCreateRequest { Image = sidecar.Tag, Cmd = ["--version"], Labels = fx.Labels }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        Assert.Equal(0, await fx.Engine.WaitContainerAsync(id, "not-running", Timeout()));
        Assert.StartsWith(RepoPaths.Version, (await fx.Engine.GetContainerLogsAsync(id, 10, Timeout())).Trim(), StringComparison.Ordinal);
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

        var id = await fx.Engine.CreateContainerAsync(fx.Name("corp-ca"), new ContainerCreateRequest { Image = image.Tag, Labels = fx.Labels }, Timeout());
        await fx.Engine.StartContainerAsync(id, Timeout());
        var body = corporate.CertificatePem.Split('\n')[2];
        var r = await fx.Engine.ExecAsync(id, new ExecCreateRequest { Cmd = ["grep", "-cF", body, "/etc/ssl/certs/ca-certificates.crt"] }, null, Timeout(60));
        Assert.Equal("1\n", r.StdOut);
    }

    [Fact]
    public async Task Provisioning_installs_the_ca_prompt_skills_git_identity_and_rewrites()
    {
        var image = await new ImageBuilder(fx.Engine, ExtraCertificates.None).EnsureRecipeAsync("shell", AssetLocator.Default, fx.BaseImage, null, Timeout());
        var id = await fx.Engine.CreateContainerAsync(fx.Name("provision"), new ContainerCreateRequest { Image = image.Tag, Labels = fx.Labels, User = "1000:1000" }, Timeout());
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

        async Task<string> Sh(string script) => (await fx.Engine.ExecAsync(id, new ExecCreateRequest { Cmd = ["bash", "-c", script], User = "1000:1000", Env = ["HOME=/home/agent"] }, null, Timeout(60))).StdOut;
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
}
