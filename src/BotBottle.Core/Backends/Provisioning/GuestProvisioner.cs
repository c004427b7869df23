using System.Text;
using BotBottle.Errors;

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
    /// <summary>The step: <c>ca</c>, <c>prompt</c>, <c>skills</c>, <c>git</c>, <c>mcp</c>.</summary>
    public string Step { get; } = step;
}

/// <summary>
/// <see cref="IBottleProvisioner"/> over an <see cref="IGuestChannel"/>. Assumes a Debian-family guest with an
/// <c>agent</c> user whose home is <c>/home/agent</c> (every shipped recipe; custom recipes are documented to follow
/// it). Commands are argument vectors; nothing is interpolated into a shell string except fixed paths.
/// </summary>
public sealed class GuestProvisioner(IGuestChannel guest) : IBottleProvisioner
{
    /// <summary>Where the bottle CA is installed in the guest.</summary>
    public const string CaPath = "/usr/local/share/ca-certificates/bot-bottle.crt";

    /// <summary>The system bundle that <c>update-ca-certificates</c> regenerates (Debian layout).</summary>
    public const string BundlePath = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>The environment every bottle sets so tools trust the bottle CA (values point at files this step writes).</summary>
    public static IReadOnlyDictionary<string, string> TrustEnvironment { get; } = new Dictionary<string, string>
    {
        ["SSL_CERT_FILE"] = BundlePath,
        ["REQUESTS_CA_BUNDLE"] = BundlePath,
        ["CURL_CA_BUNDLE"] = BundlePath,
        ["GIT_SSL_CAINFO"] = BundlePath,
        ["NODE_EXTRA_CA_CERTS"] = CaPath,
    };

    /// <inheritdoc />
    public async Task InstallCaAsync(string caPem, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(caPem);
        await Run("ca", ["mkdir", "-p", "/usr/local/share/ca-certificates"], GuestUser.Root, cancellationToken).ConfigureAwait(false);
        await guest.WriteFileAsync(CaPath, Encoding.ASCII.GetBytes(caPem), GuestUser.Root, (UnixFileMode)0b110_100_100, cancellationToken).ConfigureAwait(false);
        var update = await guest.ExecAsync(["update-ca-certificates"], GuestUser.Root, cancellationToken).ConfigureAwait(false);
        if (update.ExitCode == 127)
        {
            // No update-ca-certificates in this image: append to the bundle directly.
            await Run("ca", ["sh", "-c", $"mkdir -p /etc/ssl/certs && cat {CaPath} >> {BundlePath}"], GuestUser.Root, cancellationToken).ConfigureAwait(false);
        }
        else if (update.ExitCode != 0)
        {
            throw new ProvisioningException("ca", $"update-ca-certificates exited {update.ExitCode}: {Tail(update.StandardError + update.StandardOutput)}");
        }

        // Verify: a line from the middle of the certificate body must now be in the bundle.
        var probe = caPem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Skip(1).First();
        var check = await guest.ExecAsync(["grep", "-qF", "--", probe, BundlePath], GuestUser.Root, cancellationToken).ConfigureAwait(false);
        if (check.ExitCode != 0)
        {
            throw new ProvisioningException("ca", $"the bottle CA is not in {BundlePath} after installing it");
        }
    }

    /// <inheritdoc />
    public async Task CopyPromptAsync(string prompt, string guestPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        await Run("prompt", ["mkdir", "-p", ParentOf(guestPath)], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        await guest.WriteFileAsync(guestPath, Encoding.UTF8.GetBytes(prompt), GuestUser.Agent, (UnixFileMode)0b110_100_100, cancellationToken).ConfigureAwait(false);
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

        await Run("skills", ["mkdir", "-p", guestSkillsDirectory], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        foreach (var skill in skills)
        {
            var target = guestSkillsDirectory.TrimEnd('/') + "/" + skill.Name;
            await Run("skills", ["rm", "-rf", "--", target], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
            await guest.CopyDirectoryAsync(skill.HostPath, target, GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task ConfigureGitAsync(GuestGitIdentity? identity, IReadOnlyList<GitRewrite> rewrites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rewrites);
        if (identity?.Name is { Length: > 0 } name)
        {
            await Run("git", ["git", "config", "--global", "user.name", name], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        }

        if (identity?.Email is { Length: > 0 } email)
        {
            await Run("git", ["git", "config", "--global", "user.email", email], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        }

        foreach (var r in rewrites)
        {
            await Run("git", ["git", "config", "--global", "--add", $"url.{r.GateUrl}.insteadOf", r.Upstream], GuestUser.Agent, cancellationToken).ConfigureAwait(false);
        }
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
