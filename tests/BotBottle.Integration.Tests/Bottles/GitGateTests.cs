using System.Text.Json;
using BotBottle.Assets;
using BotBottle.Backends.Docker;
using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Docker.Images;
using BotBottle.Configuration;
using BotBottle.Dlp;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Processes;
using Docker.DotNet.Models;

namespace BotBottle.Tests.Bottles;

/// <summary>
/// A real upstream for the git gate: <c>sshd</c> (Debian's openssh-server) in a container built from the local base
/// image, with a bare repository <c>/srv/project.git</c> owned by user <c>git</c>, a host key and an authorized client
/// key generated for this run, seeded with a commit that already carries a credential. Then a <c>shell</c> bottle whose
/// <c>git-gate.repos.project</c> points at it over SSH with the pinned host key. The sshd container joins the bottle's
/// egress network as <c>git.test</c> (only the sidecar is on that network; the agent can never reach it).
/// </summary>
public sealed class GitGateHome : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("bbgate");

    public BotBottleServices Services { get; private set; } = null!;

    internal IDockerEngine Engine { get; } = DockerEngineClient.FromEnvironment();

    public string SshdId { get; private set; } = string.Empty;

    public Bottle Bottle { get; private set; } = null!;

    public string PrivateKey { get; private set; } = string.Empty;

    /// <summary>A credential committed to the upstream before the bottle existed.</summary>
    public string OldSecret { get; } = Token("ghp_", 11);

    public string Upstream => "ssh://git@git.test/srv/project.git";

    public string HomeDirectory => _dir.Combine("home");

    public string ProjectDirectory => _dir.Combine("project");

    /// <summary>A GitHub-shaped token with a valid checksum (made up from a seed; not a real credential).</summary>
    public static string Token(string prefix, int seed)
    {
        var random = RandomPart(seed);
        return prefix + random + Checksums.Base62Crc32(random);
    }

    private static string RandomPart(int seed)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var rnd = new Random(seed);
        return new string([.. Enumerable.Range(0, 30).Select(_ => alphabet[rnd.Next(alphabet.Length)])]);
    }

    private static CancellationToken Timeout(int seconds = 900) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ProjectDirectory);
        Directory.CreateDirectory(_dir.Combine("keys"));
        foreach (var (file, comment) in new[] { ("id", "bottle-gate-key"), ("host", "upstream-host-key") })
        {
            var r = await ProcessRunner.Default.RunAsync(new ProcessSpec("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", comment, "-f", _dir.Combine("keys", file)]), cancellationToken: Timeout());
            Assert.True(r.ExitCode == 0, "ssh-keygen (openssh-client) is needed on the test host: " + r.StandardError);
        }

        PrivateKey = File.ReadAllText(_dir.Combine("keys", "id"));
        var hostPub = File.ReadAllText(_dir.Combine("keys", "host.pub")).Trim();
        var hostKeyPin = string.Join(' ', hostPub.Split(' ').Take(2));

        // The upstream image (SshdUpstream's recipe): packages only, cached by content hash; keys and repository at run time.
        var ctx = _dir.Combine("sshd-image");
        Directory.CreateDirectory(ctx);
        File.WriteAllText(Path.Combine(ctx, "Dockerfile"), SshdUpstream.Dockerfile);
        var image = await new ImageBuilder(Engine, ExtraCertificates.None).EnsureAsync(new ImageSpec { Recipe = "test-sshd", ContextDirectory = ctx }, null, Timeout());
        SshdId = await Engine.CreateContainerAsync("bbtest-sshd-" + Guid.NewGuid().ToString("N")[..8], new CreateContainerParameters
        {
            Image = image.Tag,
            Env = [$"HOST_KEY={File.ReadAllText(_dir.Combine("keys", "host"))}", $"AUTH_KEY={File.ReadAllText(_dir.Combine("keys", "id.pub")).Trim()}"],
            Cmd = ["sh", "-c", """
                set -e
                printf '%s\n' "$HOST_KEY" > /etc/ssh/ssh_host_ed25519_key && chmod 600 /etc/ssh/ssh_host_ed25519_key
                mkdir -p /home/git/.ssh && printf '%s\n' "$AUTH_KEY" > /home/git/.ssh/authorized_keys
                chown -R git:git /home/git/.ssh && chmod 700 /home/git/.ssh && chmod 600 /home/git/.ssh/authorized_keys
                exec /usr/sbin/sshd -D -e -o HostKey=/etc/ssh/ssh_host_ed25519_key -o PasswordAuthentication=no -o UsePAM=no
                """],
            Labels = new Dictionary<string, string> { ["dev.botbottle.test"] = "git-gate-upstream" },
        }, Timeout());
        await Engine.StartContainerAsync(SshdId, Timeout());
        var seed = await UpstreamShAsync($"""
            set -e
            git init -q --bare -b main /srv/project.git 2>/dev/null || (mkdir -p /srv && git init -q --bare /srv/project.git && git --git-dir=/srv/project.git symbolic-ref HEAD refs/heads/main)
            w=$(mktemp -d) && cd $w && git init -q -b main . && git config user.name Seeder && git config user.email seed@example.com
            echo "# project" > README.md && git add . && git commit -qm "initial"
            echo 'token = "{OldSecret}"' > legacy.cfg && git add . && git commit -qm "legacy config (already upstream)"
            echo more >> README.md && git commit -qam "after legacy"
            git push -q /srv/project.git main
            """, user: "root");
        Assert.True(seed.ExitCode == 0, seed.StdErr + seed.StdOut);
        Assert.Equal(0, (await UpstreamShAsync("chown -R git:git /srv/project.git", "root")).ExitCode);

        _dir.WriteFile("home/bottles/gated.md", $"""
            ---
            agent_provider:
              template: shell
            git-gate:
              user: {"{"} name: Bottle Agent, email: agent@bottle.example {"}"}
              repos:
                project:
                  url: {Upstream}
                  key: {_dir.Combine("keys", "id")}
                  host_key: {hostKeyPin}
            ---
            A shell bottle whose git goes through the gate.
            """);
        _dir.WriteFile("home/agents/gitter.md", """
            ---
            bottle: gated
            ---
            You push code.
            """);
        Services = new BotBottleServices(new BotBottleHome(HomeDirectory), ProjectDirectory, ProcessRunner.Default, Environment.GetEnvironmentVariable);
        Bottle = await Services.Bottles.PrepareAndStartAsync(new PrepareRequest { Agent = "gitter", Backend = "docker" },
            new DictionarySecretSource(new Dictionary<string, SecretValue>()), new StartOptions { ProposalTimeout = TimeSpan.FromSeconds(120) }, null, Timeout());

        // Only the sidecar's egress network reaches the upstream.
        await Engine.ConnectNetworkAsync(DockerBackend.EgressNetworkName(Bottle.Name), SshdId, new EndpointSettings { Aliases = ["git.test"] }, Timeout());
    }

    /// <summary>Runs a script in the upstream container.</summary>
    internal Task<ExecResult> UpstreamShAsync(string script, string user = "git") =>
        Engine.ExecAsync(SshdId, new ContainerExecCreateParameters { Cmd = ["sh", "-c", script], User = user }, null, Timeout(300));

    /// <summary>The upstream's object name for <paramref name="rev"/>, or empty.</summary>
    public async Task<string> UpstreamRevAsync(string rev) => (await UpstreamShAsync($"git --git-dir=/srv/project.git rev-parse -q --verify '{rev}' || true")).StdOut.Trim();

    /// <summary>Runs bash in the bottle as the agent.</summary>
    public Task<BottleCommandResult> AgentAsync(string script, int seconds = 300) =>
        Services.Bottles.ExecAsync(Bottle.Name, new Backends.BottleExecRequest { Command = ["bash", "-c", script] }, null, Timeout(seconds));

    public Task<ProcessResult> CliAsync(params string[] args) =>
        Cli.CliProcess.RunInAsync(ProjectDirectory, new Dictionary<string, string?> { ["BOT_BOTTLE_HOME"] = HomeDirectory }, args);

    public async Task DisposeAsync()
    {
        // The upstream leaves first: it is attached to the bottle's egress network, which the engine cannot remove while
        // a container is on it (removing the bottle first leaked both networks on every run, and 31 runs exhausted the
        // engine's address pools: "could not find an available, non-overlapping IPv4 address pool").
        if (SshdId.Length > 0)
        {
            await Engine.RemoveContainerAsync(SshdId, true, true, true, CancellationToken.None);
        }

        try
        {
            if (Bottle is not null)
            {
                await Services.Bottles.RemoveAsync(Bottle.Name, force: true, CancellationToken.None);
            }
        }
        catch (Errors.BotBottleException)
        {
        }

        Engine.Dispose();
        _dir.Dispose();
    }
}

/// <summary>
/// The git gate end to end (PRODUCT.md §6.3, §9 invariant 4) with real git on both ends: the agent clones, fetches
/// and pushes its upstream URL unchanged; the sidecar's gate refreshes its mirror over SSH (pinned host key, the
/// bottle's key), scans exactly the pushed commits, files <c>gitleaks-allow</c> proposals the operator decides with the
/// real CLI, and forwards clean pushes upstream.
/// </summary>
public class GitGateTests(GitGateHome home) : IClassFixture<GitGateHome>
{
    private const string Work = "/tmp/work";

    private async Task<string> CloneAsync(string dir)
    {
        var r = await home.AgentAsync($"rm -rf {dir} && git clone -q {home.Upstream} {dir} 2>&1 && git -C {dir} log --format=%s");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        return r.StandardOutput;
    }

    private async Task<JsonElement[]> JsonArrayAsync(params string[] args)
    {
        var r = await home.CliAsync(args);
        Assert.True(r.ExitCode == 0, r.StandardError);
        return [.. JsonDocument.Parse(r.StandardOutput).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<JsonElement> PendingGitleaksAsync(string file)
    {
        for (var i = 0; i < 300; i++)
        {
            var found = (await JsonArrayAsync("proposals", "--bottle", home.Bottle.Name, "--state", "pending", "--format", "json"))
                .FirstOrDefault(p => p.GetProperty("kind").GetString() == "gitleaks-allow" && p.GetProperty("summary").GetString()!.Contains(file, StringComparison.Ordinal));
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"no pending gitleaks-allow proposal for {file}");
    }

    [Fact]
    public async Task Clone_and_a_clean_push_go_through_the_gate_to_the_upstream()
    {
        var log = await CloneAsync(Work + "-clean");
        Assert.Contains("legacy config (already upstream)", log, StringComparison.Ordinal);

        // The agent's identity comes from git-gate.user; the remote is the upstream URL, rewritten by insteadOf.
        var push = await home.AgentAsync($"""
            cd {Work}-clean && echo "clean change" > notes.txt && git add notes.txt && git commit -qm "clean change" \
              && git remote get-url origin && git log -1 --format='%an <%ae>' && git push origin main 2>&1 && git rev-parse HEAD
            """);
        Assert.True(push.ExitCode == 0, push.StandardOutput + push.StandardError);
        Assert.Contains(home.Upstream, push.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Bottle Agent <agent@bottle.example>", push.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("scanned clean", push.StandardOutput, StringComparison.Ordinal);
        var head = push.StandardOutput.Trim().Split('\n')[^1].Trim();
        Assert.Equal(head, await home.UpstreamRevAsync("refs/heads/main"));

        // The push decision is audited on the host.
        var audit = await JsonArrayAsync("audit", "--bottle", home.Bottle.Name, "--format", "json");
        Assert.Contains(audit, e => e.GetProperty("event").GetString() == "git-push" && e.GetProperty("detail").GetString()!.Contains("accepted", StringComparison.Ordinal)
            && e.GetProperty("detail").GetString()!.Contains(head[..12], StringComparison.Ordinal));

        // Get-Bottle / list show the gate's repositories.
        var list = await JsonArrayAsync("list", "active", "--format", "json");
        var me = list.Single(b => b.GetProperty("name").GetString() == home.Bottle.Name);
        var repo = me.GetProperty("repositories").EnumerateArray().Single();
        Assert.Equal("project", repo.GetProperty("name").GetString());
        Assert.Equal(home.Upstream, repo.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_push_carrying_a_credential_is_rejected_with_file_line_rule_and_a_redacted_excerpt_and_the_upstream_is_unchanged()
    {
        await CloneAsync(Work + "-leak");
        var before = await home.UpstreamRevAsync("refs/heads/main");
        var secret = GitGateHome.Token("ghp_", 21);
        var push = await home.AgentAsync($"""
            cd {Work}-leak && git pull -q --rebase origin main && printf 'a = 1\nb = 2\napi_token = "{secret}"\n' > app.ini && git add app.ini && git commit -qm "add config" && git push origin main 2>&1
            """);
        Assert.NotEqual(0, push.ExitCode);
        var output = push.StandardOutput + push.StandardError;
        Assert.Contains("push rejected", output, StringComparison.Ordinal);
        Assert.Contains("app.ini:3", output, StringComparison.Ordinal);
        Assert.Contains("github-pat-classic", output, StringComparison.Ordinal);
        Assert.Contains("[REDACTED", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.Contains("pre-receive hook declined", output, StringComparison.Ordinal);
        Assert.Equal(before, await home.UpstreamRevAsync("refs/heads/main"));

        var audit = await JsonArrayAsync("audit", "--bottle", home.Bottle.Name, "--format", "json");
        Assert.Contains(audit, e => e.GetProperty("event").GetString() == "git-push" && e.GetProperty("detail").GetString()!.Contains("rejected", StringComparison.Ordinal)
            && e.GetProperty("detail").GetString()!.Contains("app.ini:3 github-pat-classic", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.GetRawText().Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ref_deletion_and_force_pushes_are_refused_unless_the_manifest_allows_them()
    {
        // Issue 15 item 9. Control: a new branch goes through; then deleting it and rewriting main are refused.
        await CloneAsync(Work + "-force");
        var branch = await home.AgentAsync($"cd {Work}-force && git checkout -q -b doomed && echo x > d.txt && git add d.txt && git commit -qm doomed && git push -q origin doomed 2>&1 && echo pushed");
        Assert.True(branch.ExitCode == 0, branch.StandardOutput + branch.StandardError);
        var doomed = await home.UpstreamRevAsync("refs/heads/doomed");
        Assert.NotEmpty(doomed);

        var delete = await home.AgentAsync($"cd {Work}-force && git push origin --delete doomed 2>&1");
        Assert.NotEqual(0, delete.ExitCode);
        Assert.Contains("allow_delete", delete.StandardOutput + delete.StandardError, StringComparison.Ordinal);
        Assert.Equal(doomed, await home.UpstreamRevAsync("refs/heads/doomed"));

        var main = await home.UpstreamRevAsync("refs/heads/main");
        var force = await home.AgentAsync($"cd {Work}-force && git checkout -q main && git pull -q --rebase origin main && git reset -q --hard HEAD~1 && echo y > f.txt && git add f.txt && git commit -qm rewritten && git push --force origin main 2>&1");
        Assert.NotEqual(0, force.ExitCode);
        Assert.Contains("allow_force_push", force.StandardOutput + force.StandardError, StringComparison.Ordinal);
        Assert.Equal(main, await home.UpstreamRevAsync("refs/heads/main"));
    }

    [Fact]
    public async Task A_new_branch_whose_history_holds_a_secret_already_upstream_is_not_re_flagged()
    {
        await CloneAsync(Work + "-branch");
        var push = await home.AgentAsync($"""
            cd {Work}-branch && git checkout -q -b feature/old-history "$(git log --format=%H -1 --grep='legacy config')" && git log -1 --format=%s && echo "feature work" > feature.txt && git add feature.txt \
              && git commit -qm "feature work" && git push origin feature/old-history 2>&1 && git rev-parse HEAD
            """);
        Assert.True(push.ExitCode == 0, push.StandardOutput + push.StandardError);
        Assert.Contains("legacy config (already upstream)", push.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 commit(s) scanned clean", push.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(push.StandardOutput.Trim().Split('\n')[^1].Trim(), await home.UpstreamRevAsync("refs/heads/feature/old-history"));
    }

    [Fact]
    public async Task An_inline_allowed_finding_waits_for_the_operator_approve_lands_the_push_and_deny_does_not()
    {
        await CloneAsync(Work + "-allow");

        // Approve: the push waits, then lands.
        var fixture = GitGateHome.Token("ghp_", 31);
        var approved = home.AgentAsync($"""
            cd {Work}-allow && git pull -q --rebase origin main && echo 'fixture = "{fixture}" # gitleaks:allow' > fixture.py && git add fixture.py && git commit -qm "test fixture" && git push origin main 2>&1 && git rev-parse HEAD
            """, 600);
        var pending = await PendingGitleaksAsync("fixture.py:1");
        Assert.False(approved.IsCompleted);
        var payload = JsonDocument.Parse(pending.GetProperty("payload").GetString()!).RootElement;
        Assert.Equal("project", payload.GetProperty("repository").GetString());
        Assert.Equal("refs/heads/main", payload.GetProperty("ref").GetString());
        Assert.Equal(1, payload.GetProperty("line").GetInt32());
        Assert.DoesNotContain(fixture, pending.GetRawText(), StringComparison.Ordinal);
        var noReason = await home.CliAsync("approve", pending.GetProperty("id").GetString()!);
        Assert.NotEqual(0, noReason.ExitCode);
        var approve = await home.CliAsync("approve", pending.GetProperty("id").GetString()!, "--reason", "a made-up fixture token");
        Assert.True(approve.ExitCode == 0, approve.StandardError);
        var landed = await approved.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(landed.ExitCode == 0, landed.StandardOutput + landed.StandardError);
        Assert.Contains("approved", landed.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(landed.StandardOutput.Trim().Split('\n')[^1].Trim(), await home.UpstreamRevAsync("refs/heads/main"));

        // Deny: the push is refused and the upstream does not move.
        var before = await home.UpstreamRevAsync("refs/heads/main");
        var other = GitGateHome.Token("ghp_", 41);
        var denied = home.AgentAsync($"""
            cd {Work}-allow && echo 'other = "{other}" # gitleaks:allow' > other.py && git add other.py && git commit -qm "another fixture" && git push origin main 2>&1
            """, 600);
        var pending2 = await PendingGitleaksAsync("other.py:1");
        var deny = await home.CliAsync("deny", pending2.GetProperty("id").GetString()!, "--reason", "not a fixture");
        Assert.True(deny.ExitCode == 0, deny.StandardError);
        var refused = await denied.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("denied", refused.StandardOutput + refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await home.UpstreamRevAsync("refs/heads/main"));
    }

    [Fact]
    public async Task The_upstream_credential_never_enters_the_agent_container()
    {
        await CloneAsync(Work + "-creds");
        var keyLines = home.PrivateKey.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("-----", StringComparison.Ordinal) && l.Length >= 20).ToList();
        Assert.NotEmpty(keyLines);

        // Every file (as root), every process's environment and command line, and the agent's environment. The probe
        // travels reversed (so the probing processes' own command lines do not match) and is un-reversed into a pipe.
        var reversed = string.Join("\n", keyLines.Select(l => new string([.. l.Reverse()])));
        var patterns = "<(printf '%s\\n' \"$R\" | awk '{ s = \"\"; for (i = length($0); i > 0; i--) s = s substr($0, i, 1); print s }')";
        var script = $"""
            R='{reversed}'
            grep -rlF -f {patterns} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null
            for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null | tr '\0' '\n' | grep -qF -f {patterns} && echo "found in $p"; done
            env | grep -F -f {patterns}
            echo scanned
            """;
        var r = await home.Services.Bottles.ExecAsync(home.Bottle.Name, new Backends.BottleExecRequest
        {
            Command = ["bash", "-c", script],
            AsRoot = true,
        }, null, new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Equal("scanned", r.StandardOutput.Trim());

        // The same probe does find the key where it belongs: in the sidecar's private /tmp and its environment.
        var sidecar = await home.Engine.ExecAsync(DockerBackend.SidecarName(home.Bottle.Name), new ContainerExecCreateParameters { Cmd = ["bash", "-c", script] }, null, new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        Assert.Contains("/tmp/bb-git-gate/", sidecar.StdOut, StringComparison.Ordinal);
        Assert.Contains("found in /proc/", sidecar.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_naming_a_blob_or_a_tree_that_carries_a_secret_is_refused_and_never_reaches_the_upstream()
    {
        // Red team, round 7: `git log -p <blob> --not --all` prints nothing and exits 0, so a ref that names a blob (a
        // lightweight tag) or a tree (an annotated tag of one) introduced no commit to scan and went upstream whole.
        await CloneAsync(Work + "-objects");
        var inBlob = GitGateHome.Token("ghp_", 51);
        var inTree = GitGateHome.Token("ghp_", 52);
        var r = await home.AgentAsync($"""
            cd {Work}-objects
            b=$(printf 'token = "%s"\n' "{inBlob}" | git hash-object -w --stdin) && git tag hidden-blob "$b"
            c=$(printf 'token = "%s"\n' "{inTree}" | git hash-object -w --stdin)
            t=$(printf '100644 blob %s\tkey.txt\n' "$c" | git mktree) && git tag -a -m "a tree" hidden-tree "$t"
            git push origin hidden-blob 2>&1; echo "blob push exit $?"
            git push origin hidden-tree 2>&1; echo "tree push exit $?"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("blob push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("tree push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("refs/tags/hidden-blob points to a blob", output, StringComparison.Ordinal);
        Assert.Contains("refs/tags/hidden-tree points to a tree", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/tags/hidden-blob"));
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/tags/hidden-tree"));
        var upstreamObjects = await home.UpstreamShAsync($"git --git-dir=/srv/project.git cat-file --batch-all-objects --batch | grep -c -e '{inBlob}' -e '{inTree}' || true");
        Assert.Equal("0", upstreamObjects.StdOut.Trim());
    }

    [Fact]
    public async Task A_secret_in_a_new_file_name_or_a_new_ref_name_is_refused_and_never_reaches_the_upstream()
    {
        // Red team, round 7: only added lines and object text were scanned. An empty file named after a token has no
        // line, and a branch named after one has no content at all; both names are pushed upstream.
        await CloneAsync(Work + "-names");
        var inPath = GitGateHome.Token("ghp_", 53);
        var inRef = GitGateHome.Token("ghp_", 54);
        var r = await home.AgentAsync($"""
            cd {Work}-names && git pull -q --rebase origin main
            git checkout -q -b named && mkdir -p "keys/{inPath}" && : > "keys/{inPath}/empty" && git add keys && git commit -qm "an empty file"
            git push origin named 2>&1; echo "path push exit $?"
            git checkout -q main && git push origin "main:refs/heads/backup/{inRef}" 2>&1; echo "ref push exit $?"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("path push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("ref push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("(file name)", output, StringComparison.Ordinal);
        Assert.Contains("(ref name)", output, StringComparison.Ordinal);
        Assert.DoesNotContain(inPath, output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/named"));
        Assert.Equal(string.Empty, await home.UpstreamRevAsync($"refs/heads/backup/{inRef}"));
        var audit = await JsonArrayAsync("audit", "--bottle", home.Bottle.Name, "--format", "json");
        Assert.Contains(audit, e => e.GetProperty("detail").GetString()!.Contains("(ref name):1 github-pat-classic", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.GetRawText().Contains(inRef, StringComparison.Ordinal) || e.GetRawText().Contains(inPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replace_ref_cannot_make_the_scan_read_a_clean_commit_in_place_of_a_pushed_one()
    {
        // Red team, round 9: git log and cat-file honour refs/replace/* (git-replace(1)), and the gate's mirror keeps
        // every ref the upstream accepted. So the agent first pushed a clean ref refs/replace/<X> -> Y for a commit X it
        // had not pushed yet, then pushed X: the scan read Y's clean patch and text in X's place, while the push
        // upstream (pack-objects never replaces) carried X and its secret.
        await CloneAsync(Work + "-replace");
        var secret = GitGateHome.Token("ghp_", 61);
        var r = await home.AgentAsync($"""
            cd {Work}-replace && git pull -q --rebase origin main
            git checkout -q -b hidden && printf 'token = "%s"\n' "{secret}" > hidden.cfg && git add hidden.cfg && git commit -qm "hidden" && x=$(git rev-parse HEAD)
            git checkout -q main && git checkout -q -b decoy && echo decoy > decoy.txt && git add decoy.txt && git commit -qm "decoy" && y=$(git rev-parse HEAD)
            git replace "$x" "$y" && git push origin "refs/replace/$x" 2>&1; echo "replace push exit $?"
            git push origin "$x:refs/heads/hidden" 2>&1; echo "hidden push exit $?"
            echo "x=$x"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("replace push exit 0", output, StringComparison.Ordinal);
        Assert.Contains("hidden push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("hidden.cfg:1", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/hidden"));
        var upstreamObjects = await home.UpstreamShAsync($"git --git-dir=/srv/project.git cat-file --batch-all-objects --batch | grep -c -e '{secret}' || true");
        Assert.Equal("0", upstreamObjects.StdOut.Trim());
    }

    [Fact]
    public async Task A_commit_message_in_an_encoding_that_hides_a_token_from_the_scan_is_refused()
    {
        // Red team, round 9: a commit whose header says "encoding IBM037" and whose message is EBCDIC. Read as UTF-8 its
        // bytes hold no letter of the token, so the message scan found nothing; git log upstream decodes it and shows it.
        await CloneAsync(Work + "-encoding");
        var secret = GitGateHome.Token("ghp_", 62);
        var message = string.Concat($"deploy\n\ntoken {secret}\n".Select(c => $"\\{Convert.ToString(Ibm037(c), 8)}"));
        var r = await home.AgentAsync($$"""
            cd {{Work}}-encoding && git pull -q --rebase origin main
            t=$(git rev-parse 'HEAD^{tree}') && p=$(git rev-parse HEAD)
            { printf 'tree %s\nparent %s\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\nencoding IBM037\n\n' "$t" "$p"; printf '{{message}}'; } > /tmp/ebcdic-commit
            c=$(git hash-object -t commit -w /tmp/ebcdic-commit) && git log -1 --format=%B "$c" | grep -c '{{secret}}'
            git push origin "$c:refs/heads/ebcdic" 2>&1; echo "push exit $?"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("the secret scan could not run", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/ebcdic"));
    }

    [Fact]
    public async Task A_tree_with_duplicate_entries_is_refused_before_the_scan_and_never_reaches_the_upstream()
    {
        // Red team, round 10: git mktree writes a tree with two entries named a.txt; git log -p shows both blobs, a
        // checkout writes one. Objects git's own readers disagree on are refused (receive.fsckObjects), clean or not.
        await CloneAsync(Work + "-duplicate");
        var r = await home.AgentAsync($$"""
            cd {{Work}}-duplicate && git pull -q --rebase origin main
            one=$(echo "first" | git hash-object -w --stdin) && two=$(echo "second" | git hash-object -w --stdin)
            t=$( { git ls-tree HEAD; printf '100644 blob %s\ta.txt\n100644 blob %s\ta.txt\n' "$one" "$two"; } | git mktree)
            c=$(git commit-tree "$t" -p HEAD -m "duplicate entries") && git push origin "$c:refs/heads/duplicate" 2>&1; echo "push exit $?"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("duplicateEntries", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/duplicate"));
    }

    [Fact]
    public async Task An_empty_directory_named_after_a_token_is_refused_and_never_reaches_the_upstream()
    {
        // Red team 11, from inside a real bottle: a tree entry naming the empty tree (git mktree) has no file below it,
        // so git log -p printed nothing for it, the gate said "scanned clean", and the upstream's ls-tree listed the
        // token. A nested one (a directory holding only an empty one) too; control: a plain empty directory lands.
        await CloneAsync(Work + "-emptydir");
        var top = GitGateHome.Token("ghp_", 57);
        var deep = GitGateHome.Token("ghp_", 58);
        var r = await home.AgentAsync($$"""
            cd {{Work}}-emptydir && git pull -q --rebase origin main
            e=$(git mktree < /dev/null)
            t=$( { git ls-tree HEAD; printf '040000 tree %s\tplain-empty\n' "$e"; } | git mktree)
            c=$(git commit-tree "$t" -p HEAD -m "an empty directory") && git push origin "$c:refs/heads/emptydir-ok" 2>&1; echo "plain push exit $?"
            n=$(printf '040000 tree %s\t{{deep}}\n' "$e" | git mktree)
            t=$( { git ls-tree HEAD; printf '040000 tree %s\t{{top}}\n040000 tree %s\tkeys\n' "$e" "$n"; } | git mktree)
            c=$(git commit-tree "$t" -p HEAD -m "add nothing") && git push origin "$c:refs/heads/emptydir" 2>&1; echo "token push exit $?"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("plain push exit 0", output, StringComparison.Ordinal);
        Assert.Contains("token push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("(file name)", output, StringComparison.Ordinal);
        Assert.DoesNotContain(top, output, StringComparison.Ordinal);
        Assert.DoesNotContain(deep, output, StringComparison.Ordinal);
        Assert.NotEqual(string.Empty, await home.UpstreamRevAsync("refs/heads/emptydir-ok"));
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/emptydir"));
    }

    [Fact]
    public async Task A_shallow_clone_pushes_through_the_scan_and_a_push_cut_short_of_its_parents_is_refused()
    {
        // A clone with --depth 1 through the gate pushes a new commit normally, and its secret is found. A push whose
        // history is cut short (the client's .git/shallow names the pushed commit, so it sends "shallow <commit>" and no
        // parent) is refused by receive-pack (receive.shallowUpdate false): neither the mirror nor the upstream records a
        // graft, and the scan never reads a commit whose parents it lacks.
        var secret = GitGateHome.Token("ghp_", 63);
        var r = await home.AgentAsync($"""
            rm -rf {Work}-shallow && git clone -q --depth 1 {home.Upstream} {Work}-shallow 2>&1 && cd {Work}-shallow
            echo "shallow clean" > shallow.txt && git add shallow.txt && git commit -qm "shallow clean" && git push origin HEAD:refs/heads/shallow-clean 2>&1; echo "clean push exit $?"
            git checkout -q -b shallow-leak && printf 'token = "%s"\n' "{secret}" > leak.cfg && git add leak.cfg && git commit -qm leak && git push origin HEAD:refs/heads/shallow-leak 2>&1; echo "leak push exit $?"
            rm -rf {Work}-cut && git init -q {Work}-cut && cd {Work}-cut && git config user.name A && git config user.email a@example.com
            printf 'token = "%s"\n' "{secret}" > hidden.cfg && git add hidden.cfg && git commit -qm hidden && git rm -q hidden.cfg && echo ok > ok.txt && git add ok.txt && git commit -qm clean
            git rev-parse HEAD > .git/shallow && git push {home.Upstream} HEAD:refs/heads/cut 2>&1; echo "cut push exit $?"
            """);
        var output = r.StandardOutput + r.StandardError;
        Assert.Contains("clean push exit 0", output, StringComparison.Ordinal);
        Assert.Contains("leak push exit 1", output, StringComparison.Ordinal);
        Assert.Contains("leak.cfg:1", output, StringComparison.Ordinal);
        Assert.Contains("cut push exit 1", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.NotEqual(string.Empty, await home.UpstreamRevAsync("refs/heads/shallow-clean"));
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/shallow-leak"));
        Assert.Equal(string.Empty, await home.UpstreamRevAsync("refs/heads/cut"));
    }

    [Fact]
    public async Task Pushes_at_once_share_the_gates_body_budget_and_cannot_exhaust_the_sidecar()
    {
        // Red team, from inside the bottle (security.md row 33): the agent speaks HTTP to the gate itself. One request
        // declares a 224 MiB pack and holds it (100 Continue, then nothing); a second declaring 64 MiB and a real 48 MiB
        // push (chunked by git, reserved chunk by chunk) find the 256 MiB budget taken and get 503 — git reads it after
        // sending its whole pack, as the gate drains the rest instead of resetting the connection — while a small push
        // still fits. Then the held body is sent whole (224 MiB in the sidecar at once), the gate answers it, the budget
        // is free again and the large push goes through. The sidecar is never killed or restarted.
        var sidecarName = DockerBackend.SidecarName(home.Bottle.Name);
        var before = await home.Engine.InspectContainerAsync(sidecarName, CancellationToken.None);
        await CloneAsync(Work + "-budget");
        const string Head = @"POST /project.git/git-receive-pack HTTP/1.1\r\nHost: sidecar:8751\r\nContent-Type: application/x-git-receive-pack-request\r\nExpect: 100-continue\r\n";
        var r = await home.AgentAsync($$"""
            cd {{Work}}-budget && git pull -q --rebase origin main
            git checkout -q -b small-side && echo small > small.txt && git add small.txt && git commit -qm small && git checkout -q main
            head -c 50331648 /dev/urandom > big.bin && git add big.bin && git commit -qm "48 MiB of noise" && big=$(git rev-parse HEAD)
            exec 3<>/dev/tcp/sidecar/8751
            printf '{{Head}}Content-Length: 234881024\r\n\r\n' >&3
            read -r -t 60 line <&3; echo "held: ${line%$'\r'}"; read -r -t 5 blank <&3
            exec 4<>/dev/tcp/sidecar/8751
            printf '{{Head}}Content-Length: 67108864\r\n\r\n' >&4
            read -r -t 60 line <&4; echo "second: ${line%$'\r'}"; exec 4>&-
            git push origin "$big:refs/heads/budget-big" 2>&1; echo "big push exit $?"
            git push origin "small-side:refs/heads/budget-small" 2>&1; echo "small push exit $?"
            head -c 234881024 /dev/zero >&3
            read -r -t 120 line <&3; echo "held answered: ${line%$'\r'}"; exec 3>&-
            git push origin "$big:refs/heads/budget-big" 2>&1; echo "retry exit $?"
            """, seconds: 600);
        var output = r.StandardOutput + r.StandardError;
        void Saw(string expected, string within) =>
            Assert.True(within.Contains(expected, StringComparison.Ordinal), $"expected \"{expected}\" in the agent's output:\n{output}");
        Saw("held: HTTP/1.1 100 Continue", output);
        Saw("second: HTTP/1.1 503", output);
        Saw("big push exit 1", output);
        var bigPush = output[output.IndexOf("second:", StringComparison.Ordinal)..output.IndexOf("big push exit", StringComparison.Ordinal)];
        Saw("HTTP 503", bigPush); // git read the gate's answer, not a reset
        Saw("small push exit 0", output);
        Saw("held answered: HTTP/1.1 200", output);
        Saw("retry exit 0", output);
        Assert.NotEqual(string.Empty, await home.UpstreamRevAsync("refs/heads/budget-big"));
        Assert.NotEqual(string.Empty, await home.UpstreamRevAsync("refs/heads/budget-small"));

        var after = await home.Engine.InspectContainerAsync(sidecarName, CancellationToken.None);
        Assert.False(after!.State!.OOMKilled);
        Assert.True(after.State.Running);
        Assert.Equal(before!.RestartCount, after.RestartCount);
        Assert.Equal(before.State!.StartedAt, after.State.StartedAt);
    }

    /// <summary>The IBM037 (EBCDIC) byte of an ASCII letter, digit, space, line feed or '_' (IBM code page 037).</summary>
    private static int Ibm037(char c) => c switch
    {
        >= 'a' and <= 'i' => 0x81 + (c - 'a'),
        >= 'j' and <= 'r' => 0x91 + (c - 'j'),
        >= 's' and <= 'z' => 0xA2 + (c - 's'),
        >= 'A' and <= 'I' => 0xC1 + (c - 'A'),
        >= 'J' and <= 'R' => 0xD1 + (c - 'J'),
        >= 'S' and <= 'Z' => 0xE2 + (c - 'S'),
        >= '0' and <= '9' => 0xF0 + (c - '0'),
        ' ' => 0x40,
        '\n' => 0x25,
        '_' => 0x6D,
        _ => throw new ArgumentException($"no IBM037 byte for {c}"),
    };

    [Fact]
    public async Task With_the_upstream_down_fetch_fails_closed_with_a_clear_message()
    {
        await CloneAsync(Work + "-down");
        await home.Engine.StopContainerAsync(home.SshdId, 5, CancellationToken.None);
        try
        {
            var fetch = await home.AgentAsync($"cd {Work}-down && git fetch origin 2>&1", 120);
            Assert.NotEqual(0, fetch.ExitCode);
            Assert.Contains("git gate: cannot fetch", fetch.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("refusing to serve a stale mirror", fetch.StandardOutput, StringComparison.Ordinal);
            var clone = await home.AgentAsync($"rm -rf {Work}-down2 && git clone {home.Upstream} {Work}-down2 2>&1", 120);
            Assert.NotEqual(0, clone.ExitCode);
            Assert.Contains("git gate: cannot fetch", clone.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            await home.Engine.StartContainerAsync(home.SshdId, CancellationToken.None);
        }

        // Back up: fetch works again (the container keeps its network alias).
        for (var i = 0; ; i++)
        {
            var again = await home.AgentAsync($"cd {Work}-down && git fetch origin 2>&1", 120);
            if (again.ExitCode == 0)
            {
                break;
            }

            Assert.True(i < 20, again.StandardOutput);
            await Task.Delay(500);
        }
    }
}
