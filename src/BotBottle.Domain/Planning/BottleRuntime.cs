using System.Text.Json.Serialization;

namespace BotBottle.Planning;

/// <summary>
/// What a backend recorded about a bottle it started (<c>metadata.json</c> → <c>runtime</c>): object names and ids,
/// addresses and the image tags used. Each backend fills the facts it has; the others stay <see langword="null"/>
/// (and are left out of the JSON). Only the backend named in <see cref="BottleMetadata.Backend"/> reads them.
/// </summary>
public sealed record BottleRuntime
{
    /// <summary>No facts (a bottle that never started).</summary>
    public static BottleRuntime Empty { get; } = new();

    /// <summary>Docker: the engine address the bottle runs on (<c>unix:///var/run/docker.sock</c>).</summary>
    public string? Endpoint { get; init; }

    /// <summary>The agent container's id (docker) or name (macos-container).</summary>
    public string? AgentContainer { get; init; }

    /// <summary>The sidecar container's id (docker, smolmachines) or name (macos-container).</summary>
    public string? SidecarContainer { get; init; }

    /// <summary>Docker: the id of the <c>--internal</c> network the agent and the sidecar share.</summary>
    public string? InternalNetwork { get; init; }

    /// <summary>Docker: the id of the sidecar's egress network.</summary>
    public string? EgressNetwork { get; init; }

    /// <summary>Docker: the internal network's subnet (<c>10.213.x.y/28</c>).</summary>
    public string? Subnet { get; init; }

    /// <summary>The sidecar's IPv4 address the agent reaches (docker: fixed on the internal network; smolmachines: on its bridge; macos-container: on the host-only network, re-read on resume).</summary>
    public string? SidecarAddress { get; init; }

    /// <summary>Docker: the agent's IPv4 address on the internal network.</summary>
    public string? AgentAddress { get; init; }

    /// <summary>The agent image tag (smolmachines: the root guest image exported to smolvm).</summary>
    public string? AgentImage { get; init; }

    /// <summary>The sidecar image tag.</summary>
    public string? SidecarImage { get; init; }

    /// <summary>The agent user's uid in the guest (stored as a string, as before this record existed).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public int? AgentUid { get; init; }

    /// <summary>Docker: the agent container's OCI runtime (<c>runc</c>).</summary>
    [JsonPropertyName("runtime")]
    public string? ContainerRuntime { get; init; }

    /// <summary>Smolmachines: the id of the sidecar's bridge network on the host engine.</summary>
    public string? SidecarNetwork { get; init; }

    /// <summary>Smolmachines: that network's subnet.</summary>
    public string? SidecarSubnet { get; init; }

    /// <summary>Smolmachines: the micro-VM's name.</summary>
    public string? Machine { get; init; }

    /// <summary>Smolmachines: the micro-VM's egress allowlist (<c>address/32</c>).</summary>
    public string? AllowCidr { get; init; }

    /// <summary>Macos-container: the host-only network's name.</summary>
    public string? HostOnlyNetwork { get; init; }

    /// <summary>Macos-container: the NAT network's name.</summary>
    public string? NatNetwork { get; init; }
}
