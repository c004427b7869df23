using BotBottle.Diagnostics;
using BotBottle.Instances;
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

    /// <summary>Creates and starts the sidecar; on failure removes what it created and rethrows.</summary>
    Task<SidecarEndpoint> StartAsync(LaunchRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Starts a stopped sidecar again and waits until it is ready.</summary>
    Task ResumeAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>Stops the sidecar, keeping it.</summary>
    Task StopAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>Removes the sidecar and its network (idempotent).</summary>
    Task RemoveAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>The sidecar's status: <c>running</c>, <c>exited (N)</c> or <c>missing</c>.</summary>
    Task<string> StatusAsync(InstanceRecord instance, CancellationToken cancellationToken);

    /// <summary>Sidecar objects of <paramref name="backend"/> in this home whose slug is not in <paramref name="knownSlugs"/>.</summary>
    Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string backend, IReadOnlySet<string> knownSlugs, CancellationToken cancellationToken);

    /// <summary>Removes one orphan found by <see cref="FindOrphansAsync"/>.</summary>
    Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken cancellationToken);
}
