using BotBottle.Backends.Docker.Engine;
using BotBottle.Backends.Provisioning;

namespace BotBottle.Backends.Smolmachines;

/// <summary>
/// <see cref="IGuestChannel"/> for a smolvm micro-VM. A file goes in with one <c>smolvm machine cp</c> (owner and mode
/// set by <c>--uid/--gid/--mode</c>); a folder goes in as one tar archive (<c>machine cp</c> copies single files)
/// that <c>machine exec</c> unpacks as root into the parent folder, preserving the owner recorded in the archive and
/// never touching the parent's ownership; commands run through <c>smolvm machine exec</c>, as root (the guest image's
/// <c>USER</c>: exec has no user option) or, for the agent, behind <see cref="SmolvmCommands.AsAgent"/>.
/// </summary>
/// <param name="tool">The <c>smolvm</c> tool.</param>
/// <param name="machine">Machine name.</param>
/// <param name="agentUid">uid/gid of the agent user in the guest.</param>
/// <param name="stagingDirectory">Owner-only host folder for the files being copied (deleted after each copy).</param>
internal sealed class SmolvmGuestChannel(BackendTool tool, string machine, int agentUid, string stagingDirectory) : IGuestChannel
{
    public async Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken)
    {
        RequireAbsolute(guestPath);
        var staged = Stage();
        try
        {
            await File.WriteAllBytesAsync(staged, content.ToArray(), cancellationToken).ConfigureAwait(false);
            await tool.RequireAsync($"copy {guestPath} into the micro-VM {machine}", SmolvmCommands.CopyIn(staged, machine, guestPath, mode, owner == GuestUser.Agent ? agentUid : 0), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public async Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken)
    {
        RequireAbsolute(guestDirectory);
        var trimmed = guestDirectory.TrimEnd('/');
        var i = trimmed.LastIndexOf('/');
        var parent = i == 0 ? "/" : trimmed[..i];
        var name = trimmed[(i + 1)..];
        var id = owner == GuestUser.Agent ? agentUid : 0;
        var tar = new TarBuilder().AddDirectory(name, uid: id, gid: id);
        tar.AddDirectoryFrom(hostDirectory, name, id, id);
        var staged = Stage();
        var guestArchive = $"/tmp/bot-bottle-{Path.GetFileName(staged)}.tar";
        try
        {
            await using (var file = new FileStream(staged, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var stream = tar.ToStream())
            {
                await stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            await tool.RequireAsync($"copy {hostDirectory} into the micro-VM {machine}", SmolvmCommands.CopyIn(staged, machine, guestArchive, (UnixFileMode)0b110_000_000, 0), cancellationToken).ConfigureAwait(false);
            await tool.RequireAsync($"unpack {guestDirectory} in the micro-VM {machine}",
                SmolvmCommands.Exec(machine, ["sh", "-c", "tar -xf \"$1\" -C \"$2\"; rc=$?; rm -f \"$1\"; exit $rc", "sh", guestArchive, parent], null, []),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public async Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken)
    {
        var home = user == GuestUser.Agent ? GuestProvisioner.AgentHome : "/root";
        var r = await tool.RunAsync(SmolvmCommands.Exec(machine, user == GuestUser.Agent ? SmolvmCommands.AsAgent(agentUid, argv) : argv, null, [new("HOME", home)]), cancellationToken).ConfigureAwait(false);
        return new GuestCommandResult(r.ExitCode, r.StandardOutput, r.StandardError);
    }

    private string Stage()
    {
        Planning.StateStore.CreateDirectory(stagingDirectory);
        return Path.Combine(stagingDirectory, Guid.NewGuid().ToString("n"));
    }

    private static void RequireAbsolute(string guestPath)
    {
        if (string.IsNullOrEmpty(guestPath) || guestPath[0] != '/')
        {
            throw new ArgumentException($"Guest path '{guestPath}' must be absolute.", nameof(guestPath));
        }
    }
}
