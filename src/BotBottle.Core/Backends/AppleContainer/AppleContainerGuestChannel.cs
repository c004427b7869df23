using System.Globalization;
using BotBottle.Backends.Provisioning;

namespace BotBottle.Backends.AppleContainer;

/// <summary>
/// <see cref="IGuestChannel"/> for an Apple <c>container</c>: <c>container cp</c> puts a file or folder in (it has no
/// owner or mode options, so the copy lands under a fresh name in the target's folder and one root <c>container
/// exec</c> sets owner and mode and moves it into place); commands run through <c>container exec</c>.
/// </summary>
/// <param name="tool">The <c>container</c> tool.</param>
/// <param name="container">Container name.</param>
/// <param name="agentUid">uid/gid of the agent user in the guest.</param>
/// <param name="stagingDirectory">Owner-only host folder for the files being copied.</param>
internal sealed class AppleContainerGuestChannel(BackendTool tool, string container, int agentUid, string stagingDirectory) : IGuestChannel
{
    public async Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var (parent, _) = Split(guestPath);
        Planning.StateStore.CreateDirectory(stagingDirectory);
        var staged = Path.Combine(stagingDirectory, Guid.NewGuid().ToString("n"));
        var landing = $"{parent.TrimEnd('/')}/.bot-bottle-{Path.GetFileName(staged)}";
        try
        {
            await File.WriteAllBytesAsync(staged, content.ToArray(), cancellationToken).ConfigureAwait(false);
            await tool.RequireAsync($"copy {guestPath} into the container {container}", AppleContainerCommands.CopyIn(staged, container, landing), cancellationToken).ConfigureAwait(false);
            var id = (owner == GuestUser.Agent ? agentUid : 0).ToString(CultureInfo.InvariantCulture);
            await tool.RequireAsync($"place {guestPath} in the container {container}",
                AppleContainerCommands.Exec(container, ["sh", "-c", "chown \"$2\" \"$1\" && chmod \"$3\" \"$1\" && mv -f \"$1\" \"$4\"", "sh", landing, $"{id}:{id}", Convert.ToString((int)mode, 8), guestPath], 0, null, []),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public async Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken)
    {
        Split(guestDirectory);
        var id = (owner == GuestUser.Agent ? agentUid : 0).ToString(CultureInfo.InvariantCulture);
        await tool.RequireAsync($"copy {hostDirectory} into the container {container}", AppleContainerCommands.CopyIn(hostDirectory.TrimEnd('/'), container, guestDirectory), cancellationToken).ConfigureAwait(false);
        await tool.RequireAsync($"set the owner of {guestDirectory} in the container {container}",
            AppleContainerCommands.Exec(container, ["chown", "-R", $"{id}:{id}", guestDirectory], 0, null, []), cancellationToken).ConfigureAwait(false);
    }

    public async Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken)
    {
        var home = user == GuestUser.Agent ? GuestProvisioner.AgentHome : "/root";
        var r = await tool.RunAsync(AppleContainerCommands.Exec(container, argv, user == GuestUser.Agent ? agentUid : 0, null, [new("HOME", home)]), cancellationToken).ConfigureAwait(false);
        return new GuestCommandResult(r.ExitCode, r.StandardOutput, r.StandardError);
    }

    private static (string Parent, string Name) Split(string guestPath)
    {
        if (string.IsNullOrEmpty(guestPath) || guestPath[0] != '/')
        {
            throw new ArgumentException($"Guest path '{guestPath}' must be absolute.", nameof(guestPath));
        }

        var trimmed = guestPath.TrimEnd('/');
        var i = trimmed.LastIndexOf('/');
        return (i == 0 ? "/" : trimmed[..i], trimmed[(i + 1)..]);
    }
}
