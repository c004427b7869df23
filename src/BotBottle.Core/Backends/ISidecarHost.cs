using BotBottle.Operations;
using BotBottle.Planning;

namespace BotBottle.Backends;

/// <summary>Where the sidecar of a bottle ended up: the one address the agent's guest may reach.</summary>
/// <param name="Address">IPv4 address of the sidecar, routable from the host (the guest's allowlist admits only <c>Address/32</c>).</param>
/// <param name="Facts">Runtime facts to record (container id, network, image).</param>
internal sealed record SidecarEndpoint(string Address, BottleRuntime Facts);

/// <summary>
/// Runs a bottle's sidecar (and builds its agent image) for a backend whose agent is not a container on the same
/// engine: the smolmachines backend keeps the sidecar as a container on the host's Docker engine. Everything the
/// backend does to the engine goes through here, so its bottles never reach the docker backend's code.
/// </summary>
internal interface ISidecarHost
{
    /// <summary>Whether the sidecar can run on this host now. Never throws.</summary>
    Task<BackendReadiness> CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Builds the agent image from the same recipe the docker backend uses, derives the guest image from it (the same
    /// image with <c>USER root</c>, see <see cref="Docker.DockerSidecar.EnsureRootGuestImageAsync"/>) and saves that
    /// as a <c>docker save</c> archive at <paramref name="destinationTar"/>.
    /// </summary>
    /// <returns>The image reference that was exported.</returns>
    Task<string> ExportAgentImageAsync(BottlePlan plan, int agentUid, string destinationTar, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Builds or reuses the sidecar image, creates its network and container, and starts it (calling
    /// <see cref="LaunchContext.SidecarStarting"/> first); does not wait for it to be ready. What it created is
    /// removed by <see cref="RemoveAsync"/>, which the launch's rollback calls.
    /// </summary>
    Task<SidecarEndpoint> StartAsync(LaunchContext launch, CancellationToken cancellationToken);

    /// <summary>Starts a stopped sidecar again (calling <see cref="LaunchContext.SidecarStarting"/> first).</summary>
    /// <returns>Whether it was started (the caller then waits for its ready file).</returns>
    /// <exception cref="Errors.BotBottleException"><c>BottleBroken</c> when the sidecar container is gone.</exception>
    Task<bool> ResumeAsync(LaunchContext resume, CancellationToken cancellationToken);

    /// <summary>Stops the sidecar, keeping it.</summary>
    Task StopAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>Removes the sidecar and its network (idempotent).</summary>
    Task RemoveAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>The sidecar's status: <c>running</c>, <c>exited (N)</c> or <c>missing</c>.</summary>
    Task<string> StatusAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>The sidecar's last output lines, for an error when it did not get ready.</summary>
    Task<string> OutputAsync(BottleTarget bottle, CancellationToken cancellationToken);

    /// <summary>Sidecar objects of <paramref name="backend"/> in this home whose slug is not in <paramref name="knownSlugs"/>.</summary>
    Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string backend, IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken);

    /// <summary>Removes one orphan found by <see cref="FindOrphansAsync"/>.</summary>
    Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken);
}
