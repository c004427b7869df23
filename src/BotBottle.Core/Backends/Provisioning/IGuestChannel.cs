namespace BotBottle.Backends.Provisioning;

/// <summary>Who owns a file put into a guest, and who runs a guest command.</summary>
public enum GuestUser
{
    /// <summary>The unprivileged <c>agent</c> user (uid 1000) the agent runs as.</summary>
    Agent,

    /// <summary>root, for system-wide steps such as installing a CA.</summary>
    Root,
}

/// <summary>The result of a command run in a guest.</summary>
/// <param name="ExitCode">Exit code.</param>
/// <param name="StandardOutput">Captured stdout.</param>
/// <param name="StandardError">Captured stderr.</param>
public sealed record GuestCommandResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// What every backend offers for provisioning the agent's guest (a container or micro-VM): put files in, run
/// commands. Docker implements it with the archive and exec endpoints, smolmachines with
/// <c>smolvm machine cp</c>/<c>exec</c>, macos-container with <c>container cp</c>/<c>exec</c>; the provisioning steps
/// on top (<see cref="GuestProvisioner"/>) are shared, so every backend provisions the same way.
/// </summary>
public interface IGuestChannel
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="guestPath"/> (absolute); the parent folder must exist.</summary>
    Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken);

    /// <summary>Copies the host folder <paramref name="hostDirectory"/> to <paramref name="guestDirectory"/> (absolute; its parent must exist; it must not exist yet).</summary>
    Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="argv"/> in the guest as <paramref name="user"/> and waits for it.</summary>
    Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the operations above may run at the same time (the provisioner then runs its independent steps
    /// together). <see langword="false"/> unless a channel knows its transport allows it.
    /// </summary>
    bool SupportsConcurrentOperations => false;
}
