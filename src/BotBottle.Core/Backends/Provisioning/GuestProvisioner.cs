using System.Text;
using BotBottle.Errors;
using BotBottle.Manifest;

namespace BotBottle.Backends.Provisioning;

/// <summary>A git identity to write into the guest's global git config.</summary>
/// <param name="Name">user.name, or null to leave unset.</param>
/// <param name="Email">user.email, or null to leave unset.</param>
public sealed record GuestGitIdentity(string? Name, string? Email);

/// <summary>A URL rewrite: git in the guest uses <paramref name="GateUrl"/> whenever a command names <paramref name="Upstream"/>.</summary>
/// <param name="GateUrl">The gate's URL for the repository.</param>
/// <param name="Upstream">The upstream URL prefix the agent uses.</param>
public sealed record GitRewrite(string GateUrl, string Upstream);

/// <summary>A skill folder to copy into the guest.</summary>
/// <param name="Name">Skill name (the folder name in the guest).</param>
/// <param name="HostPath">Absolute host folder.</param>
public sealed record GuestSkill(string Name, string HostPath);

/// <summary>
/// The provisioning steps every backend performs on the agent's guest after it starts (PRODUCT.md §4 step 3),
/// one method per step, so each backend implements the same contract.
/// </summary>
public interface IBottleProvisioner
{
    /// <summary>Installs the bottle CA into the guest's trust store and verifies it is there.</summary>
    Task InstallCaAsync(string caPem, CancellationToken cancellationToken);

    /// <summary>Writes the agent's prompt file (always, even when empty).</summary>
    Task CopyPromptAsync(string prompt, string guestPath, CancellationToken cancellationToken);

    /// <summary>Creates the skills folder and, for each skill, clears then copies it.</summary>
    Task CopySkillsAsync(IReadOnlyList<GuestSkill> skills, string guestSkillsDirectory, CancellationToken cancellationToken);

    /// <summary>Writes the git identity and the gate rewrites to the agent's global git config.</summary>
    Task ConfigureGitAsync(GuestGitIdentity? identity, IReadOnlyList<GitRewrite> rewrites, CancellationToken cancellationToken);

    /// <summary>Registers the supervise MCP server with the agent (the provider's registration command), if it has one.</summary>
    Task RegisterMcpAsync(IReadOnlyList<string> registerCommand, CancellationToken cancellationToken);
}

/// <summary>A provisioning step failed; the message names the step and carries the guest's output.</summary>
public sealed class ProvisioningException(string step, string message, Exception? inner = null)
    : BotBottleException("ProvisioningFailed", BotBottleErrorCategory.InvalidOperation, $"Provisioning step '{step}' failed: {message}", inner)
{
    /// <summary>The step: <c>ca</c>, <c>prompt</c>, <c>skills</c>, <c>git</c>, <c>mcp</c>, <c>setup</c>, <c>login</c>, <c>workspace</c>.</summary>
    public string Step { get; } = step;
}

/// <summary>
/// <see cref="IBottleProvisioner"/> over an <see cref="IGuestChannel"/>, with as few round trips as it can:
/// files are written directly (a parent folder is only created when the write says it is missing), the CA is
/// appended to the system bundle and verified in one command, and the git configuration is written as one
/// <c>~/.gitconfig</c> file. Assumes a Debian-family guest with an <c>agent</c> user whose home is
/// <c>/home/agent</c> (every shipped recipe; custom recipes are documented to follow it). Commands are argument
/// vectors; values never become shell text.
/// </summary>
public sealed class GuestProvisioner(IGuestChannel guest) : IBottleProvisioner
{
    /// <summary>Where the bottle CA is installed in the guest.</summary>
    public const string CaPath = "/usr/local/share/ca-certificates/bot-bottle.crt";

    /// <summary>The system bundle most TLS clients read (Debian layout); the CA is appended to it.</summary>
    public const string BundlePath = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>The agent's home folder.</summary>
    public const string AgentHome = "/home/agent";

    /// <summary>The agent's working folder: empty, or a copy of <see cref="Planning.BottlePlan.WorkspaceCopy"/>.</summary>
    public const string Workspace = "/workspace";

    /// <summary>The environment every bottle sets so tools trust the bottle CA (values point at files this step writes).</summary>
    public static IReadOnlyDictionary<string, string> TrustEnvironment { get; } = new Dictionary<string, string>
    {
        ["SSL_CERT_FILE"] = BundlePath,
        ["REQUESTS_CA_BUNDLE"] = BundlePath,
        ["CURL_CA_BUNDLE"] = BundlePath,
        ["GIT_SSL_CAINFO"] = BundlePath,
        ["NODE_EXTRA_CA_CERTS"] = CaPath,
    };

    /// <summary>
    /// Host environment variable that overrides the guest folder skills are copied into (absolute guest path), for
    /// every backend; unset: the provider's <see cref="ProviderDefinition.SkillsDirectory"/>.
    /// </summary>
    public const string SkillsDirectoryVariable = "BOT_BOTTLE_GUEST_SKILLS_DIR";

    /// <summary>
    /// Guest environment variable naming the prompt file. Set only when the agent's prompt is non-empty: the file is
    /// always written, but an agent is only told to use it when there is something in it.
    /// </summary>
    public const string PromptFileVariable = "BOT_BOTTLE_PROMPT_FILE";

    /// <summary>The guest skills folder: <see cref="SkillsDirectoryVariable"/> when set on the host, else the provider's.</summary>
    /// <exception cref="BotBottleException"><c>InvalidSkillsDirectory</c> when the override is not an absolute guest path.</exception>
    public static string SkillsDirectory(ProviderDefinition provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(SkillsDirectoryVariable) is not { Length: > 0 } over)
        {
            return provider.SkillsDirectory;
        }

        return over[0] == '/' && !over.Contains('\\', StringComparison.Ordinal) && !over.Split('/').Contains("..")
            ? over.TrimEnd('/')
            : throw new BotBottleException("InvalidSkillsDirectory", BotBottleErrorCategory.InvalidArgument,
                $"{SkillsDirectoryVariable}='{over}' must be an absolute guest path without '..' (e.g. /home/agent/.claude/skills). Nothing was started.") { TargetObject = over };
    }

    /// <summary>
    /// The agent's environment, the same on every backend: the bottle's env (secrets replaced by a placeholder; the
    /// sidecar holds the value), the proxy and supervise variables (<see cref="SidecarContract.AgentEnvironment"/>), the
    /// trust variables, <c>HOME</c>, and <see cref="PromptFileVariable"/> when the prompt is non-empty. Ordered as listed.
    /// </summary>
    /// <param name="plan">The bottle's plan.</param>
    /// <param name="hostEnvironment">Reads host variables: <c>${VAR}</c> entries are resolved now, at start, and never written anywhere.</param>
    /// <exception cref="BotBottleException"><c>HostVariableMissing</c> when a <c>${VAR}</c> entry's host variable is not set.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> AgentEnvironment(Planning.BottlePlan plan, Func<string, string?> hostEnvironment)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(hostEnvironment);
        var env = new List<KeyValuePair<string, string>>();
        var missing = new List<string>();
        foreach (var e in plan.Bottle.Env)
        {
            switch (e.Kind)
            {
                case EnvValueKind.Secret:
                    env.Add(new(e.Name, ProviderDefinition.PlaceholderValue));
                    break;
                case EnvValueKind.Host when e.HostVariable is { } variable:
                    if (hostEnvironment(variable) is { } value)
                    {
                        env.Add(new(e.Name, value));
                    }
                    else
                    {
                        missing.Add($"{e.Name} (from host variable {variable})");
                    }

                    break;
                default:
                    env.Add(new(e.Name, e.Value));
                    break;
            }
        }

        if (missing.Count > 0)
        {
            throw new BotBottleException("HostVariableMissing", BotBottleErrorCategory.InvalidArgument,
                $"The bottle copies variables from the host that are not set now: {string.Join(", ", missing)}. Set them and start again.") { TargetObject = plan.Slug };
        }

        env.AddRange(SidecarContract.AgentEnvironment(plan.Slug));
        env.AddRange(TrustEnvironment);
        env.Add(new("HOME", AgentHome));
        if (!string.IsNullOrWhiteSpace(plan.Agent.Prompt))
        {
            env.Add(new(PromptFileVariable, plan.Bottle.Provider.PromptFile));
        }

        return env;
    }

    /// <summary>
    /// Runs every provisioning step for <paramref name="plan"/> in the order all backends share: the guest's files
    /// (<see cref="WriteFilesAsync"/>), then its commands (<see cref="RunCommandsAsync"/>).
    /// </summary>
    /// <param name="plan">The bottle's plan.</param>
    /// <param name="caPem">The bottle CA certificate (PEM).</param>
    /// <param name="environment">Host environment (for <see cref="SkillsDirectoryVariable"/> and the host sign-in).</param>
    /// <param name="progress">Receives the warning of a failed MCP registration; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the remaining steps.</param>
    /// <exception cref="ProvisioningException">A step other than the MCP registration failed; the message names it.</exception>
    /// <exception cref="BotBottleException">The forwarded host sign-in cannot be read (<see cref="Planning.HostLogins.Read"/>).</exception>
    public async Task ProvisionAsync(Planning.BottlePlan plan, string caPem, Func<string, string?> environment, IProgress<Operations.OperationProgress>? progress, CancellationToken cancellationToken)
    {
        await WriteFilesAsync(plan, caPem, environment, cancellationToken).ConfigureAwait(false);
        await RunCommandsAsync(plan, environment, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The guest's files: the CA (installed and verified), the prompt file, the skills and the git identity and gate
    /// rewrites. Only BotBottle's own fixed commands run in the guest for them (<c>sh</c>, <c>mkdir</c>, <c>cat</c>,
    /// <c>grep</c>, <c>rm</c>, <c>ln</c> with values as arguments), never a program of the agent's or the bottle's, so
    /// the launch pipeline may run them before the guest's network is locked down (docker: alongside the firewall
    /// helper, <see cref="LaunchContext.GuestStarted"/>). The steps are independent (each writes its own files; folders
    /// are made with <c>mkdir -p</c>) and run together when the channel allows it.
    /// </summary>
    /// <param name="plan">The bottle's plan.</param>
    /// <param name="caPem">The bottle CA certificate (PEM).</param>
    /// <param name="environment">Host environment (for <see cref="SkillsDirectoryVariable"/>).</param>
    /// <param name="cancellationToken">Cancels the remaining steps.</param>
    /// <exception cref="ProvisioningException">A step failed; the message names it.</exception>
    public async Task WriteFilesAsync(Planning.BottlePlan plan, string caPem, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var provider = plan.Bottle.Provider;
        var user = plan.Bottle.GitGate.User;
        Func<Task>[] steps =
        [
            () => InstallCaAsync(caPem, cancellationToken),
            () => CopyPromptAsync(plan.Agent.Prompt, provider.PromptFile, cancellationToken),
            () => CopySkillsAsync([.. plan.Bottle.Skills.Select(s => new GuestSkill(s.Name, s.HostPath))], SkillsDirectory(provider, environment), cancellationToken),
            () => ConfigureGitAsync(user is null ? null : new GuestGitIdentity(user.Name, user.Email), GitGateRewrites.For(plan), cancellationToken),
        ];
        if (guest.SupportsConcurrentOperations)
        {
            await Task.WhenAll(steps.Select(step => step())).ConfigureAwait(false);
        }
        else
        {
            foreach (var step in steps)
            {
                await step().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The guest's commands, after <see cref="WriteFilesAsync"/> and only once the guest's network is locked down and
    /// the sidecar is ready: the supervise MCP registration, the provider's setup command, the placeholder of a
    /// forwarded host sign-in (<see cref="ProviderDefinition.HostLogin"/>, read from the host now), and the workspace
    /// copy when the plan has one. A failed MCP registration is reported as a warning and the launch goes on: the agent
    /// still reaches the server at <c>BOT_BOTTLE_SUPERVISE_URL</c>.
    /// </summary>
    /// <param name="plan">The bottle's plan.</param>
    /// <param name="environment">Host environment (for the host sign-in).</param>
    /// <param name="progress">Receives the warning of a failed MCP registration; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the remaining steps.</param>
    /// <exception cref="ProvisioningException">A step other than the MCP registration failed; the message names it.</exception>
    /// <exception cref="BotBottleException">The forwarded host sign-in cannot be read (<see cref="Planning.HostLogins.Read"/>).</exception>
    public async Task RunCommandsAsync(Planning.BottlePlan plan, Func<string, string?> environment, IProgress<Operations.OperationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var provider = plan.Bottle.Provider;
        try
        {
            await RegisterMcpAsync([.. provider.McpRegisterCommand.Select(a => a.Replace(ProviderDefinition.UrlPlaceholder, SidecarContract.SuperviseUrl, StringComparison.Ordinal))], cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            progress?.Report(new Operations.OperationProgress($"Bottle {plan.Slug}",
                $"the supervise MCP server could not be registered with the agent ({ex.Message}); the agent can still reach it at {SidecarContract.SuperviseUrl} (BOT_BOTTLE_SUPERVISE_URL)", Warning: true));
        }

        if (!provider.SetupCommand.IsDefaultOrEmpty)
        {
            await Run("setup", provider.SetupCommand, GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        }

        // After the setup command, so a CLI login there cannot replace it: the placeholder of the host sign-in.
        if (plan.Bottle.ForwardHostCredentials && provider.HostLogin is { } login)
        {
            await WriteHostLoginPlaceholderAsync(login, Planning.HostLogins.Read(login, environment, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
        }

        if (plan.WorkspaceCopy is { } folder)
        {
            await CopyWorkspaceAsync(folder, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the placeholder sign-in file of a forwarded host sign-in (<see cref="HostLogin.GuestFile"/>), owned by the
    /// agent with mode 600 (its folder created by the agent when missing). It holds no credential.
    /// </summary>
    /// <exception cref="ProvisioningException">The file could not be written.</exception>
    public Task WriteHostLoginPlaceholderAsync(HostLogin login, Planning.HostLoginMaterial material, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(material);
        return WriteAsync("login", login.GuestFile, material.PlaceholderFile, GuestUser.Agent, (UnixFileMode)0b110_000_000, cancellationToken);
    }

    /// <summary>
    /// Copies <paramref name="hostFolder"/> into <see cref="Workspace"/>, owned by the agent user (a copy: nothing the
    /// agent writes reaches the host; symbolic links are copied as links, never followed).
    /// </summary>
    /// <exception cref="ProvisioningException">The folder is gone or the copy failed.</exception>
    public async Task CopyWorkspaceAsync(string hostFolder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostFolder);
        if (!Directory.Exists(hostFolder))
        {
            throw new ProvisioningException("workspace", $"the folder to copy into the workspace, {hostFolder}, does not exist");
        }

        await guest.CopyDirectoryAsync(hostFolder, Workspace, GuestUser.Agent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes <paramref name="address"/> the only address of <paramref name="name"/> in the guest's <c>/etc/hosts</c>
    /// (as root; idempotent): lines naming it are dropped, one <c>ADDRESS NAME</c> line is appended, and the file is
    /// rewritten in place (same inode, so a bind-mounted hosts file works). Backends whose runtime has no host-entry
    /// option (smolvm, Apple <c>container</c>) use it so the agent reaches the sidecar by
    /// <see cref="SidecarContract.HostName"/> like on docker, and again on resume when the sidecar's address changed.
    /// </summary>
    /// <exception cref="ProvisioningException">The entry could not be written.</exception>
    public Task AddHostEntryAsync(string name, string address, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(address);
        return Run("hosts", ["sh", "-c", HostsScript, "sh", address, name], GuestUser.Root, cancellationToken);
    }

    /// <summary>Makes <paramref name="address"/> the guest's only DNS server (<c>/etc/resolv.conf</c>, rewritten in place, as root).</summary>
    /// <exception cref="ProvisioningException">The file could not be written.</exception>
    public Task SetNameserverAsync(string address, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return Run("dns", ["sh", "-c", "printf 'nameserver %s\\n' \"$1\" > /etc/resolv.conf", "sh", address], GuestUser.Root, cancellationToken);
    }

    /// <summary>The <c>/etc/hosts</c> rewrite of <see cref="AddHostEntryAsync"/> (<c>$1</c> address, <c>$2</c> name).</summary>
    internal const string HostsScript =
        "t=/etc/hosts.bot-bottle; awk -v n=\"$2\" '{for (i = 2; i <= NF; i++) if ($i == n) next; print}' /etc/hosts > \"$t\" " +
        "&& printf '%s %s\\n' \"$1\" \"$2\" >> \"$t\" && cat \"$t\" > /etc/hosts; rc=$?; rm -f \"$t\"; exit $rc";

    /// <inheritdoc />
    public async Task InstallCaAsync(string caPem, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(caPem);
        await WriteAsync("ca", CaPath, Encoding.ASCII.GetBytes(caPem), GuestUser.Root, (UnixFileMode)0b110_100_100, cancellationToken).ConfigureAwait(false);

        // Append to the bundle (what update-ca-certificates would add, without regenerating the whole store) and
        // verify in the same command: a line from the middle of the certificate body must be in the bundle.
        var probe = caPem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Skip(1).First();
        var r = await guest.ExecAsync(
            ["sh", "-c", "grep -qF -- \"$2\" \"$1\" 2>/dev/null || { mkdir -p \"${1%/*}\" && cat \"$0\" >> \"$1\" && ln -sf \"$0\" \"${1%/*}/bot-bottle.pem\"; } && grep -qF -- \"$2\" \"$1\"", CaPath, BundlePath, probe],
            GuestUser.Root, cancellationToken).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new ProvisioningException("ca", $"the bottle CA could not be added to {BundlePath} (exit {r.ExitCode}): {Tail(r.StandardError + r.StandardOutput)}");
        }
    }

    /// <inheritdoc />
    public Task CopyPromptAsync(string prompt, string guestPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        return WriteAsync("prompt", guestPath, Encoding.UTF8.GetBytes(prompt), GuestUser.Agent, (UnixFileMode)0b110_100_100, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CopySkillsAsync(IReadOnlyList<GuestSkill> skills, string guestSkillsDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skills);
        ArgumentException.ThrowIfNullOrEmpty(guestSkillsDirectory);
        var missing = skills.Where(s => !Directory.Exists(s.HostPath)).Select(s => $"{s.Name} ({s.HostPath})").ToList();
        if (missing.Count > 0)
        {
            throw new ProvisioningException("skills", $"skill folder(s) not found on the host: {string.Join(", ", missing)}");
        }

        // Always create the folder, so an agent finds it even with no skills; clear each skill before copying it.
        var targets = skills.Select(s => guestSkillsDirectory.TrimEnd('/') + "/" + s.Name).ToList();
        await Run("skills", ["sh", "-c", "mkdir -p \"$0\" && for d in \"$@\"; do rm -rf -- \"$d\"; done", guestSkillsDirectory, .. targets], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < skills.Count; i++)
        {
            await guest.CopyDirectoryAsync(skills[i].HostPath, targets[i], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task ConfigureGitAsync(GuestGitIdentity? identity, IReadOnlyList<GitRewrite> rewrites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rewrites);
        var config = GitConfig(identity, rewrites);
        return config.Length == 0
            ? Task.CompletedTask
            : WriteAsync("git", AgentHome + "/.gitconfig", Encoding.UTF8.GetBytes(config), GuestUser.Agent, (UnixFileMode)0b110_100_100, cancellationToken);
    }

    /// <inheritdoc />
    public async Task RegisterMcpAsync(IReadOnlyList<string> registerCommand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registerCommand);
        if (registerCommand.Count == 0)
        {
            return;
        }

        await Run("mcp", registerCommand, GuestUser.Agent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The <c>~/.gitconfig</c> text for an identity and rewrites, in git-config syntax
    /// (https://git-scm.com/docs/git-config#_syntax): values double-quoted with <c>\\</c> and <c>\"</c> escaped.
    /// Empty when there is nothing to write.
    /// </summary>
    /// <exception cref="ProvisioningException">A value contains a newline or NUL, which git-config cannot hold.</exception>
    public static string GitConfig(GuestGitIdentity? identity, IReadOnlyList<GitRewrite> rewrites)
    {
        ArgumentNullException.ThrowIfNull(rewrites);
        var sb = new StringBuilder();
        if (identity is { } id && (id.Name is { Length: > 0 } || id.Email is { Length: > 0 }))
        {
            sb.Append("[user]\n");
            if (id.Name is { Length: > 0 } n)
            {
                sb.Append("\tname = ").Append(Quote(n)).Append('\n');
            }

            if (id.Email is { Length: > 0 } e)
            {
                sb.Append("\temail = ").Append(Quote(e)).Append('\n');
            }
        }

        foreach (var group in rewrites.GroupBy(r => r.GateUrl, StringComparer.Ordinal))
        {
            sb.Append("[url ").Append(Quote(group.Key)).Append("]\n");
            foreach (var r in group)
            {
                sb.Append("\tinsteadOf = ").Append(Quote(r.Upstream)).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string Quote(string value)
    {
        if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
        {
            throw new ProvisioningException("git", "a git identity or URL contains a line break, which git config cannot hold");
        }

        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Writes a file; only when its folder is missing does it create the folder (one extra command) and retry.</summary>
    private async Task WriteAsync(string step, string guestPath, byte[] content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken)
    {
        try
        {
            await guest.WriteFileAsync(guestPath, content, owner, mode, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is BotBottleException && ex is not ProvisioningException)
        {
            // Most likely the parent folder does not exist yet; create it and try once more.
        }

        await Run(step, ["mkdir", "-p", ParentOf(guestPath)], owner, cancellationToken).ConfigureAwait(false);
        await guest.WriteFileAsync(guestPath, content, owner, mode, cancellationToken).ConfigureAwait(false);
    }

    private async Task Run(string step, IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken)
    {
        var r = await guest.ExecAsync(argv, user, cancellationToken).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new ProvisioningException(step, $"'{string.Join(' ', argv)}' exited {r.ExitCode}: {Tail(r.StandardError + r.StandardOutput)}");
        }
    }

    private static string ParentOf(string guestPath)
    {
        var i = guestPath.TrimEnd('/').LastIndexOf('/');
        return i <= 0 ? "/" : guestPath[..i];
    }

    private static string Tail(string s)
    {
        s = s.Trim();
        return s.Length <= 1000 ? s : "…" + s[^1000..];
    }
}
