using BotBottle.Backends.Docker.Engine;
using Docker.DotNet.Models;
using BotBottle.Backends.Provisioning;

namespace BotBottle.Backends.Docker;

/// <summary>
/// <see cref="IGuestChannel"/> for a Docker container: files go in through <c>PUT /containers/{id}/archive</c>
/// (a tar extracted into the parent folder, so no parent's ownership is ever touched), commands run through exec.
/// </summary>
internal sealed class DockerGuestChannel(IDockerEngine engine, string containerId, int agentUid = DockerGuestChannel.DefaultAgentUid) : IGuestChannel
{
    /// <summary>uid/gid of the <c>agent</c> user in the shipped recipes unless built with another <c>AGENT_UID</c>.</summary>
    public const int DefaultAgentUid = 1000;

    private int AgentUid => agentUid;

    /// <inheritdoc />
    /// <remarks>The engine API serves archive and exec requests on one container concurrently (each is its own HTTP request).</remarks>
    public bool SupportsConcurrentOperations => true;

    public async Task WriteFileAsync(string guestPath, ReadOnlyMemory<byte> content, GuestUser owner, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var (parent, name) = Split(guestPath);
        var id = owner == GuestUser.Agent ? AgentUid : 0;
        using var tar = new TarBuilder().AddFile(name, content, mode, id, id).ToStream();
        await engine.PutArchiveAsync(containerId, parent, tar, cancellationToken).ConfigureAwait(false);
    }

    public async Task CopyDirectoryAsync(string hostDirectory, string guestDirectory, GuestUser owner, CancellationToken cancellationToken)
    {
        var (parent, name) = Split(guestDirectory);
        var id = owner == GuestUser.Agent ? AgentUid : 0;
        var tar = new TarBuilder().AddDirectory(name, uid: id, gid: id);
        tar.AddDirectoryFrom(hostDirectory, name, id, id);
        using var stream = tar.ToStream();
        await engine.PutArchiveAsync(containerId, parent, stream, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GuestCommandResult> ExecAsync(IReadOnlyList<string> argv, GuestUser user, CancellationToken cancellationToken)
    {
        var r = await engine.ExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = [.. argv],
            User = user == GuestUser.Root ? "0:0" : $"{AgentUid}:{AgentUid}",
            Env = user == GuestUser.Agent ? ["HOME=/home/agent"] : ["HOME=/root"],
        }, null, cancellationToken).ConfigureAwait(false);
        return new GuestCommandResult(r.ExitCode, r.StdOut, r.StdErr);
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
