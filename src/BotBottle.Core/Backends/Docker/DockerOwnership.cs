using BotBottle.Backends.Docker.Engine;
using BotBottle.Configuration;
using Docker.DotNet.Models;

namespace BotBottle.Backends.Docker;

/// <summary>
/// Which engine objects belong to one backend of one BotBottle home, by their labels
/// (<see cref="DockerDefaults.HomeLabel"/>, <see cref="DockerDefaults.BackendLabel"/>,
/// <see cref="DockerDefaults.SlugLabel"/>), and removing or listing them. Shared by the docker backend and the
/// smolmachines sidecar host, which differ only in the backend label and in whether objects from before the home and
/// backend labels existed count (the docker backend's, which is older, do).
/// </summary>
/// <param name="engine">The engine.</param>
/// <param name="home">This home.</param>
/// <param name="backend">The backend whose objects these are (<c>docker</c>, <c>smolmachines</c>).</param>
/// <param name="unlabelledAreOwn">Whether an object without a home or backend label counts as this home's and this backend's.</param>
internal sealed class DockerOwnership(Func<IDockerEngine> engine, BotBottleHome home, string backend, bool unlabelledAreOwn)
{
    private readonly string _homeId = DockerDefaults.HomeId(home.Root);

    private IDockerEngine Engine => engine();

    /// <summary>Whether an object's labels say it belongs to this home and backend.</summary>
    public bool IsOwn(IDictionary<string, string>? labels) =>
        Matches(labels.Label(DockerDefaults.HomeLabel), _homeId) && Matches(labels.Label(DockerDefaults.BackendLabel), backend);

    /// <summary>The container called <paramref name="name"/> if it exists and is ours; another home's or backend's is treated as absent.</summary>
    public async Task<ContainerInspectResponse?> ContainerAsync(string name, CancellationToken ct)
    {
        var c = await Engine.InspectContainerAsync(name, ct).ConfigureAwait(false);
        return c is not null && IsOwn(c.Config?.Labels) ? c : null;
    }

    /// <summary>Removes our containers, networks and volumes labelled with <paramref name="slug"/> (idempotent).</summary>
    public async Task RemoveAllAsync(string slug, CancellationToken ct)
    {
        var slugLabel = $"{DockerDefaults.SlugLabel}={slug}";
        foreach (var c in (await Engine.ListContainersAsync([slugLabel], ct).ConfigureAwait(false)).Where(c => IsOwn(c.Labels)))
        {
            await Engine.RemoveContainerAsync(c.ID, force: true, removeVolumes: true, ignoreMissing: true, ct).ConfigureAwait(false);
        }

        foreach (var n in (await Engine.ListNetworksAsync([slugLabel], ct).ConfigureAwait(false)).Where(n => IsOwn(n.Labels)))
        {
            await Engine.RemoveNetworkAsync(n.ID, ignoreMissing: true, ct).ConfigureAwait(false);
        }

        foreach (var v in (await Engine.ListVolumesAsync([slugLabel], ct).ConfigureAwait(false)).Where(v => IsOwn(v.Labels)))
        {
            await Engine.RemoveVolumeAsync(v.Name, force: true, ignoreMissing: true, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Our containers, networks and volumes carrying <paramref name="filter"/> whose slug is not in <paramref name="knownSlugs"/>, reported as <paramref name="reportAs"/>'s.</summary>
    public async Task<IReadOnlyList<OrphanResource>> FindOrphansAsync(string filter, string reportAs, IReadOnlySet<string> knownSlugs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(knownSlugs);
        var result = new List<OrphanResource>();
        bool IsOrphan(IDictionary<string, string>? labels, out string? slug)
        {
            slug = labels.Label(DockerDefaults.SlugLabel);
            return slug is not null && IsOwn(labels) && !knownSlugs.Contains(slug);
        }

        foreach (var c in await Engine.ListContainersAsync([filter], ct).ConfigureAwait(false))
        {
            if (IsOrphan(c.Labels, out var slug))
            {
                result.Add(new OrphanResource(reportAs, "container", c.ID, c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12], slug));
            }
        }

        foreach (var n in await Engine.ListNetworksAsync([filter], ct).ConfigureAwait(false))
        {
            if (IsOrphan(n.Labels, out var slug))
            {
                result.Add(new OrphanResource(reportAs, "network", n.ID, n.Name ?? n.ID, slug));
            }
        }

        foreach (var v in await Engine.ListVolumesAsync([filter], ct).ConfigureAwait(false))
        {
            if (IsOrphan(v.Labels, out var slug))
            {
                result.Add(new OrphanResource(reportAs, "volume", v.Name, v.Name, slug));
            }
        }

        return result;
    }

    /// <summary>Removes one orphan found by <see cref="FindOrphansAsync"/> (idempotent).</summary>
    public async Task RemoveOrphanAsync(OrphanResource orphan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(orphan);
        switch (orphan.Kind)
        {
            case "container":
                await Engine.RemoveContainerAsync(orphan.Id, true, true, true, ct).ConfigureAwait(false);
                break;
            case "network":
                await Engine.RemoveNetworkAsync(orphan.Id, true, ct).ConfigureAwait(false);
                break;
            case "volume":
                await Engine.RemoveVolumeAsync(orphan.Id, true, true, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Stops our container <paramref name="name"/> when it exists (5 s grace).</summary>
    public async Task StopIfPresentAsync(string name, CancellationToken ct)
    {
        if (await ContainerAsync(name, ct).ConfigureAwait(false) is null)
        {
            return;
        }

        try
        {
            await Engine.StopContainerAsync(name, 5, ct).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
        }
    }

    private bool Matches(string? value, string expected) => value is null ? unlabelledAreOwn : value == expected;
}
